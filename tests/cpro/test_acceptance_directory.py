"""Acceptance 3: the directory operations and the health check through the compatible API; the supplier's
directory page finds a demo public structure by its town and shows its services and what they require."""

import base64
import csv
import html
import io

import pytest

from accounts import cpro_identity
from accounts.demo import SYNDICAT_SIRET, VILLEBELLE_SIRET, load_people_and_structures
from tests.conftest import verified_client
from tests.cpro.helpers import CproCaller

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return load_people_and_structures()


@pytest.fixture
def supplier_software(client, demo):
    credentials = cpro_identity.create_cpro_credentials(
        demo["durand"], actor=None, name="Odoo", rights=["deposit"]
    )[1]
    return CproCaller(client, credentials)


def test_the_health_check_answers_without_credentials(client):
    response = client.get("/cpro/transverses/v1/health-check")

    assert response.status_code == 200
    assert response.json() == {"body": "OK", "statusCodeValue": 200, "statusCode": "OK"}


def test_the_directory_file_lists_every_public_structure_with_its_services_and_flags(demo, supplier_software):
    answer = supplier_software.ok("transverses/v1/telecharger/annuaire/destinataire", {})

    rows = list(
        csv.DictReader(io.StringIO(base64.b64decode(answer["fichierResultat"]).decode()), delimiter=";")
    )
    villebelle = [r for r in rows if r["siret"] == VILLEBELLE_SIRET]
    assert sorted(r["code_service"] for r in villebelle) == ["CULTURE", "ECOLES", "VOIRIE"]
    assert {(r["code_service_obligatoire"], r["engagement_obligatoire"], r["ville"]) for r in villebelle} == {
        ("1", "1", "Villebelle")
    }
    assert [r["code_service"] for r in rows if r["siret"] == SYNDICAT_SIRET] == ["EXPLOITATION"]
    assert not any(
        r["siret"] == demo["infoserv"].identifier for r in rows
    )  # private companies are not listed


def test_the_structure_operations_answer_from_chorales_directory(demo, supplier_software):
    found = supplier_software.ok("structures/v1/rechercher", {"structure": {"adresseVille": "Villebelle"}})
    (row,) = found["listeStructures"]
    assert row["identifiantStructure"] == VILLEBELLE_SIRET
    structure = supplier_software.ok("structures/v1/consulter", {"idStructureCPP": row["idStructureCPP"]})
    assert structure["adressePostaleDuSiege"]["ville"] == "Villebelle"
    assert structure["adressePostaleDuSiege"]["codePostal"] == "13999"
    assert structure["parametres"]["codeServiceDoitEtreRenseigne"] is True
    assert structure["parametres"]["statutMiseEnPaiementNestPasRemonte"] is False
    services = supplier_software.ok(
        "structures/v1/rechercher/services", {"idStructure": row["idStructureCPP"]}
    )
    assert sorted(s["codeService"] for s in services["listeServices"]) == ["CULTURE", "ECOLES", "VOIRIE"]
    siret = supplier_software.ok(
        "transverses/v1/consulter/information/siret", {"siretStructure": SYNDICAT_SIRET}
    )
    assert (siret["raisonSociale"], siret["ville"]) == ("Syndicat des eaux du Val", "Val-sur-Rhône")
    devises = supplier_software.ok("transverses/v1/recuperer/devises", {})
    assert "EUR" in {d["codeDevise"] for d in devises["listeDevises"]}
    rates = supplier_software.ok("transverses/v1/recuperer/tauxtva", {})
    assert {r["valeurTauxTva"] for r in rates["listeTauxTva"]} >= {20.0, 10.0, 5.5, 2.1}


def test_a_private_company_is_not_found_by_another_companys_software(demo, supplier_software):
    found = supplier_software.ok(
        "structures/v1/rechercher",
        {
            "structure": {"identifiantStructure": demo["infoserv"].identifier},
            "restreindreStructuresPrivees": False,
        },
    )
    assert found["listeStructures"] == []
    answer = supplier_software.call("structures/v1/consulter", {"idStructureCPP": demo["infoserv"].pk})
    assert answer["codeRetour"] == 20000
    siret = supplier_software.call(
        "transverses/v1/consulter/information/siret", {"siretStructure": demo["infoserv"].identifier}
    )
    assert siret["codeRetour"] == 20000


def test_the_directory_page_finds_a_demo_public_structure_by_town_and_shows_its_services(client, demo):
    verified_client(client, demo["users"]["supplier"])

    results = client.get("/comptes/annuaire/", {"q": "Rhône"}).content.decode()

    assert "Syndicat des eaux du Val" in results
    assert "Commune de Villebelle" not in results
    detail = client.get(f"/comptes/annuaire/{demo['syndicat'].uuid}/").content.decode()
    assert "EXPLOITATION" in detail and "Exploitation du réseau" in detail
    assert "Code service facultatif" in detail
    villebelle = html.unescape(client.get(f"/comptes/annuaire/{demo['villebelle'].uuid}/").content.decode())
    assert "Code service obligatoire" in villebelle and "Numéro d'engagement obligatoire" in villebelle
    for code in ("VOIRIE", "ECOLES", "CULTURE"):
        assert code in villebelle
