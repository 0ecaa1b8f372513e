"""API authentication: hashed bearer tokens, or a browser session that has passed the second factor."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from accounts.token_keys import TOKEN_PREFIX, hash_token, new_token  # noqa: F401  (this module's interface)


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization invalide."))
        from accounts.models import ApiToken

        raw = header[1].decode(errors="replace")
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Jeton invalide, expiré ou révoqué."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        type(token.user).objects.filter(pk=token.user_id).update(last_api_use=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """A session counts only once the second factor has been verified."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if not (hasattr(user, "is_verified") and user.is_verified()):
            return None
        return result
