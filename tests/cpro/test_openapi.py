"""The compatible API is described in /api/schema/ under its own tag, with both identities as security."""

import pytest

from invoices.cpro.api.urls import OPERATIONS

pytestmark = pytest.mark.django_db


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
