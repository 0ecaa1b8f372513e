"""Failed codes are throttled per device with a growing delay, and journaled."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from tests.factories_auth import (
    app_code,
    away_from_step_edge,
    emailed_code,
    enrol_app,
    enter_password,
    page_text,
    post_code,
)

pytestmark = pytest.mark.django_db


def _wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def _rewind_last_failure(model, user, seconds):
    device = model.objects.get(user=user)
    model.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=seconds)
    )


def test_after_a_failure_even_the_right_app_code_waits(client, supplier):
    key = enrol_app(supplier)
    enter_password(client, supplier)
    away_from_step_edge(5)
    good = app_code(key)
    assert "Code incorrect" in page_text(post_code(client, _wrong(good)))

    response = post_code(client, good)
    assert response.status_code == 429
    assert "Trop de codes erronés" in page_text(response)
    assert client.get("/").status_code == 302

    _rewind_last_failure(TOTPDevice, supplier, 1.1)
    assert post_code(client, good)["Location"] == "/"
    assert TOTPDevice.objects.get(user=supplier).throttling_failure_count == 0


def test_the_delay_doubles_with_each_failure(client, supplier):
    key = enrol_app(supplier)
    enter_password(client, supplier)
    away_from_step_edge(5)
    good = app_code(key)
    for failures, delay in [(1, 1), (2, 2), (3, 4), (4, 8)]:
        post_code(client, _wrong(good))
        device = TOTPDevice.objects.get(user=supplier)
        assert device.throttling_failure_count == failures
        allowed, info = device.verify_is_allowed()
        assert not allowed
        assert info["locked_until"] - device.throttling_failure_timestamp == timedelta(seconds=delay)
        _rewind_last_failure(TOTPDevice, supplier, delay - 0.5)
        assert post_code(client, good).status_code == 429  # half a second short
        _rewind_last_failure(TOTPDevice, supplier, 0.6)
    assert post_code(client, good)["Location"] == "/"


def test_emailed_codes_are_throttled_too(client, supplier, mailoutbox):
    enter_password(client, supplier)
    client.get("/comptes/second-facteur/")
    good = emailed_code(mailoutbox)
    post_code(client, _wrong(good))
    assert post_code(client, good).status_code == 429
    _rewind_last_failure(EmailDevice, supplier, 1.1)
    assert post_code(client, good)["Location"] == "/"


def test_failures_and_blocked_attempts_are_journaled(client, supplier):
    key = enrol_app(supplier)
    enter_password(client, supplier)
    away_from_step_edge(5)
    good = app_code(key)
    post_code(client, _wrong(good))
    post_code(client, _wrong(good))
    details = list(
        SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.OTP_FAILED)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == ["TOTP", "TOTP : bloqué"]


def test_throttling_is_per_device(client, supplier, other_user):
    enrol_app(supplier)
    other_key = enrol_app(other_user)
    TOTPDevice.objects.filter(user=supplier).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    away_from_step_edge()
    enter_password(client, other_user)
    assert post_code(client, app_code(other_key))["Location"] == "/"
