"""Support resets a person's second factor: a lost phone, no key and no recovery code left.

The apps, keys and recovery codes are removed in one transaction, each removal journaled with support as
the actor, the person's API tokens revoked (whoever holds the phone may hold them too) and the person told
by e-mail. Login then falls back to the code e-mailed to the login address, and a new app can be enrolled.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import tokens
from accounts.auth_mail import notify_security_change
from accounts.journal import log_event
from accounts.models import RecoveryCodeDevice, SecurityEvent, User

SUPPORT_RESET = "réinitialisation par le support"


@transaction.atomic
def reset_second_factor(user: User, *, actor: User, request=None) -> int:
    """Remove every second factor but the e-mailed code; returns how many were removed."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    removed = [
        *(f"TOTP « {d.name} »" for d in TOTPDevice.objects.filter(user=user)),
        *(f"clé d'accès « {d.name} »" for d in WebAuthnCredential.objects.filter(user=user)),
        *("codes de secours" for _d in RecoveryCodeDevice.objects.filter(user=user)),
    ]
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    for label in removed:
        log_event(
            user,
            SecurityEvent.Kind.FACTOR_REMOVED,
            request=request,
            detail=f"{label} ({SUPPORT_RESET})",
            actor=actor,
        )
    tokens.revoke_personal_tokens(user, reason=SUPPORT_RESET, actor=actor, request=request)
    if removed:
        notify_security_change(user, _("votre second facteur a été réinitialisé par le support"))
    return len(removed)
