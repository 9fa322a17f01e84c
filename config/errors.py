"""What a caller gets when something goes wrong, pages and API alike.

- Under `/api/` every error is JSON (`{"detail": "…"}`), whatever raised it: DRF's own errors
  through `config.api.exception_handler`, everything else (an uncaught exception, a URL that
  matches nothing, a bad Host) through the middleware and the `handler*` views below.
- The database unreachable (OperationalError, InterfaceError) answers 503 with `Retry-After`,
  a plain page in Chinese that needs neither the database nor the templates' context.
- A NUL character in the query string or in a submitted (url-encoded) form answers 400 before
  any view sees it: PostgreSQL cannot store or compare text holding one, so no search or form
  can use it. (Multipart forms and API bodies are left to the forms' and serializers' own
  validation, which refuses NUL in every text field with a message naming it.)
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("django.request")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
NUL = "\x00"
JSON_PARAMS = {"ensure_ascii": False}  # Chinese messages as text, like DRF's answers


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _page(title: str, message: str, status: int) -> HttpResponse:
    # Self-contained on purpose: no template context, no database, no static files.
    html = (
        '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        # No inline style: the Content-Security-Policy would refuse it.
        "<body>"
        f"<h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>"
    )
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def unavailable_response(request) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, a plain page elsewhere."""
    message = _("The service is temporarily unavailable; please try again in a minute.")
    if is_api(request):
        response = JsonResponse({"detail": message}, status=503, json_dumps_params=JSON_PARAMS)
    else:
        response = _page(_("Service temporarily unavailable"), message, 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error_response(request) -> JsonResponse:
    return JsonResponse(
        {"detail": _("Something went wrong on the server; it has been logged. Please try again later.")},
        status=500,
        json_dumps_params=JSON_PARAMS,
    )


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in data.getlist(key)) for key in data)


def nul_refused(request) -> HttpResponse:
    message = _("The request holds a NUL character (\\0), which no text may contain; remove it and try again.")
    if is_api(request):
        return JsonResponse({"detail": message}, status=400, json_dumps_params=JSON_PARAMS)
    return _page(_("Bad request"), message, 400)


class ErrorResponsesMiddleware:
    """Refuses NUL characters in the query string and in form submissions (400), answers the
    database being unreachable with a 503, and an uncaught exception under /api/ with a JSON 500
    (logged as Django logs a 500). Errors raised outside the view (another middleware) reach
    the `handler*` views below, which answer the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _has_nul(request.GET):
            return nul_refused(request)
        if (
            not is_api(request)
            and request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and _has_nul(request.POST)
        ):
            return nul_refused(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable: %s", request.path, exc_info=exception)
            return unavailable_response(request)
        if is_api(request):
            logger.error("Internal Server Error: %s", request.path, exc_info=exception)
            return server_error_response(request)
        return None


# --- handler404 / handler500 / handler400 / handler403 (config/urls.py) ------------------------


def not_found(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404, json_dumps_params=JSON_PARAMS)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400, json_dumps_params=JSON_PARAMS)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if is_api(request):
        message = str(exception) if exception is not None and str(exception) else _("You may not do this.")
        return JsonResponse({"detail": message}, status=403, json_dumps_params=JSON_PARAMS)
    return defaults.permission_denied(request, exception)


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable_response(request)
    if is_api(request):
        return server_error_response(request)
    return defaults.server_error(request)
