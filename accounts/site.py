"""The portal's address in the links of its e-mails.

`SITE_URL`, when set, wins (production sets it). Left empty, a mail built while serving a request links to
the host that served it, as the person saw it: a portal opened at http://factures.local:8000 no longer mails
links to 127.0.0.1. Django has checked that host against `ALLOWED_HOSTS` before any view runs
(CommonMiddleware), so a forged Host header never reaches a mail.

A task queued while serving a request carries that address to the worker that runs it (portal/celery.py), so
the status mails a worker sends link to the same host. What no request started (the Chorus Pro
synchronisation, scheduled tasks, management commands) has only `SITE_URL`, else `LOCAL_DEFAULT`: a portal
served anywhere but on a laptop must set `SITE_URL`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

LOCAL_DEFAULT = "http://127.0.0.1:8000"  # outside any request, with SITE_URL unset (a laptop)

_served_from: ContextVar[str] = ContextVar("chorale_served_from", default="")


def site_url() -> str:
    """The base of the portal's absolute links, without a trailing slash."""
    return (settings.SITE_URL or _served_from.get() or LOCAL_DEFAULT).rstrip("/")


def served_from() -> str:
    """The address of the request being served, or of the one that queued the running task; "" outside."""
    return _served_from.get()


@contextmanager
def serving_from(url: str):
    """Build links as if serving a request at `url` (a task queued by that request)."""
    token = _served_from.set(url)
    try:
        yield
    finally:
        _served_from.reset(token)


class ServedFromMiddleware:
    """Remember, for the time of the request, the address it was served at (after CommonMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with serving_from(request.build_absolute_uri("/")):
            return self.get_response(request)
