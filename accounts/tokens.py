"""API tokens for a person (from the security page) or a technical account: shown once, kept hashed."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.auth_mail import notify_security_change
from accounts.journal import log_event
from accounts.models import ApiToken, SecurityEvent
from accounts.token_keys import hash_token, new_token

PREFIX_LENGTH = 12


class ApiTokenError(Exception):
    pass


class ApiTokenAlreadyRevoked(ApiTokenError):
    pass


@transaction.atomic
def create_api_token(user, *, name, actor=None, request=None) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its raw value, which is never stored nor shown again."""
    raw = new_token()
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw[:PREFIX_LENGTH], key_hash=hash_token(raw)
    )
    log_event(
        user,
        SecurityEvent.Kind.TOKEN_CREATED,
        request=request,
        detail=f"{token.name} ({token.prefix}…)",
        actor=actor,
    )
    if not user.is_technical:
        notify_security_change(user, _("un jeton d'API a été créé"))
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor, request=None) -> ApiToken:
    """Revoke a token; it stops authenticating at once."""
    # The conditional update settles a race between two revocations: only one of them writes the journal.
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if not revoked:
        raise ApiTokenAlreadyRevoked(_("Ce jeton est déjà révoqué."))
    token.refresh_from_db()
    log_event(
        token.user,
        SecurityEvent.Kind.TOKEN_REVOKED,
        request=request,
        detail=f"{token.name} ({token.prefix}…)",
        actor=actor,
    )
    return token


def personal_tokens(user):
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at", "-pk")


def get_api_token_for_user(user, token_uuid) -> ApiToken:
    """One of the user's own live tokens, or 404 (someone else's token does not exist for them)."""
    token = personal_tokens(user).filter(uuid=token_uuid).first()
    if token is None:
        raise Http404
    return token
