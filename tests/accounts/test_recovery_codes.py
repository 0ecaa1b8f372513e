"""Ten single-use recovery codes, ≥ 112 random bits each, stored only as hashes, regenerable."""

import hashlib
import math
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import RecoveryCode, RecoveryCodeDevice, SecurityEvent
from tests.factories_auth import enrol_app, enter_password, page_text, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(supplier):
    enrol_app(supplier)
    return twofactor.regenerate_recovery_codes(supplier)


def _use_recovery(client, code):
    return client.post("/comptes/second-facteur/", {"action": "recovery", "recovery_code": code})


def test_each_code_carries_at_least_112_random_bits(codes):
    assert len(codes) == 10 == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){5}", code)
        assert len(code.replace("-", "")) * math.log2(32) >= 112


def test_only_a_hash_of_each_code_is_stored(codes, supplier):
    stored = set(RecoveryCode.objects.filter(device__user=supplier).values_list("code_hash", flat=True))
    expected = {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert stored == expected
    for code in codes:
        assert not any(code.replace("-", "") in h.upper() for h in stored)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ABCD-EFGH-IJKL-MNOP-QRST-UVWX", "ABCDEFGHIJKLMNOPQRSTUVWX"),
        ("abcd efgh ijkl mnop qrst uvwx", "ABCDEFGHIJKLMNOPQRSTUVWX"),
        ("ABCD-EFGH-IJKL-MN0P-QRST-UVWX", "ABCDEFGHIJKLMNOPQRSTUVWX"),  # a zero for an O
        ("ABCD-EFGH-IJKL-MNOP-QRST-UVW", None),
        ("ABCD-EFGH-IJKL-MNOP-QRST-UVWXY", None),
        ("ABCD-EFGH-IJKL-MNOP-QRST-UVW9", None),
        ("", None),
    ],
)
def test_normalize_recovery_code_known_answers(typed, canonical):
    assert twofactor.normalize_recovery_code(typed) == canonical


def test_a_recovery_code_logs_in_once(
    client, codes, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    enter_password(client, supplier)
    with django_capture_on_commit_callbacks(execute=True):
        response = _use_recovery(client, codes[3].lower().replace("-", " "))
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = SecurityEvent.objects.get(user=supplier, kind=SecurityEvent.Kind.RECOVERY_USED)
    assert event.detail == "9 restant(s)"
    assert "un code de secours a été utilisé" in mailoutbox[-1].body

    client.post("/comptes/deconnexion/")
    enter_password(client, supplier)
    response = _use_recovery(client, codes[3])
    assert "Code incorrect ou expiré" in page_text(response)
    assert client.get("/").status_code == 302
    RecoveryCodeDevice.objects.filter(user=supplier).update(throttling_failure_timestamp=None)
    assert _use_recovery(client, codes[4])["Location"] == "/"
    assert RecoveryCodeDevice.objects.get(user=supplier).remaining == 8


def test_a_malformed_recovery_code_is_refused_without_counting(client, codes, supplier):
    enter_password(client, supplier)
    response = _use_recovery(client, codes[0][:-1])
    assert "24 caractères" in page_text(response)
    assert RecoveryCodeDevice.objects.get(user=supplier).throttling_failure_count == 0


def test_recovery_code_failures_are_throttled(client, codes, supplier):
    enter_password(client, supplier)
    _use_recovery(client, twofactor.new_recovery_code())
    response = _use_recovery(client, codes[0])
    assert response.status_code == 429
    assert RecoveryCodeDevice.objects.get(user=supplier).remaining == 10


def test_the_code_step_offers_recovery_only_when_codes_remain(client, supplier):
    enrol_app(supplier)
    enter_password(client, supplier)
    assert "Utiliser un code de secours" not in page_text(client.get("/comptes/second-facteur/"))
    twofactor.regenerate_recovery_codes(supplier)
    assert "Utiliser un code de secours" in page_text(client.get("/comptes/second-facteur/"))


def test_regenerating_needs_a_fresh_factor_and_voids_the_old_codes(client, codes, supplier):
    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier), fresh=False)
    response = client.post("/comptes/securite/codes-de-secours/")
    assert response["Location"].startswith("/comptes/securite/verifier/")
    assert (
        RecoveryCodeDevice.objects.get(user=supplier)
        .codes.filter(code_hash=twofactor.hash_recovery_code(codes[0]))
        .exists()
    )

    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier))
    response = client.post("/comptes/securite/codes-de-secours/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_codes = re.findall(r"<code>([A-Z2-7-]{29})</code>", response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.RECOVERY_CODES).count() == 2

    client.post("/comptes/deconnexion/")
    enter_password(client, supplier)
    assert "Code incorrect" in page_text(_use_recovery(client, codes[0]))
    RecoveryCodeDevice.objects.filter(user=supplier).update(throttling_failure_timestamp=None)
    assert _use_recovery(client, new_codes[0])["Location"] == "/"


def test_the_codes_are_not_shown_again(client, codes, supplier):
    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier))
    for page in ("/comptes/securite/", "/comptes/securite/codes-de-secours/"):
        text = page_text(client.get(page))
        assert not any(code in text for code in codes)
    assert "10 codes de secours inutilisés" in page_text(client.get("/comptes/securite/"))


def test_a_recovery_code_on_an_account_without_codes_is_refused(client, supplier):
    enrol_app(supplier)
    enter_password(client, supplier)
    response = _use_recovery(client, twofactor.new_recovery_code())
    assert "Aucun code de secours" in page_text(response)
    assert client.get("/").status_code == 302
