"""The floor: the least Django can do for a weekly report, in one module (issue 14).

Served by the same gunicorn set-up as the product (`gunicorn bench.floor:application`, started
by `bench/load.py --floor`), on the same database, with the same connection settings
(DATABASE_URL, DB_CONN_MAX_AGE). Two requests per submission, as the product's one-step flow:

- `POST /floor/open/` `{"unit", "week"}`: the unit's row for the week, created if missing
  (INSERT … ON CONFLICT DO NOTHING, then SELECT), as JSON;
- `POST /floor/submit/` `{"id", "version", "highlights", "problems", "next_week_plan", "notes"}`:
  in a transaction, UPDATE the row to submitted with the texts where the version matches
  (the product's optimistic lock), as JSON; 409 when the version is stale.

No authentication, no middleware, no ORM models, no history, no check: what is left is
gunicorn, Django's request/response cycle, JSON and the two statements — the framework's own
cost of a submission on this machine. The rows go to a table of their own
(`bench_floor_report`, created and emptied by `prepare()`), never the product's.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlparse

from django.conf import settings

TABLE = "bench_floor_report"


def _database() -> dict:
    url = urlparse(os.environ["DATABASE_URL"])
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.path.lstrip("/"),
        "USER": url.username or "",
        "PASSWORD": url.password or "",
        "HOST": url.hostname or "",
        "PORT": str(url.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "60")),  # as config/settings.py
    }


if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor-only",  # noqa: S106 - a benchmark served on loopback
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={"default": _database()},
        USE_TZ=True,
    )

import django  # noqa: E402 - after the settings

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

COLUMNS = "id, unit_id, week, status, version, highlights, problems, next_week_plan, notes"


def prepare() -> None:
    """Create the floor's table if needed and empty it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                id bigserial PRIMARY KEY, unit_id bigint NOT NULL, week varchar(10) NOT NULL,
                status varchar(20) NOT NULL DEFAULT 'draft', version integer NOT NULL DEFAULT 1,
                highlights text NOT NULL DEFAULT '', problems text NOT NULL DEFAULT '',
                next_week_plan text NOT NULL DEFAULT '', notes jsonb NOT NULL DEFAULT '{{}}',
                submitted_at timestamptz, UNIQUE (unit_id, week))"""
        )
        cursor.execute(f"TRUNCATE {TABLE}")


def _row(cursor) -> dict | None:
    row = cursor.fetchone()
    return dict(zip([c.strip() for c in COLUMNS.split(",")], row, strict=True)) if row else None


@csrf_exempt
def open_report(request):
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (unit_id, week) VALUES (%s, %s) ON CONFLICT (unit_id, week) DO NOTHING",  # noqa: S608
            [body["unit"], body["week"]],
        )
        cursor.execute(f"SELECT {COLUMNS} FROM {TABLE} WHERE unit_id = %s AND week = %s", [body["unit"], body["week"]])  # noqa: S608
        return JsonResponse(_row(cursor))


@csrf_exempt
def submit_report(request):
    body = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {TABLE} SET status = 'submitted', version = version + 1, highlights = %s, problems = %s,
                    next_week_plan = %s, notes = %s, submitted_at = now()
                WHERE id = %s AND version = %s RETURNING {COLUMNS}""",  # noqa: S608
            [
                body["highlights"],
                body["problems"],
                body["next_week_plan"],
                json.dumps(body.get("notes", {})),
                body["id"],
                body["version"],
            ],
        )
        row = _row(cursor)
    if row is None:
        return JsonResponse({"detail": "stale version"}, status=409)
    return JsonResponse(row)


def submitted_pairs(week: str) -> set[tuple[int, str]]:
    """(unit, week) of the submitted rows of the week and of its later rounds ("2026-W49r1", …)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT unit_id, week FROM {TABLE} WHERE week LIKE %s AND status = 'submitted'",  # noqa: S608
            [week + "%"],
        )
        return {(unit_id, row_week) for unit_id, row_week in cursor.fetchall()}


urlpatterns = [path("floor/open/", open_report), path("floor/submit/", submit_report)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
