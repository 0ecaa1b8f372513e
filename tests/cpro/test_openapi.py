"""The compatible API is described in /api/schema/ under its own tag, with both identities as security."""

import pytest

from invoices.cpro.api.envelope import SMALL_BODY
from invoices.cpro.api.urls import OPERATIONS
from tests.api_schema import assert_documented
from tests.cpro.helpers import CproCaller, account_header, make_cpro_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpro(client):
    return CproCaller(client, make_cpro_world().recipient_credentials)


@pytest.fixture
def schema(client):
    return client.get("/api/schema/?format=json").json()


def test_every_operation_and_the_token_endpoint_are_described_under_the_chorus_pro_tag(schema):
    paths = schema["paths"]
    for route, view in OPERATIONS.items():
        method = "get" if hasattr(view, "get") and not hasattr(view, "post") else "post"
        operation = paths[f"/cpro/{route}"][method]
        assert operation["tags"] == ["Chorus Pro"], route
        assert "content" in operation["responses"]["200"], route
    assert paths["/api/oauth/token"]["post"]["tags"] == ["Chorus Pro"]


def test_the_operations_require_the_token_and_the_technical_account_together(schema):
    deposit = schema["paths"]["/cpro/factures/v1/deposer/flux"]["post"]
    assert {"cproBearer": [], "cproAccount": []} in deposit["security"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["cproAccount"]["name"] == "cpro-account" and schemes["cproBearer"]["scheme"] == "bearer"
    request = schema["components"]["schemas"]["CproFacturesDeposerFluxRequest"]["properties"]
    assert {"fichierFlux", "nomFichier", "syntaxeFlux", "avecSignature"} <= set(request)


def test_the_operations_document_their_refusals_in_chorus_pro_s_envelope_only(schema):
    """Not the API's error body, nor the refusals only the API answers (403, 404, 415, 422)."""
    for route in OPERATIONS:
        for method, operation in schema["paths"][f"/cpro/{route}"].items():
            responses = operation["responses"]
            if route == "transverses/v1/health-check":
                assert set(responses) == {"200", "429", "503"}, route
                continue
            assert set(responses) == {"200", "400", "401", "413", "429", "503"}, (route, method)
            for code in ("400", "401", "413", "429"):
                body = responses[code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/CproError"}, (route, code)
            assert list(responses["503"]["content"]) == ["text/html"], route


def test_transport_refusals_are_answered_as_documented(client, cpro):
    """A body that is no JSON object (400), a missing token (401), a body past the limit (413)."""
    path = "/cpro/transverses/v1/consulterCR"
    not_json = cpro.client.post(
        path,
        data="[1]",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {cpro.token()}",
        HTTP_CPRO_ACCOUNT=account_header(cpro.credentials),
    )
    no_token = client.post(path, data="{}", content_type="application/json")
    too_large = cpro.post("transverses/v1/consulterCR", {"x": "a" * SMALL_BODY})

    for response, code in [(not_json, 400), (no_token, 401), (too_large, 413)]:
        assert response.status_code == code
        assert response.json()["codeRetour"] == code
        assert_documented(response, path, "post")


def test_the_token_endpoint_documents_rfc_6749_s_refusals(schema):
    responses = schema["paths"]["/api/oauth/token"]["post"]["responses"]

    assert set(responses) == {"200", "400", "401", "429", "503"}
    for code in ("400", "401", "429"):
        assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/OAuthError")
