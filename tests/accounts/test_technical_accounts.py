"""Technical accounts: created by a manager, bound to one structure, API token only, listed with last use."""

import pytest

from accounts import services
from accounts.models import ApiToken, Membership, User
from tests.conftest import verified_client
from tests.factories import StructureFactory
from tests.factories_structures import bearer, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def created(client, public_structure):
    """A technical account created from the page by the principal manager; (page, account, token)."""
    verified_client(client, public_structure.principal_manager)
    page = client.post(
        f"/comptes/structures/{public_structure.uuid}/comptes-techniques/",
        {"name": "Progiciel financier", "rights": ["triage", "export_pes"]},
    )
    account = User.objects.get(kind=User.Kind.TECHNICAL)
    token = page.context["token"]
    client.logout()
    return page, account, token


def test_a_manager_creates_one_and_sees_its_token_once(client, public_structure, created):
    page, account, token = created
    assert page.status_code == 200
    assert token.startswith("chor_") and token in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    membership = Membership.objects.get(user=account)
    assert membership.structure == public_structure
    assert (membership.role, membership.can_triage, membership.can_export_pes, membership.can_deposit) == (
        Membership.Role.USER,
        True,
        True,
        False,
    )
    assert not ApiToken.objects.filter(key_hash=token).exists()  # stored hashed only
    listing = verified_client(client, public_structure.principal_manager).get(
        f"/comptes/structures/{public_structure.uuid}/comptes-techniques/"
    )
    assert "Progiciel financier" in listing.content.decode()
    assert token not in listing.content.decode()


def test_its_token_works_on_the_api_for_its_structure_only(client, public_structure, created):
    _page, account, token = created
    StructureFactory(name="Une autre")
    me = client.get("/api/v1/me/", **bearer(token))
    assert me.status_code == 200
    assert me.json()["kind"] == "technical"
    structures = client.get("/api/v1/structures/", **bearer(token)).json()
    assert [s["id"] for s in structures] == [str(public_structure.uuid)]
    assert structures[0]["my_rights"] == ["triage", "export_pes"]


def test_it_cannot_log_in_on_the_web(client, created):
    _page, account, _token = created
    assert not account.has_usable_password()
    response = client.post("/comptes/connexion/", {"username": account.email, "password": ""})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    response = client.post("/comptes/connexion/", {"username": account.email, "password": "n'importe quoi"})
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_it_is_listed_with_its_last_use(client, public_structure, created):
    _page, account, token = created
    assert account.last_api_use is None
    client.get("/api/v1/me/", **bearer(token))
    account.refresh_from_db()
    assert account.last_api_use is not None
    listing = verified_client(client, public_structure.principal_manager).get(
        f"/comptes/structures/{public_structure.uuid}/comptes-techniques/"
    )
    assert "jamais" not in listing.content.decode()


def test_deactivating_it_revokes_its_token(client, public_structure, created):
    _page, account, token = created
    membership = Membership.objects.get(user=account)
    services.deactivate_membership(membership, actor=public_structure.principal_manager)
    assert client.get("/api/v1/me/", **bearer(token)).status_code == 401
    account.refresh_from_db()
    assert not account.is_active


def test_a_plain_user_cannot_create_one(client, public_structure):
    plain = member(public_structure)
    response = verified_client(client, plain).post(
        f"/comptes/structures/{public_structure.uuid}/comptes-techniques/", {"name": "Robot"}
    )
    assert response.status_code == 403
    assert not User.objects.filter(kind=User.Kind.TECHNICAL).exists()


def test_it_is_created_and_listed_through_the_api(client, supplier_structure):
    manager = supplier_structure.principal_manager
    verified_client(client, manager)
    url = f"/api/v1/structures/{supplier_structure.uuid}/technical-accounts/"
    response = client.post(
        url, {"name": "Logiciel de facturation", "rights": ["deposit"]}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    assert client.get("/api/v1/me/", **bearer(token)).json()["kind"] == "technical"
    listed = client.get(url).json()
    assert [(a["name"], a["rights"]) for a in listed] == [("Logiciel de facturation", ["deposit"])]
    assert "token" not in listed[0]
    assert listed[0]["last_used_at"] is not None


def test_a_technical_account_cannot_be_made_a_manager(supplier_structure):
    account, _token = services.create_technical_account(
        supplier_structure, actor=supplier_structure.principal_manager, name="Robot", rights=["deposit"]
    )
    membership = Membership.objects.get(user=account)
    with pytest.raises(services.StructureError):
        services.update_membership(
            membership, actor=supplier_structure.principal_manager, role=Membership.Role.MANAGER, rights=[]
        )
