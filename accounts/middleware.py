"""The second factor enforced for every page past login, and the user's access kept for one request."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.access import request_scope

# Paths reachable without a verified second factor: the login steps themselves and account recovery.
_OPEN_PREFIXES = (
    "/comptes/connexion",
    "/comptes/second-facteur",
    "/comptes/deconnexion",
    "/comptes/inscription",
    "/comptes/activation",
    "/comptes/mot-de-passe",
    "/comptes/email/confirmer",
    "/i18n/",
    "/api/",  # the API authenticates with tokens, or with a session already verified (see api.authentication)
    "/favicon.ico",
    "/cpro/",  # the Chorus Pro-compatible API: an OAuth2 token and a technical account on every call
)


class RequireSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        path = request.path_info
        if path.startswith(_OPEN_PREFIXES) or path.startswith(self.static_prefix):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
        if not user.is_verified():
            return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
        return self.get_response(request)


class AccessPerRequestMiddleware:
    """The user's structures, services and rights are read once per request (`accounts.access.access_of`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)
