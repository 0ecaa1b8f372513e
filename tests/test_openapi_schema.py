"""Acceptance 6: /api/schema/ is a valid OpenAPI 3 document that describes every endpoint under /api/v1/.

The list of endpoints comes from the URL resolver, so endpoints added by any app are checked too.
"""

import pytest
from openapi_spec_validator import validate

from tests.factories_structures import ROUTE_PARAM, project_routes

pytestmark = pytest.mark.django_db


def api_v1_paths():
    """Every /api/v1/ route as an OpenAPI path template (`{name}` for each parameter)."""
    return {
        "/" + ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", route)
        for route in project_routes()
        if route.startswith("api/v1/")
    }


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_every_api_v1_route_is_described(schema):
    routes = api_v1_paths()
    assert "/api/v1/me/" in routes  # the enumeration itself works
    missing = sorted(routes - set(schema["paths"]))
    assert not missing, f"routes missing from /api/schema/: {missing}"


def test_every_operation_has_a_response_schema(schema):
    bare = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.get("responses", {})
            described = any("content" in r or code == "204" for code, r in responses.items())
            if not described:
                bare.append(f"{method.upper()} {path}")
    assert not bare, f"operations without a response schema: {bare}"


def test_the_accounts_endpoints_carry_request_schemas(schema):
    paths = schema["paths"]
    for path in (
        "/api/v1/attachment-requests/",
        "/api/v1/attachment-requests/{attachment_request}/accept/",
        "/api/v1/attachment-requests/{attachment_request}/refuse/",
        "/api/v1/principal-transfers/",
        "/api/v1/structures/{structure}/technical-accounts/",
    ):
        assert "requestBody" in paths[path]["post"], path
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()


def test_the_interactive_docs_are_served(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
