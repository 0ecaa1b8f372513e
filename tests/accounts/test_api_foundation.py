"""The accounts API: current user, structures and services, members, attachment requests, 404/403 rules."""

import pytest

from accounts import services
from accounts.models import AttachmentRequest, Membership
from accounts.tokens import create_api_token
from tests.conftest import verified_client
from tests.factories import ServiceFactory, UserFactory
from tests.factories_structures import attach, bearer, member

pytestmark = pytest.mark.django_db


def _token_for(user):
    return bearer(create_api_token(user, name="tests")[1])


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get("/api/v1/me/", **bearer("chor_not-a-token")).status_code == 401


def test_a_session_without_the_second_factor_is_not_authenticated(client, supplier):
    client.force_login(supplier)
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_me_describes_the_caller_and_their_rights(client, public_structure):
    user = member(public_structure, can_triage=True, can_deposit=False, can_export_pes=True)
    body = client.get("/api/v1/me/", **_token_for(user)).json()
    assert body["email"] == user.email
    assert body["memberships"] == [
        {
            "structure": {
                "id": str(public_structure.uuid),
                "name": public_structure.name,
                "kind": "public",
                "id_type": "siret",
                "identifier": public_structure.identifier,
            },
            "role": "utilisateur",
            "is_principal": False,
            "rights": ["triage", "export_pes"],
            "services": None,
        }
    ]


def test_structures_and_their_services(client, public_structure):
    voirie = ServiceFactory(structure=public_structure, code="VOIRIE")
    ServiceFactory(structure=public_structure, code="ECOLES")
    limited = member(public_structure, services=[voirie])
    headers = _token_for(limited)
    detail = client.get(f"/api/v1/structures/{public_structure.uuid}/", **headers).json()
    assert detail["principal_manager"]["email"] == public_structure.principal_manager.email
    assert detail["my_role"] == "utilisateur"
    codes = [
        s["code"]
        for s in client.get(f"/api/v1/structures/{public_structure.uuid}/services/", **headers).json()
    ]
    assert codes == ["VOIRIE"]
    manager_codes = [
        s["code"]
        for s in client.get(
            f"/api/v1/structures/{public_structure.uuid}/services/",
            **_token_for(public_structure.principal_manager),
        ).json()
    ]
    assert manager_codes == ["ECOLES", "VOIRIE"]


def test_members_are_listed_to_managers_and_403_to_plain_users(client, supplier_structure):
    plain = member(supplier_structure)
    url = f"/api/v1/structures/{supplier_structure.uuid}/members/"
    assert client.get(url, **_token_for(plain)).status_code == 403
    listed = client.get(url, **_token_for(supplier_structure.principal_manager)).json()
    assert {m["user"]["email"] for m in listed} == {plain.email, supplier_structure.principal_manager.email}
    assert [m["is_principal"] for m in listed if m["user"]["email"] == plain.email] == [False]


def test_an_attachment_request_through_the_api(
    client, supplier_structure, mailoutbox, django_capture_on_commit_callbacks
):
    requester = UserFactory()
    requester_headers = _token_for(requester)
    manager_headers = _token_for(supplier_structure.principal_manager)
    mailoutbox.clear()  # the token notices
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/attachment-requests/",
            {"id_type": "siret", "identifier": supplier_structure.identifier, "message": "Comptabilité"},
            content_type="application/json",
            **requester_headers,
        )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    assert created.json()["status"] == "en_attente"
    assert mailoutbox[0].to == [supplier_structure.principal_manager.email]

    pending = client.get(
        f"/api/v1/structures/{supplier_structure.uuid}/attachment-requests/?status=en_attente",
        **manager_headers,
    ).json()
    assert [p["id"] for p in pending] == [request_id]
    assert client.get(f"/api/v1/attachment-requests/{request_id}/", **requester_headers).status_code == 200

    refused_by_requester = client.post(
        f"/api/v1/attachment-requests/{request_id}/accept/",
        {},
        content_type="application/json",
        **requester_headers,
    )
    assert refused_by_requester.status_code == 403

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(
            f"/api/v1/attachment-requests/{request_id}/accept/",
            {"role": "utilisateur", "rights": ["deposit"]},
            content_type="application/json",
            **manager_headers,
        )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["rights"] == ["deposit"]
    assert Membership.objects.get(user=requester, structure=supplier_structure).is_active
    assert mailoutbox[0].to == [requester.email]


def test_a_refusal_through_the_api_needs_a_reason(
    client, supplier_structure, mailoutbox, django_capture_on_commit_callbacks
):
    requester = UserFactory()
    pending = services.request_attachment(requester, supplier_structure)
    headers = _token_for(supplier_structure.principal_manager)
    mailoutbox.clear()  # the token notice
    url = f"/api/v1/attachment-requests/{pending.uuid}/refuse/"
    assert client.post(url, {}, content_type="application/json", **headers).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Inconnu"}, content_type="application/json", **headers)
    assert response.status_code == 200
    assert response.json()["reason"] == "Inconnu"
    assert mailoutbox[-1].to == [requester.email] and "Inconnu" in mailoutbox[-1].body
    pending.refresh_from_db()
    assert pending.status == AttachmentRequest.Status.REFUSED


def test_accepting_with_another_structures_service_is_refused(client, public_structure):
    foreign_service = ServiceFactory()
    pending = services.request_attachment(UserFactory(), public_structure)
    response = client.post(
        f"/api/v1/attachment-requests/{pending.uuid}/accept/",
        {"services": [str(foreign_service.uuid)]},
        content_type="application/json",
        **_token_for(public_structure.principal_manager),
    )
    assert response.status_code == 422
    pending.refresh_from_db()
    assert pending.status == AttachmentRequest.Status.PENDING


def test_an_unknown_identifier_is_a_422(client):
    response = client.post(
        "/api/v1/attachment-requests/",
        {"id_type": "siret", "identifier": "73282932000074"},
        content_type="application/json",
        **_token_for(UserFactory()),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "identifier"


def test_technical_accounts_are_403_to_plain_users_and_404_to_outsiders(client, supplier_structure, outsider):
    url = f"/api/v1/structures/{supplier_structure.uuid}/technical-accounts/"
    assert client.get(url, **_token_for(member(supplier_structure))).status_code == 403
    assert client.get(url, **_token_for(outsider)).status_code == 404


def test_a_session_verified_by_the_second_factor_works_too(client, supplier_structure):
    user = member(supplier_structure)
    attach(user, supplier_structure, can_admin=True)
    verified_client(client, user)
    assert client.get("/api/v1/me/").json()["email"] == user.email
