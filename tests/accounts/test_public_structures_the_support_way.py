"""Demo data and test factories get their public structures the way production does: support creates them,
then hands them over to their principal manager (journaled)."""

import pytest

from accounts import demo, public_structures, services
from accounts.models import Membership, SecurityEvent, Structure
from tests.factories import PublicStructureFactory, UserFactory, support_user

pytestmark = pytest.mark.django_db


def test_the_factory_creates_through_support_then_hands_over():
    principal = UserFactory()

    structure = PublicStructureFactory(principal_manager=principal)

    assert structure.principal_manager == principal and structure.is_public
    support = support_user()
    assert not Membership.objects.get(structure=structure, user=support).is_active
    assert Membership.objects.get(structure=structure, user=principal).role == Membership.Role.MANAGER
    created = SecurityEvent.objects.get(user=support, kind=SecurityEvent.Kind.PUBLIC_STRUCTURES)
    assert structure.identifier in created.detail
    assert SecurityEvent.objects.filter(user=principal, kind="principal_transfer", actor=support).exists()


def test_the_factory_leaves_a_structure_with_support_when_asked():
    structure = PublicStructureFactory(principal_manager=support_user())

    assert public_structures.is_awaiting_claim(structure)


def test_a_structure_already_claimed_is_not_handed_over_again():
    structure = PublicStructureFactory()

    with pytest.raises(services.StructureError):
        public_structures.hand_over_public_structure(structure, UserFactory(), actor=support_user())


def test_the_demo_public_structures_were_created_by_support_and_handed_to_their_manager():
    demo.load_people_and_structures()
    demo.load_people_and_structures()  # idempotent

    support_email, _secret = demo.DEMO_USERS["support"]
    manager_email, _secret = demo.DEMO_USERS["manager"]
    for siret in (demo.VILLEBELLE_SIRET, demo.SYNDICAT_SIRET):
        structure = Structure.objects.get(identifier=siret)
        assert structure.is_public and structure.principal_manager.email == manager_email
        support_membership = Membership.objects.get(structure=structure, user__email=support_email)
        assert not support_membership.is_active
        assert (
            SecurityEvent.objects.filter(
                user__email=manager_email,
                kind="principal_transfer",
                actor__email=support_email,
                detail__contains=structure.name,
            ).count()
            == 1
        )
    villebelle = Structure.objects.get(identifier=demo.VILLEBELLE_SIRET)
    assert villebelle.code_service_obligatoire and villebelle.pes_id_post == "013000"
