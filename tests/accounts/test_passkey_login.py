"""Logging in with a key: the second step after the password, never instead of it; other factors remain."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp_webauthn.models import WebAuthnCredential as Key

from accounts import twofactor
from accounts.models import SecurityEvent
from tests.accounts.passkey_steps import LOGIN, LOGIN_OPTIONS, enrol, post_json, use_key
from tests.accounts.soft_authenticator import SoftAuthenticator, b64url
from tests.factories_auth import (
    app_code,
    away_from_step_edge,
    enrol_app,
    enter_password,
    make_second_factor_stale,
    page_text,
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relying_party")]

SENSITIVE = "/comptes/securite/email/"


@pytest.fixture
def key(client, supplier):
    """A security key enrolled on the supplier's account; the client is logged out again."""
    authenticator = SoftAuthenticator()
    signed_in(client, supplier)
    assert enrol(client, authenticator, name="YubiKey").status_code == 200
    client.logout()
    return authenticator


def test_the_password_then_the_key_reach_the_dashboard(client, supplier, supplier_structure, key):
    enter_password(client, supplier)
    session_after_password = client.session.session_key

    response = use_key(client, key)

    assert response.status_code == 200, response.content
    assert response.json() == {"redirect": "/"}
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert supplier_structure.name in page_text(dashboard)
    assert client.session.session_key != session_after_password
    login = SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.LOGIN).get()
    assert login.detail == "clé d'accès « YubiKey »"
    device = Key.objects.get(user=supplier)
    assert device.sign_count == 1 and device.last_used_at is not None
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_the_page_asked_for_is_reached_and_an_offsite_one_is_not(client, supplier, key):
    enter_password(client, supplier)
    assert use_key(client, key, next_url="/comptes/securite/journal/").json() == {
        "redirect": "/comptes/securite/journal/"
    }
    client.logout()

    enter_password(client, supplier)
    assert use_key(client, key, next_url="https://evil.example/").json() == {"redirect": "/"}


def test_the_options_list_only_this_accounts_keys_and_ask_no_pin(client, supplier, key, other_user):
    other = SoftAuthenticator()
    signed_in(client, other_user)
    enrol(client, other)
    client.logout()

    enter_password(client, supplier)
    options = post_json(client, LOGIN_OPTIONS).json()

    assert [c["id"] for c in options["allowCredentials"]] == [b64url(key.credential_id)]
    assert options["rpId"] == "localhost"
    assert options["userVerification"] == "discouraged"


def test_without_the_password_the_key_steps_answer_403(client, key):
    assert post_json(client, LOGIN_OPTIONS).status_code == 403
    response = post_json(client, LOGIN, {"credential": {}})
    assert response.status_code == 403
    assert response.json()["detail"] == "Connectez-vous d'abord avec votre mot de passe."


def test_an_account_without_a_key_gets_a_clear_refusal(client, other_user):
    enter_password(client, other_user)

    response = post_json(client, LOGIN_OPTIONS)

    assert response.status_code == 400
    assert response.json()["detail"] == "Aucune clé d'accès n'est enregistrée sur ce compte."


def test_another_accounts_key_does_not_open_this_one(client, supplier, key, other_user):
    other = SoftAuthenticator()
    signed_in(client, other_user)
    enrol(client, other)
    client.logout()
    enter_password(client, other_user)

    options = post_json(client, LOGIN_OPTIONS).json()
    response = post_json(client, LOGIN, {"credential": key.assert_(options)})

    assert response.status_code == 400
    assert client.get("/")["Location"].startswith("/comptes/second-facteur/")
    failure = SecurityEvent.objects.filter(user=other_user, kind=SecurityEvent.Kind.OTP_FAILED).get()
    assert failure.detail == "clé d'accès"


def test_a_forged_signature_is_refused_and_journaled(client, supplier, key):
    forger = SoftAuthenticator()
    forger.credential_id = key.credential_id  # the id is no secret: it is sent in every login's options
    enter_password(client, supplier)

    response = use_key(client, forger)

    assert response.status_code == 400
    assert response.json()["detail"] == "La clé n'a pas été reconnue : réessayez, ou utilisez un autre moyen."
    assert client.get("/")["Location"].startswith("/comptes/second-facteur/")
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.OTP_FAILED).exists()
    assert not SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.LOGIN).exists()


def test_an_answer_made_on_another_origin_is_refused(client, supplier, key):
    enter_password(client, supplier)

    response = use_key(client, key, origin="https://chorale-portail.example")

    assert response.status_code == 400
    assert client.get("/")["Location"].startswith("/comptes/second-facteur/")


def test_an_answer_cannot_be_replayed(client, supplier, key):
    enter_password(client, supplier)
    options = post_json(client, LOGIN_OPTIONS).json()
    answer = key.assert_(options)
    assert post_json(client, LOGIN, {"credential": answer}).status_code == 200
    client.logout()

    enter_password(client, supplier)
    post_json(client, LOGIN_OPTIONS)  # a new challenge: the old answer signed the old one
    replayed = post_json(client, LOGIN, {"credential": answer})

    assert replayed.status_code == 400
    assert client.get("/")["Location"].startswith("/comptes/second-facteur/")


def test_a_cloned_key_whose_counter_goes_back_is_refused(client, supplier, key):
    enter_password(client, supplier)
    use_key(client, key)
    use_key(client, key)  # the counter is now 2 on the server
    client.logout()

    key.sign_count = 0  # a clone made before those two uses answers with 1
    enter_password(client, supplier)
    response = use_key(client, key)

    assert response.status_code == 400
    assert client.get("/")["Location"].startswith("/comptes/second-facteur/")


def test_the_code_step_offers_the_key_and_emails_no_code_until_asked(client, supplier, key, mailoutbox):
    enter_password(client, supplier)

    page = page_text(client.get("/comptes/second-facteur/"))

    assert "Utiliser ma clé" in page
    assert 'data-options-url="/comptes/second-facteur/cle/options/"' in page
    assert "Recevoir un code par e-mail" in page
    assert mailoutbox == []
    client.post("/comptes/second-facteur/", {"action": "resend"})
    assert mailoutbox[-1].to == [supplier.email]


def test_the_code_step_of_an_account_without_key_is_unchanged(client, other_user, mailoutbox):
    enter_password(client, other_user)

    page = page_text(client.get("/comptes/second-facteur/"))

    assert "Utiliser ma clé" not in page and "passkeys.js" not in page
    assert mailoutbox[-1].to == [other_user.email]


def test_the_app_still_works_beside_a_key(client, supplier, key):
    secret = enrol_app(supplier)
    enter_password(client, supplier)
    away_from_step_edge()

    response = client.post("/comptes/second-facteur/", {"action": "code", "code": app_code(secret)})

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_recovery_codes_still_open_an_account_that_has_a_key(client, supplier, key):
    enrol_app(supplier)
    codes = twofactor.regenerate_recovery_codes(supplier)
    enter_password(client, supplier)

    response = client.post("/comptes/second-facteur/", {"action": "recovery", "recovery_code": codes[0]})

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert twofactor.recovery_device_for(supplier).remaining == len(codes) - 1


def test_a_key_gives_the_fresh_second_factor_a_sensitive_action_asks_for(client, supplier, key):
    signed_in(client, supplier, Key.objects.get(user=supplier))
    make_second_factor_stale(client)
    assert client.get(SENSITIVE)["Location"].startswith("/comptes/securite/verifier/")
    assert "Utiliser ma clé" in page_text(client.get(f"/comptes/securite/verifier/?next={SENSITIVE}"))

    response = use_key(client, key, next_url=SENSITIVE)

    assert response.json() == {"redirect": SENSITIVE}
    assert client.get(SENSITIVE).status_code == 200
    assert not SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.LOGIN).exists()


def test_a_challenge_taken_by_two_racing_requests_serves_only_one(client, supplier):
    """A request that read the session before another one spent its challenge still finds it spent."""
    synced = SoftAuthenticator(counts=False)  # a synced passkey: its counter stays 0, only the challenge
    signed_in(client, supplier)
    enrol(client, synced)
    client.logout()
    enter_password(client, supplier)
    options = post_json(client, LOGIN_OPTIONS).json()
    pending = client.session["chorale_passkey_login"]
    answer = synced.assert_(options)
    assert post_json(client, LOGIN, {"credential": answer}).status_code == 200
    client.logout()

    enter_password(client, supplier)
    session = client.session
    session["chorale_passkey_login"] = {**pending, "user": supplier.pk}
    session.save()
    response = post_json(client, LOGIN, {"credential": answer})

    assert response.status_code == 400
    assert response.json()["detail"] == "Cette demande a expiré ou a déjà servi : recommencez."
