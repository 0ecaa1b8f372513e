"""/api/schema/ describes the compatible API's bodies as it reads and answers them (found by schemathesis)."""

import pytest

from invoices.cpro.api.urls import OPERATIONS
from tests.api_schema import api_schema, assert_documented
from tests.cpro.helpers import CproCaller, make_cpro_world

pytestmark = pytest.mark.django_db


def _operations():
    schema = api_schema()
    for route in OPERATIONS:
        if route == "transverses/v1/health-check":  # PISTE's probe: a GET with its own body, no envelope
            continue
        for operation in schema["paths"][f"/cpro/{route}"].values():
            yield route, operation, schema["components"]["schemas"]


def _body(schema_ref: dict, components: dict) -> dict:
    return components[schema_ref["$ref"].rsplit("/", 1)[-1]]


def test_a_business_refusal_answers_only_the_envelope_as_documented(client):
    cpro = CproCaller(client, make_cpro_world().supplier_credentials)
    path = "/cpro/transverses/v1/consulter/information/siret"

    response = cpro.post("transverses/v1/consulter/information/siret", {"siretStructure": "99999999999999"})

    assert response.json()["codeRetour"] == 20000
    assert_documented(response, path, "post")


def test_every_answer_requires_only_the_envelope():
    """A refusal in HTTP 200 carries codeRetour and libelle alone: no other field may be required."""
    for route, operation, components in _operations():
        content = operation["responses"]["200"]["content"]["application/json"]
        if "$ref" not in content["schema"]:
            continue
        body = _body(content["schema"], components)
        assert set(body.get("required", [])) <= {"codeRetour", "libelle"}, route


def test_request_texts_may_be_empty_as_chorus_pro_clients_send_them():
    """An empty text is read as an absent field (clients send "" for what they leave out)."""
    for route, operation, components in _operations():
        if "requestBody" not in operation:
            continue
        body = _body(operation["requestBody"]["content"]["application/json"]["schema"], components)
        for name, field in body.get("properties", {}).items():
            if field.get("type") == "string":
                assert "pattern" not in field and not field.get("minLength"), (route, name)


def test_every_operation_says_how_it_reads_a_body_outside_its_schema():
    for route, operation, _components in _operations():
        if "requestBody" in operation:
            assert "codeRetour 20003" in operation["description"], route


@pytest.mark.parametrize(
    ("route", "fields"),
    [
        ("factures/v1/deposer/flux", {"fichierFlux", "nomFichier", "syntaxeFlux"}),
        ("transverses/v1/consulterCRDetaille", {"numeroFluxDepot"}),
        ("transverses/v1/consulterCR", {"numeroFluxDepot"}),
        ("factures/v1/consulter/historique", {"idFacture"}),
        ("factures/v1/telecharger/groupe", {"listeFacture"}),
        ("factures/v1/traiter/recue", {"idFacture", "nouveauStatut"}),
        ("structures/v1/consulter/service", {"idService"}),
        ("transverses/v1/consulter/information/siret", {"siretStructure"}),
    ],
)
def test_the_fields_an_operation_refuses_without_are_required(client, route, fields):
    """As SPEC marks them; without one, the answer is codeRetour 20003."""
    cpro = CproCaller(client, make_cpro_world().recipient_credentials)
    operation = api_schema()["paths"][f"/cpro/{route}"]["post"]
    body = _body(
        operation["requestBody"]["content"]["application/json"]["schema"],
        api_schema()["components"]["schemas"],
    )

    assert set(body["required"]) == fields
    assert cpro.call(route, {})["codeRetour"] == 20003


def test_a_download_names_its_invoices_by_id_facture():
    schemas = api_schema()["components"]["schemas"]
    operation = api_schema()["paths"]["/cpro/factures/v1/telecharger/groupe"]["post"]
    body = _body(operation["requestBody"]["content"]["application/json"]["schema"], schemas)

    item = _body(body["properties"]["listeFacture"]["items"], schemas)
    assert item["properties"]["idFacture"]["type"] == "integer"
