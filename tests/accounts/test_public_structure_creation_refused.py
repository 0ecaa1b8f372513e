"""Nobody creates a public structure from an account: sign-up, the web form and the API offer private only."""

import pytest

from accounts import services
from accounts.models import Structure
from tests.conftest import token_client, verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = "/comptes/structures/nouvelle/"
A_COMMUNE = {
    "kind": "public",
    "id_type": "siret",
    "identifier": "732 829 320 00074",
    "name": "Commune de Test",
}


def test_the_create_form_does_not_offer_the_public_type(client):
    page = verified_client(client, UserFactory()).get(CREATE_URL).content.decode()

    assert 'value="public"' not in page
    assert "Entité publique" not in page
    assert 'name="kind" value="private"' in page
    assert "/comptes/structures/revendication/" in page  # says how a public body joins instead


def test_posting_a_public_structure_is_refused_with_how_a_public_body_joins(client):
    response = verified_client(client, UserFactory()).post(CREATE_URL, A_COMMUNE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Une entité publique ne se crée pas depuis un compte" in page
    assert "annuaire officiel" in page and "arrêté de nomination" in page
    assert not Structure.objects.exists()


def test_the_refusal_is_in_english_for_an_english_speaker(client):
    verified_client(client, UserFactory())
    response = client.post(CREATE_URL, A_COMMUNE, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert "A public body is not created from an account" in page
    assert not Structure.objects.exists()


def test_the_operation_refuses_a_public_structure_whatever_calls_it():
    with pytest.raises(services.StructureError) as raised:
        services.create_structure(
            UserFactory(), kind="public", id_type="siret", identifier="73282932000074", name="X"
        )

    assert raised.value.field == "kind"
    assert "support" in raised.value.message
    assert not Structure.objects.exists()


def test_a_private_company_is_still_created_from_the_form(client):
    user = UserFactory()
    response = verified_client(client, user).post(
        CREATE_URL, {"id_type": "siret", "identifier": "73282932000074", "name": "Atelier"}
    )

    assert response.status_code == 302
    structure = Structure.objects.get()
    assert (structure.kind, structure.principal_manager) == (Structure.Kind.PRIVATE, user)


def test_sign_up_offers_no_structure_type(client):
    page = client.get("/comptes/inscription/").content.decode()

    assert 'name="kind"' not in page
    assert "Entité publique" not in page


def test_the_api_has_no_way_to_create_a_structure():
    api = token_client(UserFactory())

    response = api.post("/api/v1/structures/", A_COMMUNE, format="json")

    assert response.status_code == 405
    assert not Structure.objects.exists()
