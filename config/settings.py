"""One settings module, read from the environment.

Defaults give the embedded setup (SQLite in WAL mode, a file-system Celery broker) so
`python3 dev.py run` works on a bare machine. `APP_ENV=production` turns on the
production rules: a real SECRET_KEY, DEBUG off, secure cookies, HSTS.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

APP_ENV = env_str("APP_ENV", "dev")
if APP_ENV not in ("dev", "production"):
    raise ImproperlyConfigured(f"APP_ENV must be 'dev' or 'production', not {APP_ENV!r}")
PRODUCTION = APP_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when APP_ENV=production")

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when APP_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when APP_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_htmx",
    "django_celery_beat",
    "campaign",
    "tasks",
    "rectification",
    "reporting",
    "scale",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.PreferredLanguageMiddleware",
    # NUL in a query or form -> 400, database down -> 503, API errors as JSON (config/errors.py);
    # after the language is chosen, so its messages speak the caller's language.
    "config.errors.ErrorResponsesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "campaign.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets the web server and the Celery worker read while one writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # The test database is a file too, so a real Celery worker in the tests can open it.
    # One file per test process, so two test runs on one machine never share it.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"].startswith("django.db.backends.postgresql"):
    # Each session: room to hash a figure's ids (`id IN (subquery)` inside an aggregate's FILTER;
    # with the default 4 MB PostgreSQL re-runs the subquery per row and the figures page took over
    # a minute at 10,000 units instead of 1.5 s), and no JIT, whose compiling of the roll-ups' and
    # figures' long conditions costs seconds to save milliseconds (bench/README.md).
    _db.setdefault("OPTIONS", {})["options"] = (
        f"-c work_mem={env_str('DB_WORK_MEM', '64MB')} -c jit=off " + _db.get("OPTIONS", {}).get("options", "")
    ).strip()
    # A kept connection is checked (SELECT 1) at the start of each request and each job before
    # it is used again, so one that a database restart broke is replaced there instead of
    # failing that request or job (the worker keeps its connection: CELERY_DB_REUSE_MAX).
    _db["CONN_HEALTH_CHECKS"] = True
    # Who a session is, in pg_stat_activity: set it per process kind (the web, the worker, beat)
    # to tell their load apart; bench/load.py splits PostgreSQL's CPU by it.
    _db["OPTIONS"]["application_name"] = env_str("DB_APPLICATION_NAME", "campaign-tracker")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "campaign.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A working day: a session left open overnight has to log in again.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 9 * 3600)
SESSION_SAVE_EVERY_REQUEST = False

# Login throttling: five failures for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# The lockout keys on the client's address as the trusted proxies report it (campaign/client.py).
AXES_CLIENT_IP_CALLABLE = "campaign.client.client_ip"

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# History is read, never reverted: a past version is not a way around the services
# (campaign/admin_guard.py also refuses the history form's POST, which this setting alone does not).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Static and uploaded files ------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Every .xlsx import (roster, problem list, key tasks, indicator values): the upload, and what
# the file may unpack to, are checked before a cell is read (campaign/xlsx.py).
SPREADSHEET_MAX_BYTES = env_int("SPREADSHEET_MAX_BYTES", 5 * 1024 * 1024)
SPREADSHEET_MAX_UNPACKED_BYTES = env_int("SPREADSHEET_MAX_UNPACKED_BYTES", 20 * 1024 * 1024)
SPREADSHEET_MAX_ROWS = env_int("SPREADSHEET_MAX_ROWS", 10000)
SPREADSHEET_MAX_COLUMNS = env_int("SPREADSHEET_MAX_COLUMNS", 60)
SPREADSHEET_MAX_CELL_CHARS = env_int("SPREADSHEET_MAX_CELL_CHARS", 4000)
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
PUBLIC_REPORT_MAX_BYTES = env_int("PUBLIC_REPORT_MAX_BYTES", 5 * 1024 * 1024)

# --- REST API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["campaign.api_filters.CampaignFilter", "config.api.ListFiltersBackend"],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("TOKEN_THROTTLE_RATE", "20/min"),
        "public_report": env_str("PUBLIC_REPORT_THROTTLE_RATE", "5/hour"),
        "public_report_status": env_str("PUBLIC_REPORT_STATUS_THROTTLE_RATE", "30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Campaign progress tracker API",
    "DESCRIPTION": "Units, people and records of a campaign, cut to what the caller may see.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from the app's own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation also declares its error answers (400/401/403/404/409/429/503, config/api.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.document_errors"],
    # Choice sets that share a field name ("status", "kind", "code") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "WorkLineCodeEnum": "campaign.models.WorkLine.Code",
        "UnitKindEnum": "campaign.models.Unit.Kind",
        "UserRoleEnum": "campaign.models.User.Role",
        "WeeklyReportStatusEnum": "tasks.models.progress.WeeklyProgress.Status",
        "ProgressItemStatusEnum": "tasks.models.progress.ProgressItem.Status",
        "ReportActionEnum": "tasks.models.progress.ReportTransition.Action",
        "KeyTaskStatusEnum": ["not_started", "in_progress", "done", "overdue"],
        "StudyActivityKindEnum": "tasks.models.study.StudyActivity.Kind",
        "TypicalCaseKindEnum": "tasks.models.research.TypicalCase.Kind",
        "LivelihoodItemKindEnum": "tasks.models.development.LivelihoodItem.Kind",
        "PetitionCaseKindEnum": "rectification.models.public.PetitionCase.Kind",
        "TriageEnum": "rectification.models.public.Triage",
        "SummaryKindEnum": "reporting.models.summaries.Summary.Kind",
        "BulletinKindEnum": "reporting.models.bulletins.Bulletin.Kind",
    },
}

# --- Cache (throttling counters) ------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if PRODUCTION and not REDIS_URL:
    # Per-process counters would multiply every rate limit by the number of workers.
    raise ImproperlyConfigured(
        "REDIS_URL must be set when APP_ENV=production: the rate limits and the login lockout need a shared cache"
    )
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: nothing cached, no server error (config/cache.py).
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# How long Redis keeps a message a worker took but did not acknowledge before handing it to
# another worker (a worker killed whole, a host lost). Suited to the longest job: a scheduled
# roll-up of every campaign, two periods each, is ~10 s a period at 10,000 units (bench/README.md,
# section 2), a minute or two with a few campaigns, plus its retry countdown (at most 4 min); 30
# minutes leaves a wide margin without making a lost job wait kombu's default hour.
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 1800)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 3,  # a dead broker answers a request quickly, never hangs it
        "retry_on_timeout": True,
        "health_check_interval": 25,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Acknowledged after the job ran, so a job whose worker died is delivered again; the idempotent
# jobs (roll-ups, checks, the outbox's) also set reject_on_worker_lost, so a killed pool child
# puts its message back at once instead of acknowledging it.
CELERY_TASK_ACKS_LATE = True
# A worker that loses the broker waits for it to come back, however long; it never exits.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Its late-acknowledged jobs go back to the queue when the connection drops (they could not be
# acknowledged anyway): cancel them rather than let them finish and run a second time.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# A job handed to the broker but not run after this long is sent again from its outbox row
# (the message went with a broker restart); a second delivery of a job already run does nothing.
OUTBOX_RESEND_AFTER = env_int("OUTBOX_RESEND_AFTER", BROKER_VISIBILITY_TIMEOUT)

# Notices (campaign/notices.py): the site's address, for links that leave the site (mail), and
# the delivery channels besides the bell — an SMS or WeChat Work gateway is one more class here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
NOTICE_CHANNELS = ["campaign.notices.EmailChannel"]

# Exports: a list of more rows than this is written by a worker (a job with a progress bar and
# a download link, campaign/export_jobs.py); a smaller one is answered in the request.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 2000)
# A job's file is deleted this many hours after it was asked for.
EXPORT_JOB_KEEP_HOURS = env_int("EXPORT_JOB_KEEP_HOURS", 24)
# A roll-up run left "running" by a dead worker is marked abandoned by the sweep and its period
# run again. On PostgreSQL a working run holds an advisory lock that dies with its session, so a
# run without it is dead once ROLLUP_RUN_GRACE has passed (reporting/services/rollups.py); on
# SQLite a run still "running" after ROLLUP_RUN_TIMEOUT is (a run is one transaction of ~10 s at
# 10,000 units).
ROLLUP_RUN_TIMEOUT = env_int("ROLLUP_RUN_TIMEOUT", 900)
ROLLUP_RUN_GRACE = env_int("ROLLUP_RUN_GRACE", 60)
# The copy-paste check leaves out a sentence found in the reports of at least this many units in
# a week (an official phrase everyone quotes), so two reports sharing only such phrases score low.
OFFICIAL_PHRASE_UNITS = env_int("OFFICIAL_PHRASE_UNITS", 5)
if OFFICIAL_PHRASE_UNITS < 2:
    raise ImproperlyConfigured("OFFICIAL_PHRASE_UNITS: at least 2 (a sentence two units share is not official).")
# The one-beat lock: held in the broker's Redis by the beat that schedules, renewed at every
# tick; another beat waits, scheduling nothing, and takes over when the lock expires.
BEAT_LOCK_TIMEOUT = env_int("BEAT_LOCK_TIMEOUT", 60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the worker's database connection before and after every task
# unless told to reuse it: each copy-paste check then paid for a new PostgreSQL backend (its
# fork, its login, its cold catalogue caches), ~10 ms of the machine's CPU per submission that
# belonged to no process alive at the end of a run (bench/README.md, section 8). Told to reuse
# it, the fixup keeps it, and config/celery.py closes it as a request's end does: when it is
# older than CONN_MAX_AGE, broken, or left in a transaction.
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One schedule, in the database (django-celery-beat), editable by the office in the admin;
# its entries are created by reporting's data migration (reporting/schedule.py).
CELERY_BEAT_SCHEDULER = "config.beat:LockedDatabaseScheduler"

# --- Mail -------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST", "")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "campaign-office@localhost")

# --- Security -----------------------------------------------------------------------
# The proxies in front of the app, one entry per hop, outermost first (an IP or a CIDR, e.g.
# "127.0.0.1" for the documented nginx on the same host). Empty: REMOTE_ADDR is the client and
# X-Forwarded-For is ignored. Rate limits and the lockout key on the address this yields.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or CIDR network") from exc
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images, fonts and requests from the site
# itself only; no inline script or style anywhere in the pages (static/js, static/css hold them).
# The API docs pages included (config/urls.py: ReDoc's page alone may add inline styles).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": env_list("CSP_EXCLUDE_URL_PREFIXES", []),
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
