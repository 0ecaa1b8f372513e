"""Managers create Chorus Pro API credentials on the technical-accounts page after a fresh second factor; they
are shown once, kept hashed, and their password is renewed the same way."""

import pytest

from accounts import cpro_identity
from accounts.models import CproCredential, SecurityEvent, User
from tests.conftest import verified_client
from tests.cpro.helpers import CproCaller
from tests.factories import PublicStructureFactory
from tests.factories_structures import member, with_fresh_otp

pytestmark = pytest.mark.django_db


def page(structure) -> str:
    return f"/comptes/structures/{structure.uuid}/comptes-techniques/chorus-pro/"


def test_without_a_fresh_second_factor_the_manager_is_asked_for_it(client, public_structure):
    verified_client(client, public_structure.principal_manager)

    response = client.get(page(public_structure))

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/securite/verifier/")


def test_a_manager_creates_credentials_that_work_once_shown(client, public_structure):
    manager = public_structure.principal_manager
    with_fresh_otp(client, manager)

    response = client.post(page(public_structure), {"name": "Pastell", "rights": ["triage"]})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    shown = response.context["credentials"]
    html = response.content.decode()
    for secret in ("client_id", "client_secret", "login", "password", "api_token"):
        assert shown[secret] in html
    credential = CproCredential.objects.get()
    assert shown["client_secret"] not in credential.client_secret_hash
    assert SecurityEvent.objects.filter(user=credential.user, actor=manager, kind="token_created").exists()
    CproCaller(client, shown).ok("transverses/v1/recuperer/tauxtva")
    listing = client.get(f"/comptes/structures/{public_structure.uuid}/comptes-techniques/").content.decode()
    assert shown["client_id"] in listing and shown["password"] not in listing


def test_a_member_who_is_not_a_manager_is_refused_and_an_outsider_gets_404(
    client, public_structure, outsider
):
    with_fresh_otp(client, member(public_structure, can_triage=True))
    assert client.post(page(public_structure), {"name": "X", "rights": ["triage"]}).status_code == 403

    with_fresh_otp(client, outsider)
    assert client.post(page(public_structure), {"name": "X", "rights": ["triage"]}).status_code == 404
    assert not CproCredential.objects.exists()


def test_a_new_password_replaces_the_old_one_at_once(client, public_structure):
    manager = public_structure.principal_manager
    with_fresh_otp(client, manager)
    first = client.post(page(public_structure), {"name": "Pastell", "rights": ["triage"]}).context[
        "credentials"
    ]
    credential = CproCredential.objects.get()

    response = client.post(f"{page(public_structure)}{credential.uuid}/")

    renewed = response.context["renewed"]
    assert renewed["password"] in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    refused = CproCaller(client, first).post("transverses/v1/recuperer/tauxtva")
    assert refused.status_code == 401
    CproCaller(client, {**first, "password": renewed["password"]}).ok("transverses/v1/recuperer/tauxtva")


def test_another_structures_credential_cannot_be_renewed_from_here(client, public_structure):
    cpro_identity.create_cpro_credentials(PublicStructureFactory(), actor=None, name="X", rights=["triage"])
    foreign = CproCredential.objects.get()
    with_fresh_otp(client, public_structure.principal_manager)

    assert client.post(f"{page(public_structure)}{foreign.uuid}/").status_code == 404
    assert User.objects.filter(kind="technical").count() == 1
