"""Passkeys and security keys (WebAuthn) as a second factor, on django-otp-webauthn.

The library keeps the credentials (one django-otp device per key) and runs both ceremonies over py_webauthn;
this module binds them to our rules: a key is enrolled only from a session that has just given its second
factor, it carries the name the user chose, every change is journaled and mailed to the owner, and at login a
key stands for the second factor only, after the password (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is off).
"""

import time
import unicodedata
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.settings import app_settings
from django_otp_webauthn.utils import rewrite_exceptions
from webauthn.helpers.exceptions import WebAuthnException

from accounts import twofactor
from accounts.auth_mail import notify_security_change
from accounts.journal import log_event
from accounts.models import SecurityEvent, User

NAME_MAX_LENGTH = 64  # django-otp's Device.name
MAX_KEYS = 20  # per account: more than anyone carries, few enough that a login's options stay small
_REGISTRATION_STATE = "chorale_passkey_registration"
_LOGIN_STATE = "chorale_passkey_login"
# What a malformed or forged answer can raise (a py_webauthn error, or a decoding error outside its mapping).
_REFUSED = (OTPWebAuthnApiError, WebAuthnException, ValueError, TypeError, KeyError)


class PasskeyError(Exception):
    """A ceremony or a change was refused; the message is for the user."""


class ChoraleWebAuthnHelper(WebAuthnHelper):
    """The library's ceremonies with the relying party of our settings (see OTP_WEBAUTHN_* in settings)."""

    def get_allowed_origins(self) -> list[str]:
        origins = list(super().get_allowed_origins())
        if self.get_relying_party_domain() == "localhost":
            # Local runs and the test live server listen on any port of localhost. Widening is harmless there:
            # browsers only let pages of localhost itself use a key bound to the relying party "localhost".
            origin = f"{self.request.scheme}://{self.request.get_host()}"
            if urlsplit(origin).hostname == "localhost" and origin not in origins:
                origins.append(origin)
        return origins


def _helper(request) -> ChoraleWebAuthnHelper:
    return WebAuthnCredential.get_webauthn_helper(request=request)


def _label(name: str) -> str:
    """How the journal names a key (journal details are written in French, like the others)."""
    return f"clé d'accès « {name} »"


def clean_name(raw: str) -> str:
    """A key's name as shown and mailed: no control or format characters, single spaces, 64 characters."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in raw or "")
    return " ".join(kept.split())[:NAME_MAX_LENGTH]


# --- Lookups ---


def passkeys_for(user):
    """The user's enrolled keys, oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_passkey(user) -> bool:
    return user.is_authenticated and passkeys_for(user).exists()


def get_passkey_for_user(user, key_id: str) -> WebAuthnCredential:
    """One of `user`'s keys by its public id (the SHA-256 of its credential id); 404 for anyone else's."""
    device = passkeys_for(user).filter(credential_id_sha256=key_id).first()
    if device is None:
        raise Http404
    return device


# --- Ceremony state ---


def _store_state(request, key: str, state: dict) -> None:
    request.session[key] = {**state, "user": request.user.pk, "at": time.time()}


def _take_state(request, key: str) -> dict:
    """The pending challenge of this session, usable once.

    It leaves the session (saved at once) before anything is checked, so a failed attempt cannot be retried
    with the same challenge; the cache marks it spent so that two requests racing with one answer cannot both
    pass either.
    """
    state = request.session.pop(key, None)
    request.session.save()
    timeout = app_settings.OTP_WEBAUTHN_TIMEOUT_SECONDS
    if (
        not isinstance(state, dict)
        or state.get("user") != request.user.pk
        or not 0 <= time.time() - state.get("at", 0) <= timeout + 30
        or not cache.add(f"chorale:passkey-challenge:{state.get('challenge')}", True, timeout + 60)
    ):
        raise PasskeyError(_("Cette demande a expiré ou a déjà servi : recommencez."))
    return state


def _credential(data) -> dict:
    if not isinstance(data, dict):
        raise PasskeyError(_("La réponse de la clé est illisible : recommencez."))
    return data


# --- Enrolment ---


def begin_registration(request) -> dict:
    """The options for navigator.credentials.create(); the caller checks that the second factor is fresh."""
    _check_room(request.user)
    options, state = _helper(request).register_begin(user=request.user)
    _store_state(request, _REGISTRATION_STATE, state)
    return options


def _check_room(user) -> None:
    if passkeys_for(user).count() >= MAX_KEYS:
        raise PasskeyError(
            _("Vous avez déjà %(count)s clés : retirez-en une avant d'en ajouter une autre.")
            % {"count": MAX_KEYS}
        )


def complete_registration(request, *, credential, name: str) -> WebAuthnCredential:
    """Verify the new key's attestation against the pending challenge and enrol it under `name`."""
    user = request.user
    state = _take_state(request, _REGISTRATION_STATE)
    credential = _credential(credential)
    name = clean_name(name) or str(_("Clé d'accès"))
    try:
        with transaction.atomic(), rewrite_exceptions():
            User.objects.select_for_update().filter(pk=user.pk).first()
            _check_room(user)
            device = _helper(request).register_complete(user=user, state=state, data=credential)
            device.name = name
            device.save(update_fields=["name"])
            log_event(user, SecurityEvent.Kind.FACTOR_ADDED, request=request, detail=_label(name))
            notify_security_change(
                user, format_lazy(_("une clé d'accès a été ajoutée : « {name} »"), name=name)
            )
    except IntegrityError:
        # Its credential id is already enrolled (here or on another account): a key belongs to one account.
        raise PasskeyError(_("Cette clé est déjà enregistrée.")) from None
    except _REFUSED:
        raise PasskeyError(_("La clé n'a pas pu être vérifiée : recommencez.")) from None
    return device


# --- Login and re-verification ---


def begin_authentication(request) -> dict:
    """The options for navigator.credentials.get(), listing the user's keys (the password is given)."""
    if not has_passkey(request.user):
        raise PasskeyError(_("Aucune clé d'accès n'est enregistrée sur ce compte."))
    # User verification (PIN, fingerprint) is not required: the key is the second factor after the password.
    options, state = _helper(request).authenticate_begin(user=request.user, require_user_verification=False)
    _store_state(request, _LOGIN_STATE, state)
    return options


def complete_authentication(request, *, credential) -> WebAuthnCredential:
    """Verify the key's assertion; the session passes its second factor (a login, or a fresh re-verification).

    The user's key rows are locked while the signature counter is checked and stored, so that one assertion
    cannot be accepted twice by concurrent requests.
    """
    user = request.user
    logging_in = not user.is_verified()
    state = _take_state(request, _LOGIN_STATE)
    credential = _credential(credential)
    try:
        with transaction.atomic(), rewrite_exceptions():
            list(WebAuthnCredential.objects.select_for_update().filter(user=user).values("pk"))
            device = _helper(request).authenticate_complete(user=user, state=state, data=credential)
    except _REFUSED:
        log_event(user, SecurityEvent.Kind.OTP_FAILED, request=request, detail="clé d'accès")
        raise PasskeyError(
            _("La clé n'a pas été reconnue : réessayez, ou utilisez un autre moyen.")
        ) from None
    if not device.confirmed or not user.is_active:
        log_event(user, SecurityEvent.Kind.OTP_FAILED, request=request, detail=_label(device.name))
        raise PasskeyError(_("Cette clé n'est pas acceptée."))
    twofactor.mark_verified(request, device)
    if logging_in:
        log_event(user, SecurityEvent.Kind.LOGIN, request=request, detail=_label(device.name))
    return device


# --- Management ---


def rename_passkey(device: WebAuthnCredential, *, name: str, request=None) -> WebAuthnCredential:
    name = clean_name(name)
    if not name:
        raise PasskeyError(_("Donnez un nom à la clé."))
    old, device.name = device.name, name
    device.save(update_fields=["name"])
    detail = f"{_label(old)} renommée « {name} »"
    log_event(device.user, SecurityEvent.Kind.OTHER, request=request, detail=detail)
    return device


@transaction.atomic
def remove_passkey(device: WebAuthnCredential, *, request=None) -> None:
    """Remove a key; the caller checks that the second factor is fresh."""
    user = device.user
    locked = WebAuthnCredential.objects.select_for_update().filter(pk=device.pk).first()
    if locked is None:
        raise PasskeyError(_("Cette clé n'est plus enregistrée."))
    persistent_id = locked.persistent_id
    locked.delete()
    log_event(user, SecurityEvent.Kind.FACTOR_REMOVED, request=request, detail=_label(device.name))
    notify_security_change(
        user, format_lazy(_("une clé d'accès a été retirée : « {name} »"), name=device.name)
    )
    if request is not None and request.session.get(DEVICE_ID_SESSION_KEY) == persistent_id:
        # This session was verified by the removed key: it stays verified through the factor that remains.
        otp_login(request, twofactor.primary_device_for(user))
