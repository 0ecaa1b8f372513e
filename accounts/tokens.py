"""API tokens for a person (from the security page) or a technical account: shown once, kept hashed.

A person's tokens expire (`CHORALE_API_TOKEN_DAYS`, a year by default) and are all revoked when the password
is reset or the second factor removed or replaced: whoever took over the account must not keep a way in.
A technical account's token has no expiry: its structure's managers revoke it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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
    days = getattr(settings, "CHORALE_API_TOKEN_DAYS", 365)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[:PREFIX_LENGTH],
        key_hash=hash_token(raw),
        expires_at=None if user.is_technical else timezone.now() + timedelta(days=days),
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


@transaction.atomic
def revoke_personal_tokens(user, *, reason: str, actor=None, request=None) -> int:
    """Revoke every live token of a person (password reset, second factor changed); returns how many."""
    if user.is_technical:
        return 0
    live = list(live_tokens().select_for_update().filter(user=user))
    ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=timezone.now())
    for token in live:
        log_event(
            user,
            SecurityEvent.Kind.TOKEN_REVOKED,
            request=request,
            detail=f"{token.name} ({token.prefix}…) : {reason}",
            actor=actor,
        )
    if live:
        notify_security_change(user, _("vos jetons d'API personnels ont été révoqués"))
    return len(live)


def live_tokens():
    """Tokens that authenticate: not revoked, not expired."""
    return ApiToken.objects.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def personal_tokens(user):
    """The user's tokens that still work, newest first."""
    return live_tokens().filter(user=user).order_by("-created_at", "-pk")


def get_api_token_for_user(user, token_uuid) -> ApiToken:
    """One of the user's own live tokens, or 404 (someone else's token does not exist for them)."""
    token = personal_tokens(user).filter(uuid=token_uuid).first()
    if token is None:
        raise Http404
    return token
