"""Listing, renaming and removing one's keys; nobody else's key can be reached."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp_webauthn.models import WebAuthnCredential as Key

from accounts import twofactor
from accounts.models import SecurityEvent
from tests.accounts.passkey_steps import KEYS_PAGE, LOGIN_OPTIONS, enrol, post_json
from tests.accounts.soft_authenticator import SoftAuthenticator
from tests.factories_auth import enter_password, make_second_factor_stale, page_text, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relying_party")]


def _rename_url(authenticator):
    return f"{KEYS_PAGE}{authenticator.key_id}/renommer/"


def _remove_url(authenticator):
    return f"{KEYS_PAGE}{authenticator.key_id}/retirer/"


def _rename_field(authenticator):
    return f"{authenticator.key_id[:12]}-name"


@pytest.fixture
def key(client, supplier):
    """A key enrolled by the supplier, whose client stays logged in (second factor fresh)."""
    authenticator = SoftAuthenticator()
    signed_in(client, supplier)
    assert enrol(client, authenticator, name="YubiKey").status_code == 200
    return authenticator


def test_the_list_shows_each_key_with_its_dates(client, supplier, key):
    enrol(client, SoftAuthenticator(), name="Téléphone")

    page = page_text(client.get(KEYS_PAGE))

    assert page.index('value="YubiKey"') < page.index('value="Téléphone"')
    assert "liée à un appareil" in page
    assert "jamais" in page
    assert _remove_url(key) in page


def test_a_key_is_renamed_and_the_change_journaled(client, supplier, key):
    response = client.post(_rename_url(key), {_rename_field(key): "  YubiKey du bureau "})

    assert response["Location"] == KEYS_PAGE
    assert Key.objects.get(user=supplier).name == "YubiKey du bureau"
    assert "La clé s'appelle désormais « YubiKey du bureau »." in page_text(client.get(KEYS_PAGE))
    event = SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.OTHER).get()
    assert event.detail == "clé d'accès « YubiKey » renommée « YubiKey du bureau »"


def test_an_empty_name_is_refused(client, supplier, key):
    client.post(_rename_url(key), {_rename_field(key): "   "})

    assert Key.objects.get(user=supplier).name == "YubiKey"
    assert "Nom refusé" in page_text(client.get(KEYS_PAGE))


def test_removal_asks_for_a_fresh_second_factor(client, supplier, key):
    make_second_factor_stale(client)

    for response in (client.get(_remove_url(key)), client.post(_remove_url(key))):
        assert response["Location"].startswith("/comptes/securite/verifier/?next=")
    assert Key.objects.filter(user=supplier).exists()


def test_a_key_is_removed_journaled_and_mailed(
    client, supplier, key, mailoutbox, django_capture_on_commit_callbacks
):
    assert "La clé « YubiKey » ne sera plus acceptée" in page_text(client.get(_remove_url(key)))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_remove_url(key))

    assert response["Location"] == KEYS_PAGE
    assert not Key.objects.filter(user=supplier).exists()
    event = SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.FACTOR_REMOVED).get()
    assert event.detail == "clé d'accès « YubiKey »"
    assert "une clé d'accès a été retirée : « YubiKey »" in mailoutbox[-1].body
    assert "La clé « YubiKey » est retirée." in page_text(client.get(KEYS_PAGE))


def test_a_removed_key_no_longer_opens_the_account(client, supplier, key):
    client.post(_remove_url(key))
    client.logout()
    enter_password(client, supplier)

    assert post_json(client, LOGIN_OPTIONS).status_code == 400
    assert "Utiliser ma clé" not in page_text(client.get("/comptes/second-facteur/"))


def test_removing_the_key_that_verified_this_session_keeps_the_session_verified(client, supplier, key):
    device = Key.objects.get(user=supplier)
    signed_in(client, supplier, device)

    client.post(_remove_url(key))

    assert client.session[DEVICE_ID_SESSION_KEY] == twofactor.email_device_for(supplier).persistent_id
    assert client.get("/comptes/securite/").status_code == 200


def test_the_security_page_lists_the_keys(client, supplier, key):
    page = page_text(client.get("/comptes/securite/"))

    assert "Clés d'accès et clés de sécurité" in page
    assert "YubiKey" in page
    assert 'href="/comptes/securite/cles/"' in page


def test_an_outsider_gets_404_for_someone_elses_key(client, supplier, key, outsider):
    client.logout()
    signed_in(client, outsider)

    assert client.get(_remove_url(key)).status_code == 404
    assert client.post(_remove_url(key)).status_code == 404
    assert client.post(_rename_url(key), {_rename_field(key): "pris"}).status_code == 404
    assert "YubiKey" not in page_text(client.get(KEYS_PAGE))
    assert Key.objects.get(user=supplier).name == "YubiKey"


def test_an_unknown_key_id_gets_404(client, supplier, key):
    assert client.get(f"{KEYS_PAGE}{'0' * 64}/retirer/").status_code == 404
    assert client.get(f"{KEYS_PAGE}pas-une-cle/retirer/").status_code == 404


def test_the_list_in_english(client, supplier, key):
    client.post("/i18n/setlang/", {"language": "en", "next": KEYS_PAGE})

    page = page_text(client.get(KEYS_PAGE))

    assert "Passkeys and security keys" in page
    assert "Registered keys" in page and "Rename" in page and "bound to one device" in page
