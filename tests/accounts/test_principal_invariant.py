"""Exactly one principal manager per structure, guaranteed by the database and kept by every operation.

Zero is impossible because `Structure.principal_manager` is a NOT NULL foreign key: the database refuses
any row without one, whatever writes it (form, service, raw `update()`). Two is impossible by construction:
the role is that single column, not a flag on memberships, so a structure row can name only one user.
"""

import pytest
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from accounts import services
from accounts.models import Membership, Structure
from tests.factories import StructureFactory, UserFactory
from tests.factories_structures import attach

pytestmark = pytest.mark.django_db


def test_a_direct_orm_update_cannot_remove_the_principal_manager():
    structure = StructureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Structure.objects.filter(pk=structure.pk).update(principal_manager=None)
    structure.refresh_from_db()
    assert structure.principal_manager_id is not None


def test_a_structure_cannot_be_saved_without_a_principal_manager():
    with pytest.raises(IntegrityError), transaction.atomic():
        Structure.objects.create(kind="private", id_type="siret", identifier="73282932000074", name="Sans")
    assert not Structure.objects.exists()


def test_the_principal_manager_account_cannot_be_deleted_from_under_the_structure():
    structure = StructureFactory()
    with pytest.raises(ProtectedError), transaction.atomic():
        structure.principal_manager.delete()
    assert Structure.objects.filter(pk=structure.pk, principal_manager__isnull=False).exists()


def test_two_principal_managers_cannot_be_expressed():
    field = Structure._meta.get_field("principal_manager")
    assert field.many_to_one and not field.null
    assert not any(f.name.startswith("is_principal") for f in Membership._meta.get_fields())


def test_the_principal_managers_attachment_cannot_be_deactivated():
    structure = StructureFactory()
    principal = structure.principal_manager
    secondary = UserFactory()
    attach(secondary, structure, role=Membership.Role.MANAGER)
    membership = Membership.objects.get(structure=structure, user=principal)
    with pytest.raises(services.StructureError):
        services.deactivate_membership(membership, actor=secondary)
    membership.refresh_from_db()
    assert membership.is_active


def test_the_principal_manager_cannot_be_demoted_to_plain_user():
    structure = StructureFactory()
    principal = structure.principal_manager
    membership = Membership.objects.get(structure=structure, user=principal)
    with pytest.raises(services.StructureError):
        services.update_membership(membership, actor=principal, role=Membership.Role.USER, rights=["deposit"])
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MANAGER


def test_a_transfer_to_a_user_not_attached_is_refused_and_changes_nothing():
    structure = StructureFactory()
    principal = structure.principal_manager
    stranger = UserFactory()
    with pytest.raises(services.StructureError) as raised:
        services.transfer_principal_manager(principal, {structure: stranger})
    assert structure.name in raised.value.message and stranger.email in raised.value.message
    structure.refresh_from_db()
    assert structure.principal_manager == principal
    assert not Membership.objects.filter(user=stranger).exists()


def test_a_transfer_leaves_exactly_one_principal():
    structure = StructureFactory()
    principal = structure.principal_manager
    target = UserFactory()
    attach(target, structure)
    services.transfer_principal_manager(principal, {structure: target})
    assert Structure.objects.filter(pk=structure.pk, principal_manager=target).count() == 1
    assert list(Structure.objects.filter(principal_manager=principal)) == []
