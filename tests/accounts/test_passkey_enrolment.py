"""Enrolling a passkey or security key: after a fresh second factor, named, journaled and mailed."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential as Key

from accounts import twofactor
from accounts.models import SecurityEvent
from tests.accounts.passkey_steps import KEYS_PAGE, REGISTER, REGISTRATION_OPTIONS, enrol, post_json
from tests.accounts.soft_authenticator import SoftAuthenticator, b64url
from tests.factories_auth import enrol_app, enter_password, page_text, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relying_party")]


def test_a_verified_user_enrols_a_named_key(client, supplier, mailoutbox, django_capture_on_commit_callbacks):
    signed_in(client, supplier)
    key = SoftAuthenticator()

    with django_capture_on_commit_callbacks(execute=True):
        response = enrol(client, key, name="YubiKey bleue")

    assert response.status_code == 200, response.content
    assert response.json() == {"redirect": KEYS_PAGE}
    device = Key.objects.get(user=supplier)
    assert device.name == "YubiKey bleue"
    assert device.credential_id_sha256 == key.key_id
    event = SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.FACTOR_ADDED).get()
    assert event.detail == "clé d'accès « YubiKey bleue »"
    assert mailoutbox[-1].to == [supplier.email]
    assert "une clé d'accès a été ajoutée : « YubiKey bleue »" in mailoutbox[-1].body
    page = page_text(client.get(KEYS_PAGE))
    assert "La clé « YubiKey bleue » est enregistrée." in page
    assert 'value="YubiKey bleue"' in page
    assert "YubiKey bleue" in page_text(client.get("/comptes/securite/"))


def test_the_mail_speaks_the_language_of_its_recipient(
    client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    supplier.language = "en"
    supplier.save(update_fields=["language"])
    signed_in(client, supplier)

    with django_capture_on_commit_callbacks(execute=True):
        enrol(client, SoftAuthenticator(), name="Work laptop")

    assert "a passkey was added: “Work laptop”" in mailoutbox[-1].body


def test_a_key_without_a_name_gets_one_and_control_characters_are_dropped(client, supplier):
    signed_in(client, supplier)
    enrol(client, SoftAuthenticator(), name="")
    enrol(client, SoftAuthenticator(), name="Clé\r\nBcc: x@evil.test\u202e")

    names = list(Key.objects.filter(user=supplier).order_by("pk").values_list("name", flat=True))
    assert names == ["Clé d'accès", "Clé Bcc: x@evil.test"]


def test_enrolment_asks_for_a_fresh_second_factor(client, supplier):
    signed_in(client, supplier, fresh=False)

    page = client.get("/comptes/securite/cles/ajouter/")
    assert page["Location"] == "/comptes/securite/verifier/?next=/comptes/securite/cles/ajouter/"
    for url in (REGISTRATION_OPTIONS, REGISTER):
        response = post_json(client, url, {"name": "x", "credential": {}})
        assert response.status_code == 403
        assert response.json()["reverify"] == (
            "/comptes/securite/verifier/?next=%2Fcomptes%2Fsecurite%2Fcles%2Fajouter%2F"
        )
    assert not Key.objects.exists()


def test_a_fresh_factor_given_between_options_and_answer_is_still_needed(client, supplier):
    """The freshness is checked again when the answer comes back, not only when the options are asked."""
    signed_in(client, supplier)
    options = post_json(client, REGISTRATION_OPTIONS).json()
    session = client.session
    session[twofactor.RECENT_OTP_SESSION_KEY] = 0
    session.save()

    response = post_json(client, REGISTER, {"name": "x", "credential": SoftAuthenticator().register(options)})

    assert response.status_code == 403
    assert not Key.objects.exists()


def test_a_password_only_session_cannot_reach_enrolment(client, supplier):
    enter_password(client, supplier)

    responses = [client.get(KEYS_PAGE), client.get("/comptes/securite/cles/ajouter/")]
    responses += [post_json(client, REGISTRATION_OPTIONS), post_json(client, REGISTER, {"credential": {}})]
    for response in responses:
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/second-facteur/")
    assert not Key.objects.exists()


def test_an_anonymous_visitor_is_sent_to_login(client):
    response = post_json(client, REGISTRATION_OPTIONS)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/connexion/")


def test_the_options_name_our_relying_party_and_exclude_keys_already_enrolled(client, supplier):
    signed_in(client, supplier)
    first = SoftAuthenticator()
    enrol(client, first)

    options = post_json(client, REGISTRATION_OPTIONS).json()

    assert options["rp"] == {"name": "Chorale", "id": "localhost"}
    assert options["user"]["name"] == supplier.email
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(first.credential_id)]
    assert options["attestation"] == "none"


def test_an_answer_made_for_another_origin_is_refused(client, supplier):
    """A look-alike site relaying our challenge gets an answer bound to its own origin: useless here."""
    signed_in(client, supplier)

    response = enrol(client, SoftAuthenticator(), origin="https://chorale-portail.example")

    assert response.status_code == 400
    assert response.json()["detail"] == "La clé n'a pas pu être vérifiée : recommencez."
    assert not Key.objects.exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.FACTOR_ADDED).exists()


def test_an_answer_for_another_relying_party_is_refused(client, supplier):
    signed_in(client, supplier)

    response = enrol(client, SoftAuthenticator(), rp_id="example.org")

    assert response.status_code == 400
    assert not Key.objects.exists()


def test_a_challenge_serves_once(client, supplier):
    signed_in(client, supplier)
    options = post_json(client, REGISTRATION_OPTIONS).json()
    answer = SoftAuthenticator().register(options)
    assert post_json(client, REGISTER, {"name": "a", "credential": answer}).status_code == 200

    again = post_json(client, REGISTER, {"name": "b", "credential": SoftAuthenticator().register(options)})

    assert again.status_code == 400
    assert again.json()["detail"] == "Cette demande a expiré ou a déjà servi : recommencez."
    assert Key.objects.count() == 1


def test_a_failed_answer_spends_the_challenge(client, supplier):
    signed_in(client, supplier)
    options = post_json(client, REGISTRATION_OPTIONS).json()
    key = SoftAuthenticator()
    bad = post_json(
        client, REGISTER, {"name": "a", "credential": key.register(options, origin="https://x.test")}
    )
    assert bad.status_code == 400

    retry = post_json(client, REGISTER, {"name": "a", "credential": key.register(options)})

    assert retry.status_code == 400
    assert not Key.objects.exists()


def test_a_key_enrolled_on_one_account_cannot_be_enrolled_on_another(client, supplier, other_user):
    """Its credential id is unique: another account cannot claim it, even with an answer of its own making."""
    key = SoftAuthenticator()
    signed_in(client, supplier)
    enrol(client, key)
    client.logout()

    signed_in(client, other_user)
    response = enrol(client, key)

    assert response.status_code == 400
    assert response.json()["detail"] == "Cette clé est déjà enregistrée."
    assert list(Key.objects.values_list("user", flat=True)) == [supplier.pk]


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not json",
        "[]",
        '{"credential": "x"}',
        '{"credential": {}}',
        '{"credential": {"id": 1, "rawId": [], "response": null}}',
        '{"name": 12, "credential": {"id": "AA", "rawId": "AA", "type": "public-key", "response": {}}}',
        '{"credential": {"id": "AA", "rawId": "%%%", "type": "public-key",'
        ' "response": {"clientDataJSON": "%%%", "attestationObject": "%%%"}}}',
        '{"credential": {"id": "AA", "rawId": "AA", "type": "public-key",'
        ' "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}}',
    ],
)
def test_a_malformed_answer_gets_a_clear_refusal(client, supplier, raw):
    signed_in(client, supplier)
    post_json(client, REGISTRATION_OPTIONS)

    response = post_json(client, REGISTER, raw=raw)

    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Key.objects.exists()


def test_an_oversized_answer_is_refused(client, supplier):
    signed_in(client, supplier)
    post_json(client, REGISTRATION_OPTIONS)

    response = post_json(client, REGISTER, {"name": "x", "credential": {"id": "A" * 100_000}})

    assert response.status_code == 400
    assert response.json()["detail"] == "La réponse de la clé est trop longue."


def test_enrolling_a_key_keeps_the_recovery_codes(client, supplier):
    enrol_app(supplier)
    codes = twofactor.regenerate_recovery_codes(supplier)
    signed_in(client, supplier)

    enrol(client, SoftAuthenticator())

    assert twofactor.recovery_device_for(supplier).remaining == len(codes)


def test_the_page_without_javascript_says_what_is_missing(client, supplier):
    signed_in(client, supplier)

    response = client.post("/comptes/securite/cles/ajouter/", {"name": "x"})

    assert response.status_code == 400
    assert "demande JavaScript" in page_text(response)
    assert not Key.objects.exists()


def test_the_pages_load_their_script_from_our_static_files_and_nothing_inline(client, supplier):
    signed_in(client, supplier)

    for url in (KEYS_PAGE, "/comptes/securite/cles/ajouter/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert (
            "script-src" in response["Content-Security-Policy"]
            or "default-src 'self'" in (response["Content-Security-Policy"])
        )
        assert "<script>" not in html
        assert " style=" not in html and "onclick" not in html
    add_page = client.get("/comptes/securite/cles/ajouter/").content.decode()
    assert '<script src="/static/js/passkeys.js"></script>' in add_page


def test_an_account_holds_at_most_twenty_keys(client, supplier):
    signed_in(client, supplier)
    for number in range(20):
        assert enrol(client, SoftAuthenticator(), name=f"Clé {number}").status_code == 200

    response = post_json(client, REGISTRATION_OPTIONS)

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Vous avez déjà 20 clés : retirez-en une avant d'en ajouter une autre."
    )
    assert Key.objects.filter(user=supplier).count() == 20
