"""Django's error views (a URL that matches nothing, a bad request, a server error): JSON under /api/.

An API client reads one error body whatever answers it, DRF or Django (`accounts.api.errors`); the pages keep
Django's own views. Django calls these only with DEBUG off: with DEBUG on it shows its technical pages.
"""

from django.views import defaults

from accounts.api.errors import json_error


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception=None):
    return json_error(request, 400) if _is_api(request) else defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    return json_error(request, 403) if _is_api(request) else defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    return json_error(request, 404) if _is_api(request) else defaults.page_not_found(request, exception)


def server_error(request):
    return json_error(request, 500) if _is_api(request) else defaults.server_error(request)
