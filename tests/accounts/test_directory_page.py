"""The directory of recipients: suppliers find public structures by name, SIRET, town or postcode and see
their active services and what invoices to them must carry; private companies are never listed."""

import html

import pytest

from tests.conftest import verified_client
from tests.factories import PublicStructureFactory, ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    structure = PublicStructureFactory(
        name="Mairie de Saint-Exemple", town="Saint-Exemple", postal_code="44999", engagement_obligatoire=True
    )
    ServiceFactory(structure=structure, code="CANTINE", name="Restauration scolaire")
    ServiceFactory(structure=structure, code="FERME", name="Service fermé", is_active=False)
    return structure


def search(client, q: str) -> str:
    return html.unescape(client.get("/comptes/annuaire/", {"q": q}).content.decode())


@pytest.mark.parametrize("query", ["Saint-Exemple", "saint", "44999", "Mairie exemple"])
def test_a_supplier_finds_a_public_structure_by_town_postcode_or_name(client, supplier, town, query):
    verified_client(client, supplier)
    assert "Mairie de Saint-Exemple" in search(client, query)


def test_a_siret_finds_it_too(client, supplier, town):
    verified_client(client, supplier)
    assert "Mairie de Saint-Exemple" in search(client, town.identifier[:9])


def test_private_companies_and_inactive_structures_are_not_listed(client, supplier, town):
    StructureFactory(name="Entreprise de Saint-Exemple", town="Saint-Exemple")
    PublicStructureFactory(name="Ancienne commune de Saint-Exemple", is_active=False)
    verified_client(client, supplier)

    found = search(client, "Saint-Exemple")

    assert "Mairie de Saint-Exemple" in found
    assert "Entreprise de Saint-Exemple" not in found and "Ancienne commune" not in found


def test_the_detail_shows_the_active_services_and_the_requirements(client, supplier, town):
    verified_client(client, supplier)

    detail = html.unescape(client.get(f"/comptes/annuaire/{town.uuid}/").content.decode())

    assert "CANTINE" in detail and "Restauration scolaire" in detail
    assert "FERME" not in detail
    assert "Numéro d'engagement obligatoire" in detail and "Code service facultatif" in detail


def test_a_private_structure_has_no_directory_page(client, supplier, supplier_structure):
    verified_client(client, supplier)
    assert client.get(f"/comptes/annuaire/{supplier_structure.uuid}/").status_code == 404


def test_the_deposit_form_links_to_the_directory(client, supplier):
    verified_client(client, supplier)
    assert 'href="/comptes/annuaire/"' in client.get("/factures/deposer/").content.decode()


def test_a_manager_records_the_town_and_postcode_of_the_structure(client, public_structure):
    verified_client(client, public_structure.principal_manager)

    client.post(
        f"/comptes/structures/{public_structure.uuid}/identite/",
        {"name": public_structure.name, "address": "1 rue X", "postal_code": " 13999 ", "town": "Villebelle"},
    )

    public_structure.refresh_from_db()
    assert (public_structure.postal_code, public_structure.town) == ("13999", "Villebelle")
