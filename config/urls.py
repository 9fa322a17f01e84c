from axes.handlers.proxy import AxesProxyHandler
from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from campaign import api as campaign_api
from campaign import views_invitations
from campaign.client import ClientScopedRateThrottle
from campaign.forms_auth import LoginForm
from config.files import file_paths
from config.parsers import JSONObjectParser
from rectification import api as rectification_api
from rectification.api.closures import EvidenceViewSet
from rectification.api.public import PublicReportAttachmentViewSet
from reporting import api as reporting_api
from tasks import api as tasks_api
from tasks.api.progress import ReportAttachmentViewSet


class TokenView(ObtainAuthToken):
    """POST username and password, get a token; throttled and locked out like the login page."""

    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"
    # ObtainAuthToken names its own parsers; a JSON body here must be an object too.
    parser_classes = [JSONObjectParser, FormParser, MultiPartParser]

    def post(self, request, *args, **kwargs):
        username = request.data.get("username", "")
        # Only a string names an account; anything else is refused by the serializer below.
        credentials = {"username": username if isinstance(username, str) else ""}
        if AxesProxyHandler.is_locked(request._request, credentials):
            return Response(
                {"detail": _("Too many failed logins for this account; try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                # The lock lifts the cool-off after the last failure: at the latest, this long.
                headers={"Retry-After": str(round(settings.AXES_COOLOFF_TIME * 3600))},
            )
        return super().post(request, *args, **kwargs)


REDOC_CSP = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico; the icon lives in the static files (resolved per request,
    since the production manifest exists only after collectstatic)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


class Router(DefaultRouter):
    """Record ids in paths are whole numbers: anything else (`null,null`, `-1`, `1.5`) matches no
    route and answers the API's JSON 404 before a view sees it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]+"


router = Router()
router.register("campaigns", campaign_api.CampaignViewSet, basename="campaign")
router.register("work-lines", campaign_api.WorkLineViewSet, basename="work-line")
router.register("units", campaign_api.UnitViewSet, basename="unit")
router.register("users", campaign_api.UserViewSet, basename="user")
router.register("liaisons", campaign_api.LiaisonViewSet, basename="liaison")
router.register("inspection-groups", campaign_api.InspectionGroupViewSet, basename="inspection-group")
rectification_api.register(router)
tasks_api.register(router)
reporting_api.register(router)

# Under /api/ these answer JSON; pages keep Django's (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("welcome/", views_invitations.welcome, name="welcome"),
    path(
        "password/forgot/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("password/forgot/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("favicon.ico", FaviconView.as_view()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/v1/", include("campaign.api_imports")),  # the import pipeline: upload, confirm, progress
    *file_paths(
        "api/v1/",
        [
            ("report-attachments", "report-attachment", ReportAttachmentViewSet),
            ("evidence", "evidence", EvidenceViewSet),
            ("public-report-attachments", "public-report-attachment", PublicReportAttachmentViewSet),
        ],
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-v1-schema"),
    # The docs under the site's Content-Security-Policy: Swagger UI's start-up script is served
    # from /api/docs/?script= (the split view), never inline. ReDoc styles its page with the
    # <style> elements it writes and searches in a worker it builds from a blob: these two are
    # allowed on its page only; scripts stay the site's own files.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/redoc/",
        csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    path("", include("tasks.urls")),
    path("", include("rectification.urls")),
    path("", include("tasks.urls_records")),
    path("", include("reporting.urls")),
    path("", include("campaign.urls")),
]
