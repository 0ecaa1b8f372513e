"""Acceptance 5: a user of structure A gets 404 on every structure-scoped page and API endpoint of B.

The routes are not listed by hand: every URL pattern of the project whose path names a structure (a kwarg
called `structure`, or containing that word) is found by walking the URL resolver, so routes added later by
other parts of the portal are covered too. Other ids in those paths are filled with B's own objects when
the test knows the kind (service, membership, attachment request), with random UUIDs otherwise.
"""

import uuid

import pytest

from accounts import services
from accounts.models import Membership
from accounts.tokens import create_api_token
from tests.conftest import verified_client
from tests.factories import PublicStructureFactory, ServiceFactory, UserFactory
from tests.factories_structures import ROUTE_PARAM, attach, bearer, project_routes, route_params

pytestmark = pytest.mark.django_db


def structure_scoped_routes():
    """Every route of the project whose path carries a structure id."""
    return [r for r in project_routes() if any("structure" in name for name in route_params(r))]


def _fill(route: str, values: dict) -> str:
    def value(match):
        name, converter = match["name"], match["converter"]
        if "structure" in name:
            return str(values["structure"])
        if name in values:
            return str(values[name])
        if converter == "int":
            return "1"
        if converter in ("str", "slug", "path"):
            return "x"
        return str(uuid.uuid4())

    return "/" + ROUTE_PARAM.sub(value, route)


@pytest.fixture
def world(db):
    """Structure A with its principal manager; structure B with a service, a member, a request, a robot."""
    a = PublicStructureFactory(name="Structure A")
    b = PublicStructureFactory(name="Structure B")
    service = ServiceFactory(structure=b, code="SECRET")
    b_member = attach(UserFactory(), b)
    pending = services.request_attachment(UserFactory(), b)
    robot, _token = services.create_technical_account(
        b, actor=b.principal_manager, name="Robot B", rights=["deposit"]
    )
    robot_membership = Membership.objects.get(user=robot)
    values = {
        "structure": b.uuid,
        "service": service.uuid,
        "service_uuid": service.uuid,
        "membership": b_member.uuid,
        "membership_uuid": robot_membership.uuid,
        "attachment_request": pending.uuid,
        "request": pending.uuid,
    }
    return {"a": a, "b": b, "user_a": a.principal_manager, "values": values, "pending": pending}


def _assert_404(client, path, **headers):
    response = client.get(path, **headers)
    method = "GET"
    if response.status_code == 405:
        method = "POST"
        response = client.post(path, {}, **headers)
    assert response.status_code == 404, f"{method} {path} answered {response.status_code}, not 404"
    assert b"Structure B" not in response.content
    assert b"SECRET" not in response.content


def test_the_enumeration_finds_the_structure_routes():
    routes = structure_scoped_routes()
    pages = [r for r in routes if not r.startswith("api/")]
    api = [r for r in routes if r.startswith("api/")]
    assert "comptes/structures/<uuid:structure>/" in pages
    assert "comptes/structures/<uuid:structure>/membres/<uuid:membership>/desactiver/" in pages
    assert "api/v1/structures/<uuid:structure>/services/" in api
    assert "api/v1/structures/<uuid:structure>/technical-accounts/" in api


def test_every_structure_scoped_page_of_b_is_404_for_a_user_of_a(client, world):
    verified_client(client, world["user_a"])
    pages = [r for r in structure_scoped_routes() if not r.startswith("api/")]
    assert pages
    for route in pages:
        _assert_404(client, _fill(route, world["values"]))


def test_every_structure_scoped_api_endpoint_of_b_is_404_for_a_user_of_a(client, world):
    _token, raw = create_api_token(world["user_a"], name="A")
    endpoints = [r for r in structure_scoped_routes() if r.startswith("api/")]
    assert endpoints
    for route in endpoints:
        _assert_404(client, _fill(route, world["values"]), **bearer(raw))


def test_the_same_holds_with_a_verified_browser_session_on_the_api(client, world):
    verified_client(client, world["user_a"])
    for route in (r for r in structure_scoped_routes() if r.startswith("api/")):
        response = client.get(_fill(route, world["values"]))
        assert response.status_code in (404, 405), route
        if response.status_code == 404:
            assert b"Structure B" not in response.content


def test_b_attachment_requests_do_not_exist_for_a_user_of_a(client, world):
    _token, raw = create_api_token(world["user_a"], name="A")
    pending = world["pending"]
    assert client.get(f"/api/v1/attachment-requests/{pending.uuid}/", **bearer(raw)).status_code == 404
    for verb in ("accept", "refuse"):
        response = client.post(
            f"/api/v1/attachment-requests/{pending.uuid}/{verb}/", {"reason": "x"}, **bearer(raw)
        )
        assert response.status_code == 404
    listed = client.get("/api/v1/attachment-requests/", **bearer(raw)).json()
    assert listed == []
    pending.refresh_from_db()
    assert pending.status == "en_attente"


def test_b_structures_are_absent_from_a_users_lists(client, world):
    _token, raw = create_api_token(world["user_a"], name="A")
    ids = [s["id"] for s in client.get("/api/v1/structures/", **bearer(raw)).json()]
    assert ids == [str(world["a"].uuid)]
    me = client.get("/api/v1/me/", **bearer(raw)).json()
    assert [m["structure"]["id"] for m in me["memberships"]] == [str(world["a"].uuid)]
    page = verified_client(client, world["user_a"]).get("/comptes/structures/")
    assert b"Structure B" not in page.content


def test_control_the_same_urls_exist_for_bs_own_principal_manager(client, world):
    """Guards against a vacuous pass: with B's own principal manager, none of those URLs is a 404."""
    b_principal = world["b"].principal_manager
    _token, raw = create_api_token(b_principal, name="B")
    verified_client(client, b_principal)
    checked = 0
    for route in structure_scoped_routes():
        if not all("structure" in name or name in world["values"] for name in route_params(route)):
            continue
        headers = bearer(raw) if route.startswith("api/") else {}
        path = _fill(route, world["values"])
        response = client.get(path, **headers)
        if response.status_code == 405:
            response = client.post(path, {}, **headers)
        assert response.status_code != 404, f"{path} is 404 even for B's principal manager"
        checked += 1
    assert checked >= 10
