from django.conf import settings
from django.utils import translation

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class PreferredLanguageMiddleware:
    """Chinese unless the person chose otherwise.

    Pages follow the language chosen with the switcher (the language cookie) and
    otherwise speak zh-hans, whatever the browser prefers: the users are Chinese
    officials on browsers that often say en-US. API clients are programs, so the API
    also honours Accept-Language for its error messages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in _SUPPORTED:
            language = None
        if language is None and request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META:
            language = translation.get_language_from_request(request)
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
