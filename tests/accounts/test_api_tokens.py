"""Personal API tokens: created on the security page (shown once, stored hashed), listed, revoked."""

import hashlib
import re

import pytest

from accounts.models import ApiToken, SecurityEvent
from accounts.tokens import create_api_token, revoke_api_token
from tests.factories import UserFactory
from tests.factories_auth import enter_password, page_text, signed_in

pytestmark = pytest.mark.django_db

TOKENS = "/comptes/securite/jetons/"


def _me(client, raw):
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")


def _create(client, name="Script de dépôt"):
    response = client.post(TOKENS, {"name": name})
    assert response.status_code == 200
    return re.search(r'id="new-token">(chor_[A-Za-z0-9_-]+)<', response.content.decode()).group(1), response


def test_a_token_is_shown_once_and_stored_hashed(client, supplier):
    signed_in(client, supplier)
    raw, response = _create(client)
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=supplier)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in token.key_hash and token.prefix == raw[:12]
    listing = page_text(client.get(TOKENS))
    assert "Script de dépôt" in listing and token.prefix in listing
    assert raw not in listing
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.TOKEN_CREATED).exists()


def test_the_token_authenticates_on_the_api_and_records_its_last_use(client, supplier):
    signed_in(client, supplier)
    raw, _response = _create(client)
    client.logout()
    assert _me(client, raw).json()["email"] == supplier.email
    token = ApiToken.objects.get(user=supplier)
    assert token.last_used_at is not None
    signed_in(client, supplier)
    assert "jamais" not in page_text(client.get(TOKENS)).split("Jetons actifs")[1].split("Créer un jeton")[0]


def test_creating_a_token_needs_a_fresh_second_factor(client, supplier):
    signed_in(client, supplier, fresh=False)
    assert client.get(TOKENS).status_code == 200  # the list is visible
    response = client.post(TOKENS, {"name": "Script"})
    assert response["Location"] == "/comptes/securite/verifier/?next=/comptes/securite/jetons/"
    assert not ApiToken.objects.exists()


def test_the_page_needs_the_second_factor(client, supplier):
    enter_password(client, supplier)
    assert client.get(TOKENS)["Location"].startswith("/comptes/second-facteur/")


def test_a_password_only_session_is_not_authenticated_on_the_api(client, supplier):
    enter_password(client, supplier)
    assert client.get("/api/v1/me/").status_code in (401, 403)
    signed_in(client, supplier)
    assert client.get("/api/v1/me/").status_code == 200


def test_a_revoked_token_stops_working(client, supplier):
    signed_in(client, supplier)
    raw, _response = _create(client)
    token = ApiToken.objects.get(user=supplier)
    response = client.post(f"/comptes/securite/jetons/{token.uuid}/revoquer/")
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Script de dépôt" not in page_text(client.get(TOKENS)).split("Jetons actifs")[1].split("Créer")[0]
    client.logout()
    assert _me(client, raw).status_code == 401
    event = SecurityEvent.objects.get(user=supplier, kind=SecurityEvent.Kind.TOKEN_REVOKED)
    assert event.actor == supplier


def test_someone_elses_token_cannot_be_revoked(client, supplier):
    stranger = UserFactory()
    token, raw = create_api_token(stranger, name="Le sien")
    signed_in(client, supplier)
    assert client.post(f"/comptes/securite/jetons/{token.uuid}/revoquer/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "Le sien" not in page_text(client.get(TOKENS))
    client.logout()
    assert _me(client, raw).status_code == 200


def test_revoking_twice_is_a_domain_error(supplier):
    token, _raw = create_api_token(supplier, name="x")
    revoke_api_token(token, actor=supplier)
    with pytest.raises(Exception, match="déjà révoqué"):
        revoke_api_token(token, actor=supplier)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED).count() == 1


def test_revoking_needs_post(client, supplier):
    token, _raw = create_api_token(supplier, name="x")
    signed_in(client, supplier)
    assert client.get(f"/comptes/securite/jetons/{token.uuid}/revoquer/").status_code == 405
