"""Enrolling the authenticator app: QR code, confirmation with a current code, one app per account."""

import base64
import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import RecoveryCodeDevice, SecurityEvent
from tests.factories_auth import (
    app_code,
    away_from_step_edge,
    enrol_app,
    enter_password,
    page_text,
    post_code,
    signed_in,
)

pytestmark = pytest.mark.django_db

ENROL = "/comptes/securite/application/"


def _pending_key(user) -> bytes:
    return TOTPDevice.objects.get(user=user, confirmed=False).bin_key


def _current_code(key: bytes) -> str:
    away_from_step_edge()
    return f"{totp(key):06d}"


def test_the_page_shows_a_qr_code_and_the_secret(client, supplier):
    signed_in(client, supplier)
    response = client.get(ENROL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = page_text(response)
    key = _pending_key(supplier)
    secret = base64.b32encode(key).decode()
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', text).group(1)
    assert shown.replace(" ", "") == secret
    qr = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', text).group(1)
    assert base64.b64decode(qr).lstrip().startswith(b"<?xml")


def test_the_qr_code_holds_an_otpauth_uri_for_chorale_and_the_account(supplier):
    device = TOTPDevice.objects.create(user=supplier, confirmed=False)
    uri = urlparse(twofactor.totp_provisioning(device)["uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == f"/Chorale:{supplier.email}"
    params = parse_qs(uri.query)
    assert params["issuer"] == ["Chorale"]
    assert params["secret"] == [base64.b32encode(device.bin_key).decode()]
    assert params["digits"] == ["6"] and params["period"] == ["30"]


def test_reloading_the_page_keeps_the_same_secret(client, supplier):
    signed_in(client, supplier)
    client.get(ENROL)
    first = _pending_key(supplier)
    client.get(ENROL)
    assert _pending_key(supplier) == first


def test_a_current_code_confirms_the_app_and_shows_recovery_codes_once(
    client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in(client, supplier)
    client.get(ENROL)
    key = _pending_key(supplier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ENROL, {"name": "Téléphone pro", "code": _current_code(key)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = re.findall(r"<code>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){5})</code>", response.content.decode())
    assert len(codes) == 10

    device = TOTPDevice.objects.get(user=supplier)
    assert device.confirmed and device.name == "Téléphone pro"
    assert RecoveryCodeDevice.objects.get(user=supplier).remaining == 10
    kinds = set(SecurityEvent.objects.filter(user=supplier).values_list("kind", flat=True))
    assert {SecurityEvent.Kind.FACTOR_ADDED, SecurityEvent.Kind.RECOVERY_CODES} <= kinds
    assert [m.to for m in mailoutbox] == [[supplier.email]]
    assert "une application d'authentification a été ajoutée" in mailoutbox[0].body
    # The session stays verified, now by the new app.
    assert client.get("/comptes/securite/").status_code == 200
    assert "Téléphone pro" in page_text(client.get("/comptes/securite/"))


def test_a_wrong_code_does_not_confirm_the_app(client, supplier):
    signed_in(client, supplier)
    client.get(ENROL)
    key = _pending_key(supplier)
    wrong = f"{(int(_current_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"name": "Téléphone", "code": wrong})
    assert "Code incorrect" in page_text(response)
    assert not TOTPDevice.objects.filter(user=supplier, confirmed=True).exists()
    assert not twofactor.uses_app(supplier)


def test_an_unconfirmed_app_cannot_be_used_to_log_in(client, supplier):
    signed_in(client, supplier)
    client.get(ENROL)
    key = _pending_key(supplier)
    client.post("/comptes/deconnexion/")
    enter_password(client, supplier)
    response = post_code(client, _current_code(key))
    assert "Code incorrect" in page_text(response)


def test_replacing_the_app_asks_for_a_current_code_first(client, supplier):
    old_key = enrol_app(supplier, name="Ancien téléphone")
    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier), fresh=False)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"] == "/comptes/securite/verifier/?next=/comptes/securite/application/"
    assert not TOTPDevice.objects.filter(user=supplier, confirmed=False).exists()

    response = client.post(response["Location"], {"action": "code", "code": _current_code(old_key)})
    assert response["Location"] == ENROL
    assert "Remplacer" in page_text(client.get(ENROL))


def test_one_app_per_account_the_new_one_replaces_the_old(client, supplier):
    old_key = enrol_app(supplier, name="Ancien téléphone")
    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier))
    client.get(ENROL)
    new_key = _pending_key(supplier)
    response = client.post(ENROL, {"name": "Nouveau téléphone", "code": _current_code(new_key)})
    assert response.status_code == 200  # recovery codes: the account had none yet

    assert list(TOTPDevice.objects.filter(user=supplier).values_list("name", flat=True)) == [
        "Nouveau téléphone"
    ]
    removed = SecurityEvent.objects.get(user=supplier, kind=SecurityEvent.Kind.FACTOR_REMOVED)
    assert "Ancien téléphone" in removed.detail
    assert client.get("/comptes/securite/").status_code == 200

    client.post("/comptes/deconnexion/")
    enter_password(client, supplier)
    assert "Code incorrect" in page_text(post_code(client, app_code(old_key, 1)))
    TOTPDevice.objects.filter(user=supplier).update(throttling_failure_timestamp=None)
    assert post_code(client, app_code(new_key, 1))["Location"] == "/"


def test_replacing_keeps_unused_recovery_codes(client, supplier):
    enrol_app(supplier)
    codes = twofactor.regenerate_recovery_codes(supplier)
    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier))
    client.get(ENROL)
    response = client.post(ENROL, {"name": "Nouveau", "code": _current_code(_pending_key(supplier))})
    assert response["Location"] == "/comptes/securite/"
    device = RecoveryCodeDevice.objects.get(user=supplier)
    assert device.remaining == 10
    assert device.codes.filter(code_hash=twofactor.hash_recovery_code(codes[0])).exists()


def test_removing_the_app_needs_a_fresh_factor_and_falls_back_to_emailed_codes(client, supplier, mailoutbox):
    key = enrol_app(supplier)
    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier), fresh=False)
    assert client.post("/comptes/securite/application/retirer/")["Location"].startswith(
        "/comptes/securite/verifier/"
    )
    assert TOTPDevice.objects.filter(user=supplier).exists()

    client.post("/comptes/securite/verifier/", {"action": "code", "code": _current_code(key)})
    response = client.post("/comptes/securite/application/retirer/")
    assert response["Location"] == "/comptes/securite/"
    assert not TOTPDevice.objects.filter(user=supplier).exists()
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.FACTOR_REMOVED).exists()
    assert client.get("/comptes/securite/").status_code == 200

    client.post("/comptes/deconnexion/")
    enter_password(client, supplier)
    client.get("/comptes/second-facteur/")
    assert "code de connexion" in mailoutbox[-1].body


def test_the_secret_is_shown_in_base32_groups_known_answer():
    # RFC 6238's test key, as authenticator apps expect it typed.
    assert twofactor.b32_secret(b"12345678901234567890") == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
