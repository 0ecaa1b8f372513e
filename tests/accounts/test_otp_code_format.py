"""Codes are exactly six ASCII digits (spaces removed): nothing else reaches a device."""

import pytest
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from accounts.twofactor import normalize_code
from tests.factories_auth import (
    app_code,
    away_from_step_edge,
    enrol_app,
    enter_password,
    page_text,
    post_code,
)

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        (" 12 34 56 ", "123456"),
        ("000000", "000000"),
        ("12345", None),
        ("1234567", None),
        ("12345a", None),
        ("123-456", None),
        ("", None),
        ("١٢٣٤٥٦", None),
        ("１２３４５６", None),
        ("+12345", None),
        ("12345\n6", "123456"),
    ],
)
def test_normalize_code_known_answers(typed, expected):
    assert normalize_code(typed) == expected


@pytest.fixture
def at_app_step(db, client, supplier):
    cache.clear()
    key = enrol_app(supplier)
    enter_password(client, supplier)
    return client, key


@pytest.mark.parametrize(
    "disguise",
    [
        lambda code: code.translate(ARABIC_INDIC),
        lambda code: code.translate(FULLWIDTH),
        lambda code: code + "0",
        lambda code: code[:5],
        lambda code: f"{code}\u200b",
    ],
    ids=["arabic-indic digits", "fullwidth digits", "seven digits", "five digits", "zero-width space"],
)
def test_a_correct_code_in_another_shape_is_refused(at_app_step, supplier, disguise):
    client, key = at_app_step
    away_from_step_edge()
    code = app_code(key)
    response = post_code(client, disguise(code))
    assert response.status_code == 200
    assert "Saisissez exactement 6 chiffres" in page_text(response)
    assert client.get("/").status_code == 302
    # Refused before any device saw it: no throttling, no failure counted, and the code still works.
    assert TOTPDevice.objects.get(user=supplier).throttling_failure_count == 0
    assert not SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.OTP_FAILED).exists()
    assert post_code(client, code)["Location"] == "/"


def test_spaces_in_a_code_are_ignored(at_app_step):
    client, key = at_app_step
    away_from_step_edge()
    code = app_code(key)
    assert post_code(client, f" {code[:3]} {code[3:]} ")["Location"] == "/"
