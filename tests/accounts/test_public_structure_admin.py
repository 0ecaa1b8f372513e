"""Support adds a public structure from the admin and holds its principal-manager role until it is claimed."""

import pytest

from accounts import public_structures
from accounts.models import Membership, SecurityEvent, Structure
from tests.conftest import verified_client
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/accounts/structure/add/"


def _add(client, **fields):
    data = {
        "id_type": "siret",
        "identifier": "213 500 010 00011",
        "name": "Commune de Paris-Test",
        "address": "",
        "code_service_obligatoire": "on",
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-0-code": "VOIRIE",
        "services-0-name": "Voirie",
        "services-0-is_active": "on",
        **fields,
    }
    return client.post(ADD_URL, data)


def test_support_adds_a_public_structure_and_holds_it_until_claimed(client, support):
    response = _add(verified_client(client, support))

    assert response.status_code == 302, response.content.decode()[:2000]
    structure = Structure.objects.get()
    assert structure.kind == Structure.Kind.PUBLIC
    assert structure.identifier == "21350001000011"
    assert structure.principal_manager == support
    assert public_structures.is_awaiting_claim(structure)
    assert structure.code_service_obligatoire
    assert list(structure.services.values_list("code", flat=True)) == ["VOIRIE"]
    membership = Membership.objects.get(structure=structure, user=support)
    assert (membership.role, membership.is_active) == (Membership.Role.MANAGER, True)
    event = SecurityEvent.objects.get(user=support, kind=SecurityEvent.Kind.PUBLIC_STRUCTURES)
    assert "21350001000011" in event.detail and event.actor == support


def test_the_add_form_offers_neither_the_type_nor_the_principal_manager(client, support):
    page = verified_client(client, support).get(ADD_URL).content.decode()

    assert 'name="kind"' not in page
    assert 'name="principal_manager"' not in page
    assert 'value="tva_ue"' not in page  # a public body is identified by a SIRET, a RIDET or a TAHITI number


def test_the_add_form_refuses_a_bad_siret_and_a_taken_one(client, support):
    verified_client(client, support)

    bad = _add(client, identifier="21350001000012")
    StructureFactory(identifier="21350001000011")
    taken = _add(client)

    assert "Luhn" in bad.content.decode()
    assert "Une structure porte déjà cet identifiant" in taken.content.decode()
    assert Structure.objects.count() == 1


def test_the_type_of_an_existing_structure_is_not_editable(client, support):
    structure = StructureFactory()

    page = verified_client(client, support).get(f"/admin/accounts/structure/{structure.pk}/change/")

    assert 'name="kind"' not in page.content.decode()


def test_support_can_list_the_structures_awaiting_their_claim(client, support):
    public_structures.create_public_structure(actor=support, identifier="21350001000011", name="En attente")
    StructureFactory(name="Atelier Durand")

    page = verified_client(client, support).get("/admin/accounts/structure/?revendication=attente")

    assert "En attente" in page.content.decode()
    assert "Atelier Durand" not in page.content.decode()


def test_a_non_support_user_cannot_create_a_public_structure():
    with pytest.raises(public_structures.services.NotAllowed):
        public_structures.create_public_structure(actor=UserFactory(), identifier="21350001000011", name="X")
    assert not Structure.objects.exists()
