"""A wrapper object or a list of another JSON type reads as not given, as Chorus Pro clients expect of a field
they fill wrongly: the answer stays Chorus Pro's (HTTP 200 and its envelope), never a server error."""

import pytest

from tests.cpro.helpers import CproCaller, make_cpro_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_cpro_world()


@pytest.mark.parametrize("param_recherche", [[None, None], "Descendant", 3])
def test_received_search_reads_a_pagination_that_is_no_object_as_none(client, world, param_recherche):
    cpro = CproCaller(client, world.recipient_credentials)

    answer = cpro.call("factures/v1/rechercher/recipiendaire", {"paramRecherche": param_recherche})

    assert answer["nbResultatsParPage"] == 10 and answer["pageCourante"] == 1


def test_received_search_reads_a_supplier_list_that_is_no_list_as_none(client, world):
    cpro = CproCaller(client, world.recipient_credentials)

    answer = cpro.call("factures/v1/rechercher/recipiendaire", {"listeFournisseurs": 7})

    assert answer["pageCourante"] == 1


def test_sent_search_reads_a_recipient_list_that_is_no_list_as_none(client, world):
    cpro = CproCaller(client, world.supplier_credentials)

    cpro.ok("factures/v1/rechercher/fournisseur", {"listeDestinataire": 7})


def test_services_search_reads_a_sort_that_is_no_object_as_none(client, world):
    cpro = CproCaller(client, world.supplier_credentials)

    answer = cpro.ok(
        "structures/v1/rechercher/services",
        {"idStructure": world.recipient.pk, "parametresRechercherServicesStructure": ["CodeService"]},
    )

    assert answer["parametresRetour"]["pageCourante"] == 1
