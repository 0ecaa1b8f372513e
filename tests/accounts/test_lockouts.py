"""Failed logins slow down the next attempts for at most 15 minutes, whatever an attacker does; the owner is
told by e-mail, and support lifts the wait from the admin, journaled."""

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout
from accounts.models import SecurityEvent
from tests.conftest import verified_client
from tests.factories_auth import app_code, away_from_step_edge, enrol_app, enter_password, post_code

pytestmark = pytest.mark.django_db

FIFTEEN_MINUTES = 15 * 60


def _wrong_password(client, email):
    return client.post("/comptes/connexion/", {"username": email, "password": "not the password"})


def _rewind_password_wait(email, seconds):
    """As if `seconds` had passed since the last wrong password of `email`."""
    key = lockout._key(email)
    state = cache.get(key)
    cache.set(key, {**state, "at": state["at"] - seconds}, lockout.KEEP)


def _fail_many(client, email, times):
    """`times` wrong passwords, each one once the previous wait is over (the attacker's best schedule)."""
    for _attempt in range(times):
        _rewind_password_wait(email, FIFTEEN_MINUTES) if cache.get(lockout._key(email)) else None
        assert _wrong_password(client, email).status_code == 200


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0), (4, 0), (5, 60), (6, 120), (7, 240), (8, 480), (9, 900), (10, 900), (1000, 900)],
)
def test_password_delays_double_from_one_minute_and_stop_at_fifteen(failures, delay):
    assert lockout.password_delay(failures, free=5, cap=900) == delay


@pytest.mark.parametrize(("factor", "cap", "count"), [(1, 900, 10), (1, 1, 1), (2, 900, 9), (1, 1024, 11)])
def test_code_failures_are_held_where_django_otp_waits_within_the_cap(factor, cap, count):
    assert lockout.code_failure_cap(factor, cap) == count
    assert factor * 2 ** (count - 1) <= max(cap, factor)


def test_five_wrong_passwords_make_even_the_right_one_wait_a_minute(client, supplier):
    _fail_many(client, supplier.email, 5)
    response = enter_password(client, supplier)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert 0 < lockout.password_wait(supplier.email) <= 60
    _rewind_password_wait(supplier.email, 61)
    assert enter_password(client, supplier).status_code == 302


def test_no_number_of_wrong_passwords_locks_past_fifteen_minutes(client, supplier):
    _fail_many(client, supplier.email, 40)
    assert 0 < lockout.password_wait(supplier.email) <= FIFTEEN_MINUTES
    _rewind_password_wait(supplier.email, FIFTEEN_MINUTES)
    assert enter_password(client, supplier).status_code == 302


def test_attempts_during_the_wait_do_not_lengthen_it(client, supplier):
    _fail_many(client, supplier.email, 5)
    state = cache.get(lockout._key(supplier.email))
    for _attempt in range(30):
        assert _wrong_password(client, supplier.email).status_code == 429
    assert cache.get(lockout._key(supplier.email)) == state
    assert lockout.password_wait(supplier.email) <= 60


def test_a_right_password_starts_the_count_again(client, supplier):
    _fail_many(client, supplier.email, 4)
    assert enter_password(client, supplier).status_code == 302
    client.logout()
    _fail_many(client, supplier.email, 4)
    assert enter_password(client, supplier).status_code == 302


def test_an_address_without_account_gets_the_same_answers(client, mailoutbox):
    _fail_many(client, "nobody@example.test", 5)
    assert _wrong_password(client, "nobody@example.test").status_code == 429
    assert mailoutbox == []


def test_the_owner_is_told_once_when_password_delays_begin(
    client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail_many(client, supplier.email, 4)
        assert mailoutbox == []
        _fail_many(client, supplier.email, 8)
    assert [mail.to for mail in mailoutbox] == [[supplier.email]]
    assert "5 mots de passe erronés" in mailoutbox[0].body
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.LOGIN_LOCKED).count() == 1


def _wrong_code(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def _fail_codes(client, user, key, times):
    for _attempt in range(times):
        TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)  # the wait is over
        post_code(client, _wrong_code(app_code(key)))


def test_wrong_codes_never_lock_past_fifteen_minutes(client, supplier):
    key = enrol_app(supplier)
    enter_password(client, supplier)
    away_from_step_edge(5)
    _fail_codes(client, supplier, key, 25)
    device = TOTPDevice.objects.get(user=supplier)
    allowed, info = device.verify_is_allowed()
    assert not allowed
    assert (info["locked_until"] - device.throttling_failure_timestamp).total_seconds() <= FIFTEEN_MINUTES
    TOTPDevice.objects.filter(user=supplier).update(throttling_failure_timestamp=None)
    away_from_step_edge(5)
    assert post_code(client, app_code(key))["Location"] == "/"


def test_the_owner_is_told_when_wrong_codes_follow_the_right_password(
    client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    key = enrol_app(supplier)
    enter_password(client, supplier)
    away_from_step_edge(5)
    with django_capture_on_commit_callbacks(execute=True):
        _fail_codes(client, supplier, key, 12)
    assert [mail.to for mail in mailoutbox] == [[supplier.email]]
    assert "changez-le" in mailoutbox[0].body


def test_support_lifts_every_wait_from_the_admin(
    client, support, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    enrol_app(supplier)
    TOTPDevice.objects.filter(user=supplier).update(throttling_failure_count=10)
    _fail_many(Client(), supplier.email, 9)
    verified_client(client, support)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/accounts/user/", {"action": "clear_lockouts", "_selected_action": [supplier.pk]}
        )
    assert response.status_code == 302
    assert lockout.password_wait(supplier.email) == 0
    assert TOTPDevice.objects.get(user=supplier).throttling_failure_count == 0
    event = SecurityEvent.objects.get(user=supplier, kind=SecurityEvent.Kind.LOCKOUT_CLEARED)
    assert event.actor == support
    assert mailoutbox[-1].to == [supplier.email]
    assert enter_password(Client(), supplier).status_code == 302


def test_only_support_lifts_a_wait(client, supplier, outsider):
    _fail_many(Client(), supplier.email, 6)
    verified_client(client, outsider)
    action = {"action": "clear_lockouts", "_selected_action": [supplier.pk]}
    response = client.post("/admin/accounts/user/", action)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert lockout.password_wait(supplier.email) > 0
