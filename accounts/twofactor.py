"""The second factor: code formats, recovery codes, TOTP enrolment, verification and fresh-2FA checks.

The first section is plain Python (formats, recovery codes, QR rendering) tested with known answers; the rest
binds django-otp devices to our rules: one TOTP app per account, e-mailed codes until an app is enrolled,
recovery codes stored as hashes, every failure throttled per device and written to the journal.
"""

import base64
import io
import re
from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout, tokens
from accounts.auth_mail import notify_security_change
from accounts.journal import log_event
from accounts.models import RecoveryCode, RecoveryCodeDevice, SecurityEvent, User
from accounts.recovery import (  # noqa: F401  (part of this module's interface)
    RECOVERY_CODE_BYTES,
    RECOVERY_GROUP,
    group,
    hash_recovery_code,
    new_recovery_code,
    normalize_recovery_code,
)
from accounts.site import site_url

# --- Pure logic ---

_CODE_RE = re.compile(r"[0-9]{6}")  # [0-9], not \d: "١٢٣٤٥٦" must not pass for 123456
_SPACES_RE = re.compile(r"\s+")

RECOVERY_CODE_COUNT = 10


def normalize_code(raw: str | None) -> str | None:
    """The six-digit code typed by the user, spaces removed, or None if it is anything else."""
    if raw is None:
        return None
    code = _SPACES_RE.sub("", raw)
    return code if _CODE_RE.fullmatch(code) else None


def b32_secret(bin_key: bytes) -> str:
    """The TOTP secret as typed into an authenticator app, in groups of four."""
    return group(base64.b32encode(bin_key).decode().rstrip("="), sep=" ")


def qr_svg_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data URI, rendered here so that no secret leaves the server."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --- Devices and operations ---

RECENT_OTP_SESSION_KEY = "chorale_otp_verified_at"
RECENT_OTP_SECONDS = 10 * 60
ENROLMENT_MAX_AGE = timedelta(minutes=30)


class SecondFactorError(Exception):
    """A code was not accepted; the message is for the user."""


class CodeRefused(SecondFactorError):
    pass


class Throttled(SecondFactorError):
    def __init__(self, locked_until: datetime | None):
        self.locked_until = locked_until
        seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 1
        super().__init__(_("Trop de codes erronés : réessayez dans %(seconds)s s.") % {"seconds": seconds})


def _kind_label(device) -> str:
    if isinstance(device, TOTPDevice):
        return "TOTP"
    if isinstance(device, RecoveryCodeDevice):
        return "code de secours"
    if isinstance(device, EmailDevice):
        return "code par e-mail"
    return type(device).__name__


def totp_device_for(user) -> TOTPDevice | None:
    """The user's enrolled authenticator app (there is at most one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_device_for(user) -> RecoveryCodeDevice | None:
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()


def email_device_for(user) -> EmailDevice:
    """The device that e-mails codes to the login address (created on first need, follows e-mail changes)."""
    device = EmailDevice.objects.filter(user=user, email__isnull=True).order_by("pk").first()
    if device is None:
        device = EmailDevice.objects.create(user=user, name="E-mail", confirmed=True)
    return device


def uses_app(user) -> bool:
    """Whether login asks for the app's code (otherwise a code is e-mailed)."""
    return totp_device_for(user) is not None


def primary_device_for(user):
    """The device whose code the login and re-verification steps ask for."""
    return totp_device_for(user) or email_device_for(user)


def has_pending_email_code(device: EmailDevice) -> bool:
    return bool(device.token) and device.valid_until > timezone.now()


def send_email_code(user, *, request=None, force=False) -> tuple[bool, str]:
    """E-mail a fresh code unless one is still valid (or `force`); honours django-otp's resend cooldown.

    Returns (sent, message for the user).
    """
    device = email_device_for(user)
    if not force and has_pending_email_code(device):
        return False, ""
    allowed, info = device.generate_is_allowed()
    if not allowed:
        wait = max(1, int((info["next_generation_at"] - timezone.now()).total_seconds()) + 1)
        return False, str(
            _("Un code vient d'être envoyé : patientez %(seconds)s s avant d'en demander un autre.")
            % {"seconds": wait}
        )
    minutes = settings.OTP_EMAIL_TOKEN_VALIDITY // 60
    with translation.override(user.language):
        device.generate_challenge({"user": user, "minutes": minutes, "site_url": site_url()})
    log_event(user, SecurityEvent.Kind.OTP_SENT, request=request, detail=_mask_email(user.email))
    return True, str(_("Un code à 6 chiffres a été envoyé à %(email)s.") % {"email": _mask_email(user.email)})


def _mask_email(email: str) -> str:
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(1, min(len(local) - 1, 6))}@{domain}"


def check_code(request, user, device, code: str):
    """Verify `code` on one device of `user`; raise CodeRefused or Throttled, journaling the failure.

    The device row is locked while the code is checked (django-otp's verify_token), so one code cannot be
    accepted twice by concurrent requests, and a TOTP code at or before the last accepted step is refused.
    """
    allowed, info = device.verify_is_allowed()
    if not allowed:
        log_event(
            user, SecurityEvent.Kind.OTP_FAILED, request=request, detail=f"{_kind_label(device)} : bloqué"
        )
        raise Throttled((info or {}).get("locked_until"))
    verified = verify_token(user, device.persistent_id, code) if code else None
    if verified is None:
        log_event(user, SecurityEvent.Kind.OTP_FAILED, request=request, detail=_kind_label(device))
        if code:
            lockout.code_refused(user, device, request=request)  # caps django-otp's doubling wait
        raise CodeRefused(_("Code incorrect ou expiré."))
    if isinstance(verified, RecoveryCodeDevice):
        log_event(
            user,
            SecurityEvent.Kind.RECOVERY_USED,
            request=request,
            detail=f"{verified.remaining} restant(s)",
        )
        notify_security_change(user, _("un code de secours a été utilisé pour vous connecter"))
    return verified


def mark_verified(request, device) -> None:
    """Record a passed second factor on the session: verified, key rotated, fresh for sensitive actions."""
    otp_login(request, device)
    request.session.cycle_key()
    request.session[RECENT_OTP_SESSION_KEY] = timezone.now().timestamp()


def complete_login(request, device) -> None:
    mark_verified(request, device)
    log_event(request.user, SecurityEvent.Kind.LOGIN, request=request, detail=_kind_label(device))


def has_recent_otp(request, *, within: int = RECENT_OTP_SECONDS) -> bool:
    """Whether this session passed a second factor in the last `within` seconds."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return False
    at = request.session.get(RECENT_OTP_SESSION_KEY)
    return isinstance(at, int | float) and 0 <= timezone.now().timestamp() - at <= within


def require_recent_otp(view):
    """Decorator for sensitive actions: ask for the second factor again unless it was given < 10 min ago.

    The user comes back to the same URL (as a GET) once verified.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if has_recent_otp(request):
            return view(request, *args, **kwargs)
        return reverify_redirect(request)

    return wrapper


def reverify_redirect(request):
    """Send the user to give the second factor again, then back to this URL."""
    return redirect(f"{reverse('accounts:reverify')}?next={quote(request.get_full_path())}")


# --- Enrolment of the authenticator app ---


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled, kept a while so that reloading the page keeps the QR code."""
    cutoff = timezone.now() - ENROLMENT_MAX_AGE
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False, created_at__gte=cutoff).order_by("-pk").first()
    )
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(
            user=user, name="", confirmed=False, tolerance=settings.OTP_TOTP_TOLERANCE
        )
    return device


def totp_provisioning(device: TOTPDevice) -> dict:
    """What the enrolment page shows: the otpauth URI as a QR code and the secret for manual entry."""
    uri = device.config_url  # issuer from OTP_TOTP_ISSUER ("Chorale"), label = the account e-mail
    return {"uri": uri, "qr": qr_svg_data_uri(uri), "secret": b32_secret(device.bin_key)}


def confirm_totp_device(user, device: TOTPDevice, *, code: str, name: str, request=None) -> list[str] | None:
    """Confirm the app being enrolled with a current code; it replaces any app enrolled before.

    Returns the new recovery codes when the account had none (shown once), else None. The caller is
    responsible for asking a fresh second factor before a replacement (see `require_recent_otp`).
    """
    if device.confirmed or device.user_id != user.pk:
        raise CodeRefused(_("Cet enrôlement n'est plus valable : recommencez."))
    check_code(request, user, device, code)
    with transaction.atomic():
        # Lock the account so that two enrolments finishing together still leave exactly one app.
        User.objects.select_for_update().filter(pk=user.pk).first()
        replaced = list(TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk))
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.name = name.strip() or str(_("Application d'authentification"))
        device.save(update_fields=["confirmed", "name"])
        for old in replaced:
            log_event(
                user,
                SecurityEvent.Kind.FACTOR_REMOVED,
                request=request,
                detail=f"TOTP « {old.name} » (remplacée)",
            )
        log_event(user, SecurityEvent.Kind.FACTOR_ADDED, request=request, detail=f"TOTP « {device.name} »")
        codes = None
        recovery = recovery_device_for(user)
        if recovery is None or recovery.remaining == 0:
            codes = _issue_recovery_codes(user, request=request)
        notify_security_change(
            user,
            _("une application d'authentification a été remplacée")
            if replaced
            else _("une application d'authentification a été ajoutée"),
        )
        if replaced:
            tokens.revoke_personal_tokens(user, reason="application remplacée", request=request)
    if request is not None:
        mark_verified(request, device)
    return codes


@transaction.atomic
def remove_totp_device(user, *, request=None) -> None:
    """Remove the enrolled app; login falls back to codes e-mailed to the login address."""
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    if not devices:
        raise SecondFactorError(_("Aucune application n'est enregistrée."))
    for device in devices:
        device.delete()
        log_event(user, SecurityEvent.Kind.FACTOR_REMOVED, request=request, detail=f"TOTP « {device.name} »")
    notify_security_change(user, _("l'application d'authentification a été retirée"))
    tokens.revoke_personal_tokens(user, reason="application retirée", request=request)
    if request is not None:
        # The session was verified by the removed app: keep it verified through the e-mail device.
        mark_verified(request, email_device_for(user))


# --- Recovery codes ---


def _issue_recovery_codes(user, *, request=None) -> list[str]:
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Codes de secours", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [new_recovery_code() for _i in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=hash_recovery_code(c)) for c in codes
    )
    device.throttle_reset(commit=True)
    log_event(user, SecurityEvent.Kind.RECOVERY_CODES, request=request, detail=f"{len(codes)} codes")
    return codes


@transaction.atomic
def regenerate_recovery_codes(user, *, request=None) -> list[str]:
    """Replace all recovery codes with ten new ones, returned once and stored only as hashes."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    codes = _issue_recovery_codes(user, request=request)
    notify_security_change(
        user, _("de nouveaux codes de secours ont été générés (les anciens ne valent plus)")
    )
    return codes
