"""Soft, capped lockouts after failed logins (OWASP ASVS 4.0 §2.2.1): nobody can lock an owner out for long.

Password step: failures are counted per posted address (known or not, so the answer reveals no account), in
the default cache. After `CHORALE_LOCKOUT_FREE_FAILURES` failures each further attempt waits a delay that
doubles from one minute up to `CHORALE_LOCKOUT_MAX_SECONDS` (15 minutes); attempts made while waiting are
refused unchecked and not counted, so they cannot lengthen the wait. A right password resets the count.

Second-factor step: django-otp doubles the wait after each wrong code without bound (2^n seconds: days after
twenty codes). The failure count is held where that doubling stays under the same maximum.

The owner is told by e-mail once per series, when the delays begin; support clears both from the admin
(`clear_lockouts`, journaled).
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.models import ThrottlingMixin

from accounts.auth_mail import notify_security_change, send_account_mail
from accounts.journal import log_event
from accounts.models import SecurityEvent

FIRST_DELAY = 60  # seconds, once the free failures are spent
KEEP = 24 * 3600  # a series of failures is forgotten after a quiet day


def free_failures() -> int:
    return max(1, int(getattr(settings, "CHORALE_LOCKOUT_FREE_FAILURES", 5)))


def max_seconds() -> int:
    return max(1, int(getattr(settings, "CHORALE_LOCKOUT_MAX_SECONDS", 15 * 60)))


# --- Pure rules ---


def password_delay(failures: int, *, free: int, cap: int, first: int = FIRST_DELAY) -> int:
    """Seconds to wait after `failures` wrong passwords in a row: none, then first·2^k, never above `cap`."""
    if failures < free:
        return 0
    return min(cap, first * 2 ** min(failures - free, 32))


def code_failure_cap(factor: int, cap: int) -> int:
    """The highest failure count whose django-otp delay (factor·2^(n−1) s) stays within `cap` seconds."""
    if factor <= 0:
        return 1
    return max(1, int(math.log2(max(1, cap // factor))) + 1)


# --- Password step ---


def _key(email: str) -> str:
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
    return f"chorale.lockout.password.{digest}"


def password_wait(email: str) -> int:
    """Seconds this address must still wait before a password is checked (0: go ahead)."""
    state = cache.get(_key(email))
    if not state:
        return 0
    delay = password_delay(state["failures"], free=free_failures(), cap=max_seconds())
    return max(0, math.ceil(state["at"] + delay - time.time()))


def password_failed(email: str, *, user=None, request=None) -> int:
    """Count a wrong password for this address and return its wait; the owner is told when waits begin."""
    key = _key(email)
    state = cache.get(key) or {"failures": 0, "at": 0.0}
    state = {"failures": state["failures"] + 1, "at": time.time()}
    cache.set(key, state, KEEP)
    wait = password_delay(state["failures"], free=free_failures(), cap=max_seconds())
    if user is not None and state["failures"] == free_failures():
        _locked(user, failures=state["failures"], second_factor=False, request=request)
    return wait


def password_succeeded(email: str) -> None:
    cache.delete(_key(email))


# --- Second-factor step ---


def code_refused(user, device, *, request=None) -> None:
    """After django-otp counted a wrong code on `device` (as read before): hold the count under the cap, and
    tell the owner when the count reaches the free failures."""
    if not isinstance(device, ThrottlingMixin):
        return
    model = type(device)
    before = device.throttling_failure_count  # `device` was read before django-otp counted this failure
    cap = code_failure_cap(device.get_throttle_factor(), max_seconds())
    model.objects.filter(pk=device.pk, throttling_failure_count__gt=cap).update(throttling_failure_count=cap)
    failures = model.objects.filter(pk=device.pk).values_list("throttling_failure_count", flat=True).first()
    threshold = min(free_failures(), cap)
    if failures is not None and before < threshold <= failures:
        _locked(user, failures=failures, second_factor=True, request=request)


# --- Telling the owner, clearing ---


def _locked(user, *, failures: int, second_factor: bool, request=None) -> None:
    what = "code de second facteur" if second_factor else "mot de passe"
    log_event(
        user,
        SecurityEvent.Kind.LOGIN_LOCKED,
        request=request,
        detail=f"{failures} × {what} erroné : délais jusqu'à {max_seconds() // 60} min",
    )
    send_account_mail(
        user.email,
        "account_locked",
        _("Chorale : tentatives de connexion refusées sur votre compte"),
        {
            "user": user,
            "failures": failures,
            "second_factor": second_factor,
            "minutes": max(1, max_seconds() // 60),
            "at": timezone.localtime(),
        },
        language=user.language,
    )


def clear_lockouts(user, *, actor, request=None) -> None:
    """Support lifts every wait on `user`'s account: password step and each second-factor device."""
    password_succeeded(user.email)
    for device in devices_for_user(user, confirmed=None):
        if isinstance(device, ThrottlingMixin) and device.throttling_failure_count:
            device.throttle_reset(commit=True)
    log_event(user, SecurityEvent.Kind.LOCKOUT_CLEARED, request=request, actor=actor)
    notify_security_change(user, _("le support a levé le blocage temporaire de la connexion"))
