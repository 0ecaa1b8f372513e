"""Middleware above both apps: private answers are never stored, and a lost database answers 503.

`DatabaseUnavailableMiddleware` goes first in MIDDLEWARE. A view's exception reaches its `process_exception`;
an exception raised by another middleware (the session is read there, before any view) is turned into a 500
response by Django before any outer middleware sees it, so the `got_request_exception` signal marks the
request and the 500 is replaced on its way out. The security journal lives in the database that is gone: the
outage goes to the `chorale.availability` log instead, once per request.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

log = logging.getLogger("chorale.availability")

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_MARK = "_chorale_database_error"


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _never_stored(response):
    add_never_cache_headers(response)  # no-store, no-cache, private, max-age=0
    return response


def _mark_database_error(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_DOWN):
        setattr(request, _MARK, error)


got_request_exception.connect(_mark_database_error, dispatch_uid="chorale.database_unavailable")


def service_unavailable(request, error):
    log.error(
        "database unavailable: %s %s answered 503 (%s: %s)",
        request.method,
        request.path_info,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )
    if _is_api(request):
        message = _("Service momentanément indisponible : réessayez dans quelques instants.")
        response = JsonResponse({"detail": message}, status=503)
    else:
        body = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _never_stored(response)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, _MARK, None)
        return service_unavailable(request, error) if error is not None else response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return service_unavailable(request, exception)
        return None


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every API answer and on every page served to a signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = _is_api(request) or (user is not None and user.is_authenticated)
        if private and "no-store" not in response.get("Cache-Control", ""):
            _never_stored(response)
        return response
