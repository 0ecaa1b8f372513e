"""Helpers for the login and second-factor tests: known TOTP secrets, codes, and the login steps."""

import html
import re
import secrets
import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import RECENT_OTP_SESSION_KEY
from tests.conftest import PASSWORD

STEP = 30


def enrol_app(user, *, name="Téléphone") -> bytes:
    """Give `user` a confirmed authenticator app; returns its secret key."""
    key = secrets.token_bytes(20)
    TOTPDevice.objects.create(user=user, name=name, key=key.hex(), confirmed=True, tolerance=1)
    return key


def step_now() -> int:
    return int(time.time()) // STEP


def app_code(key: bytes, offset: int = 0) -> str:
    """The code an authenticator app shows, `offset` steps from now."""
    return f"{hotp(key, step_now() + offset):06d}"


def away_from_step_edge(margin: float = 2.0) -> None:
    """Wait for the next TOTP step when this one is about to end, so a test cannot straddle two steps."""
    left = STEP - (time.time() % STEP)
    if left < margin:
        time.sleep(left + 0.05)


def enter_password(client, user, password=PASSWORD, **extra):
    return client.post("/comptes/connexion/", {"username": user.email, "password": password, **extra})


def post_code(client, code, **extra):
    return client.post("/comptes/second-facteur/", {"action": "code", "code": code, **extra})


def emailed_code(mailoutbox) -> str:
    """The six-digit code of the last e-mail sent."""
    match = re.search(r"\b(\d{6})\b", mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    return match.group(1)


def make_second_factor_stale(client) -> None:
    """Age the session's last second factor past the 10 minutes sensitive actions accept."""
    session = client.session
    session[RECENT_OTP_SESSION_KEY] = time.time() - 11 * 60
    session.save()


def make_second_factor_fresh(client) -> None:
    session = client.session
    session[RECENT_OTP_SESSION_KEY] = time.time()
    session.save()


def page_text(response) -> str:
    """The response body as a person reads it (HTML entities decoded)."""
    return html.unescape(response.content.decode())


def signed_in(client, user, device=None, *, fresh=True):
    """A client past both login steps, verified by `device` (by default the e-mailed-code device)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.twofactor import email_device_for

    device = device or email_device_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[RECENT_OTP_SESSION_KEY] = time.time() if fresh else time.time() - 11 * 60
    session.save()
    return client
