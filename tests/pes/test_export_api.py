"""The PES export API: POST /api/v1/pes-exports/, GET /api/v1/pes-exports/{id}/ and its file."""

import hashlib

import pytest

from accounts.models import SecurityEvent
from invoices.models import PesExport
from tests.conftest import token_client, verified_client
from tests.factories import MembershipFactory, ServiceFactory
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    fresh_second_factor,
    pes_accountant,
    pes_commune,
    pes_schemas_if_present,
    pes_structure,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas_if_present")]


@pytest.fixture
def api(accountant):
    return token_client(accountant)


def test_post_exports_by_filters_and_answers_with_the_report(api, structure):
    mandated = accepted_invoice(structure, mandated=True)
    accepted_invoice(structure)

    response = api.post(
        "/api/v1/pes-exports/", {"structure": structure.identifier, "shape": "refcompta"}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert [i["id"] for i in body["invoices"]] == [str(mandated.uuid)]
    assert body["shape"] == "refcompta" and body["structure"]["identifier"] == structure.identifier
    (file_,) = body["files"]
    assert file_["n"] == 1 and len(file_["sha256"]) == 64 and file_["url"].endswith("/files/1")
    assert body["pj_list"] == []  # with RefCompta the PJ link themselves: no list for the PJRef
    assert "lines" in body["report"]


def test_post_with_a_selection_and_the_pj_list_shape(api, structure):
    chosen = accepted_invoice(structure)
    accepted_invoice(structure)

    response = api.post(
        "/api/v1/pes-exports/",
        {"structure": str(structure.uuid), "shape": "pj_list", "invoices": [str(chosen.uuid)]},
        format="json",
    )

    assert response.status_code == 201
    (row,) = response.json()["pj_list"]
    assert row["type_pj"] == "003" and row["support"] == "01" and row["nom_pj"].startswith("Facture_")


def test_exporting_nothing_is_refused_with_a_message(api, structure):
    nothing = api.post("/api/v1/pes-exports/", {"structure": structure.identifier}, format="json")

    assert nothing.status_code == 422 and "Aucune facture" in nothing.json()["detail"]
    assert not PesExport.objects.exists()


def test_missing_parameters_are_named_in_the_answer(accountant):
    structure = pes_structure(pes_cod_col="", pes_id_post="")
    MembershipFactory(structure=structure, user=accountant, can_export_pes=True)
    accepted_invoice(structure)

    response = token_client(accountant).post(
        "/api/v1/pes-exports/", {"structure": structure.identifier}, format="json"
    )

    assert response.status_code == 422
    assert set(response.json()["missing_parameters"]) == {"id_post", "cod_col"}
    assert "poste comptable (IdPost)" in response.json()["detail"]


def test_get_the_export_and_its_file(api, structure, accountant):
    invoice = accepted_invoice(structure)
    created = api.post("/api/v1/pes-exports/", {"structure": structure.identifier}, format="json").json()

    detail = api.get(f"/api/v1/pes-exports/{created['id']}/")
    by_query = api.get(f"/api/v1/pes-exports/{created['id']}/file", {"n": 1})
    by_path = api.get(f"/api/v1/pes-exports/{created['id']}/files/1")
    missing = api.get(f"/api/v1/pes-exports/{created['id']}/file", {"n": 2})

    assert detail.status_code == 200 and detail.json()["invoices"][0]["id"] == str(invoice.uuid)
    for response in (by_query, by_path):
        body = b"".join(response.streaming_content)
        assert response.status_code == 200
        assert hashlib.sha256(body).hexdigest() == created["files"][0]["sha256"]
    assert missing.status_code == 404
    assert SecurityEvent.objects.filter(user=accountant, kind=SecurityEvent.Kind.EXPORT_DOWNLOAD).count() == 2


def test_a_reexport_needs_a_reason(api, structure):
    invoice = accepted_invoice(structure)
    first = api.post("/api/v1/pes-exports/", {"structure": structure.identifier}, format="json").json()
    payload = {"structure": structure.identifier, "invoices": [str(invoice.uuid)]}

    refused = api.post("/api/v1/pes-exports/", payload, format="json")
    again = api.post("/api/v1/pes-exports/", {**payload, "reexport_reason": "Rejet Hélios"}, format="json")

    assert refused.status_code == 422 and "motif" in refused.json()["detail"]
    assert again.status_code == 201 and again.json()["report"]["reexport_reason"] == "Rejet Hélios"
    assert again.json()["pj_list"][0]["id_unique"] == first["pj_list"][0]["id_unique"]


def test_a_session_download_asks_for_a_fresh_second_factor(client, structure, accountant):
    accepted_invoice(structure)
    browser = verified_client(client, accountant)
    created = browser.post(
        "/api/v1/pes-exports/", {"structure": structure.identifier}, content_type="application/json"
    ).json()
    url = f"/api/v1/pes-exports/{created['id']}/file"

    assert browser.get(url).status_code == 403
    assert fresh_second_factor(browser).get(url).status_code == 200


def test_filters_by_service_code_and_supplier(api, structure):
    roads = ServiceFactory(structure=structure, code="VOIRIE")
    wanted = accepted_invoice(structure, service=roads, supplier=pes_structure(name="Atelier Durand SARL"))
    accepted_invoice(structure, service=roads)
    accepted_invoice(structure, supplier=pes_structure(name="Atelier Durand SARL"))

    response = api.post(
        "/api/v1/pes-exports/",
        {"structure": structure.identifier, "filters": {"service": "VOIRIE", "supplier": "Durand"}},
        format="json",
    )
    unknown = api.post(
        "/api/v1/pes-exports/",
        {"structure": structure.identifier, "filters": {"service": "INCONNU"}},
        format="json",
    )

    assert response.status_code == 201
    assert [i["id"] for i in response.json()["invoices"]] == [str(wanted.uuid)]
    assert unknown.status_code == 422
