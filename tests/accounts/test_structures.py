"""Structures: creation, services, parameters, members' rights and deactivation, and the access rules."""

import pytest
from django.db.models import ProtectedError

from accounts import access, public_structures, services
from accounts.models import Membership, Service, Structure
from tests.conftest import verified_client
from tests.factories import (
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
    UserFactory,
    support_user,
)
from tests.factories_structures import attach, member

pytestmark = pytest.mark.django_db


def test_the_creator_becomes_principal_manager_with_every_right(client):
    user = UserFactory()
    response = verified_client(client, user).post(
        "/comptes/structures/nouvelle/",
        {"kind": "private", "id_type": "siret", "identifier": "732 829 320 00074", "name": "Atelier de Test"},
    )
    structure = Structure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/comptes/structures/{structure.uuid}/"
    assert structure.identifier == "73282932000074"
    assert structure.principal_manager == user
    membership = Membership.objects.get(user=user, structure=structure)
    assert membership.role == Membership.Role.MANAGER
    assert all(access.has_right(user, structure, right) for right in (*access.RIGHTS, access.MANAGE))
    page = client.get(response["Location"]).content.decode()
    assert "Atelier de Test" in page and "732829320" in page


def test_an_existing_structure_cannot_be_created_twice(client):
    existing = StructureFactory(identifier="73282932000074")
    response = verified_client(client, UserFactory()).post(
        "/comptes/structures/nouvelle/",
        {"kind": "private", "id_type": "siret", "identifier": existing.identifier, "name": "Copie"},
    )
    assert "demandez-y un rattachement" in response.content.decode()
    assert Structure.objects.count() == 1


def test_a_public_structure_needs_a_french_public_identifier():
    with pytest.raises(services.StructureError) as raised:
        public_structures.create_public_structure(
            actor=support_user(), id_type="tva_ue", identifier="DE136695976", name="Stadt"
        )
    assert raised.value.field == "id_type"


def test_a_foreign_company_gets_its_country_from_its_vat_number():
    structure = services.create_structure(
        UserFactory(), kind="private", id_type="tva_ue", identifier="de 136 695 976", name="GmbH"
    )
    assert (structure.identifier, structure.country) == ("DE136695976", "DE")


def test_a_technical_account_cannot_create_a_structure():
    robot = UserFactory(kind="technical")
    with pytest.raises(services.NotAllowed):
        services.create_structure(
            robot, kind="private", id_type="siret", identifier="73282932000074", name="X"
        )


def test_a_service_is_deactivated_never_deleted(client, public_structure):
    manager = public_structure.principal_manager
    verified_client(client, manager)
    client.post(
        f"/comptes/structures/{public_structure.uuid}/services/nouveau/",
        {"code": "VOIRIE", "name": "Voirie", "engagement_obligatoire": "on"},
    )
    service = Service.objects.get(structure=public_structure)
    assert (service.code, service.engagement_obligatoire, service.is_active) == ("VOIRIE", True, True)

    response = client.post(
        f"/comptes/structures/{public_structure.uuid}/services/{service.uuid}/", {"name": "Voirie et réseaux"}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.is_active) == ("Voirie et réseaux", False)
    with pytest.raises(ProtectedError):
        service.delete()
    assert Service.objects.filter(pk=service.pk).exists()


def test_a_service_code_is_unique_within_the_structure(service):
    with pytest.raises(services.StructureError) as raised:
        services.create_service(
            service.structure,
            actor=service.structure.principal_manager,
            code=service.code.lower(),
            name="Bis",
        )
    assert raised.value.field == "code"


def test_the_last_active_service_stays_while_the_code_is_required(service):
    structure = service.structure
    manager = structure.principal_manager
    services.update_routing_parameters(structure, actor=manager, code_service_obligatoire=True)
    with pytest.raises(services.StructureError):
        services.update_service(
            service, actor=manager, name=service.name, is_active=False, engagement_obligatoire=False
        )


def test_routing_parameters_are_edited_by_an_administrator(client, public_structure):
    admin_user = member(public_structure, can_admin=True)
    verified_client(client, admin_user).post(
        f"/comptes/structures/{public_structure.uuid}/parametres/",
        {"requirement": "engagement", "gestion_mise_en_paiement": "on"},
    )
    public_structure.refresh_from_db()
    assert public_structure.engagement_obligatoire
    assert public_structure.gestion_mise_en_paiement
    assert not public_structure.code_service_obligatoire


def test_a_user_without_the_admin_right_cannot_edit_parameters(client, public_structure):
    plain = member(public_structure, can_admin=False)
    response = verified_client(client, plain).post(
        f"/comptes/structures/{public_structure.uuid}/parametres/", {"engagement_obligatoire": "on"}
    )
    assert response.status_code == 403
    public_structure.refresh_from_db()
    assert not public_structure.engagement_obligatoire


def test_pes_parameters_are_checked_loosely(client, public_structure):
    verified_client(client, public_structure.principal_manager)
    url = f"/comptes/structures/{public_structure.uuid}/pes/"
    response = client.post(url, {"id_post": "12A", "cod_col": "123", "cod_bud": "01"})
    assert "6 chiffres" in response.content.decode()
    client.post(
        url, {"id_post": "012345", "cod_col": "abc", "cod_bud": "01", "libelle_col_bud": "Budget principal"}
    )
    public_structure.refresh_from_db()
    assert (public_structure.pes_id_post, public_structure.pes_cod_col, public_structure.pes_cod_bud) == (
        "012345",
        "ABC",
        "01",
    )


def test_a_manager_limits_a_user_to_some_services(client, public_structure):
    voirie = ServiceFactory(structure=public_structure, code="VOIRIE")
    ecoles = ServiceFactory(structure=public_structure, code="ECOLES")
    user = member(public_structure)
    membership = Membership.objects.get(user=user, structure=public_structure)
    verified_client(client, public_structure.principal_manager).post(
        f"/comptes/structures/{public_structure.uuid}/membres/{membership.uuid}/",
        {"role": "utilisateur", "rights": ["triage"], "services": [str(voirie.pk)]},
    )
    membership.refresh_from_db()
    assert (membership.can_triage, membership.can_deposit) == (True, False)
    assert list(access.visible_services(membership)) == [voirie]
    assert access.can_see_service(membership, voirie)
    assert not access.can_see_service(membership, ecoles)
    assert not access.has_right(user, public_structure, access.DEPOSIT)


def test_an_empty_service_set_means_every_service(public_structure):
    ServiceFactory(structure=public_structure, code="A")
    ServiceFactory(structure=public_structure, code="B")
    membership = attach(UserFactory(), public_structure)
    assert access.visible_services(membership).count() == 2
    assert access.can_see_service(membership, None)


def test_managers_hold_every_right_whatever_their_flags(public_structure):
    secondary = member(
        public_structure,
        role=Membership.Role.MANAGER,
        can_deposit=False,
        can_triage=False,
        can_export_pes=False,
    )
    assert all(access.has_right(secondary, public_structure, right) for right in access.RIGHTS)
    assert secondary in [m.user for m in access.memberships_with_right(secondary, access.EXPORT_PES)]
    assert list(access.user_structures(secondary, right=access.EXPORT_PES)) == [public_structure]


def test_memberships_with_right_filters_by_the_right(public_structure, supplier_structure):
    user = member(public_structure, can_triage=True, can_deposit=False)
    attach(user, supplier_structure, can_deposit=True, can_triage=False)
    assert [m.structure for m in access.memberships_with_right(user, access.TRIAGE)] == [public_structure]
    assert [m.structure for m in access.memberships_with_right(user, access.DEPOSIT)] == [supplier_structure]


def test_a_deactivated_member_loses_access(client, supplier_structure):
    user = member(supplier_structure)
    membership = Membership.objects.get(user=user, structure=supplier_structure)
    verified_client(client, supplier_structure.principal_manager).post(
        f"/comptes/structures/{supplier_structure.uuid}/membres/{membership.uuid}/desactiver/"
    )
    membership.refresh_from_db()
    assert not membership.is_active
    assert not access.user_structures(user).exists()
    response = verified_client(client, user).get(f"/comptes/structures/{supplier_structure.uuid}/")
    assert response.status_code == 404


def test_a_plain_user_cannot_deactivate_anyone(client, supplier_structure):
    user = member(supplier_structure)
    other = Membership.objects.get(user=member(supplier_structure), structure=supplier_structure)
    response = verified_client(client, user).post(
        f"/comptes/structures/{supplier_structure.uuid}/membres/{other.uuid}/desactiver/"
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.is_active


def test_the_detail_page_lists_members_for_managers_only(client, supplier_structure):
    user = member(supplier_structure)
    manager_page = verified_client(client, supplier_structure.principal_manager).get(
        f"/comptes/structures/{supplier_structure.uuid}/"
    )
    assert user.email in manager_page.content.decode()
    user_page = verified_client(client, user).get(f"/comptes/structures/{supplier_structure.uuid}/")
    assert user_page.status_code == 200
    assert supplier_structure.principal_manager.email in user_page.content.decode()
    assert "membres/" not in user_page.content.decode()


def test_the_list_page_shows_my_structures_only(client, supplier_structure):
    other = PublicStructureFactory(name="Commune voisine")
    page = (
        verified_client(client, supplier_structure.principal_manager)
        .get("/comptes/structures/")
        .content.decode()
    )
    assert supplier_structure.name in page
    assert other.name not in page
