"""Attachment requests: asked by a user, accepted or refused (with a reason) by a manager.

The requester is told by e-mail either way; the managers are told of a new request.
"""

import pytest

from accounts import access, services
from accounts.models import AttachmentRequest, Membership
from tests.conftest import verified_client
from tests.factories import UserFactory
from tests.factories_structures import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def requester(db):
    return UserFactory(email="demandeur@example.test")


def _ask(client, requester, structure, django_capture_on_commit_callbacks, message="Service financier"):
    verified_client(client, requester)
    found = client.get(
        "/comptes/structures/rattachement/", {"id_type": "siret", "identifier": structure.identifier}
    )
    assert structure.name in found.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comptes/structures/rattachement/",
            {"id_type": "siret", "identifier": structure.identifier, "message": message},
        )
    assert response.status_code == 302
    return AttachmentRequest.objects.get(user=requester, structure=structure)


def test_a_request_reaches_the_managers_by_email(
    client, requester, public_structure, mailoutbox, django_capture_on_commit_callbacks
):
    secondary = member(public_structure, role=Membership.Role.MANAGER)
    member(public_structure)  # a plain user is not asked
    pending = _ask(client, requester, public_structure, django_capture_on_commit_callbacks)
    assert pending.status == AttachmentRequest.Status.PENDING
    recipients = sorted(to for mail in mailoutbox for to in mail.to)
    assert recipients == sorted([public_structure.principal_manager.email, secondary.email])
    assert "demandeur@example.test" in mailoutbox[0].body
    assert "Service financier" in mailoutbox[0].body


def test_an_accepted_request_attaches_the_requester_and_tells_them(
    client, requester, public_structure, service, mailoutbox, django_capture_on_commit_callbacks
):
    pending = _ask(client, requester, public_structure, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    verified_client(client, public_structure.principal_manager)
    page = client.get(f"/comptes/structures/{public_structure.uuid}/")
    assert requester.email in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/comptes/structures/{public_structure.uuid}/demandes/{pending.uuid}/",
            {"role": "utilisateur", "rights": ["triage", "export_pes"], "services": [str(service.pk)]},
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == AttachmentRequest.Status.ACCEPTED
    assert pending.decided_by == public_structure.principal_manager
    membership = Membership.objects.get(user=requester, structure=public_structure)
    assert (
        membership.is_active,
        membership.can_triage,
        membership.can_export_pes,
        membership.can_deposit,
    ) == (
        True,
        True,
        True,
        False,
    )
    assert list(membership.services.all()) == [service]
    assert [mail.to for mail in mailoutbox] == [[requester.email]]
    assert "acceptée" in mailoutbox[0].body
    assert public_structure in access.user_structures(requester)


def test_a_refused_request_carries_its_reason_to_the_requester(
    client, requester, supplier_structure, mailoutbox, django_capture_on_commit_callbacks
):
    pending = _ask(client, requester, supplier_structure, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    secondary = member(supplier_structure, role=Membership.Role.MANAGER)
    verified_client(client, secondary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/comptes/structures/{supplier_structure.uuid}/demandes/{pending.uuid}/refuser/",
            {"reason": "Vous ne faites pas partie de l'entreprise."},
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (AttachmentRequest.Status.REFUSED, secondary)
    assert not Membership.objects.filter(user=requester, structure=supplier_structure).exists()
    assert [mail.to for mail in mailoutbox] == [[requester.email]]
    assert "refusée" in mailoutbox[0].subject
    assert "Vous ne faites pas partie de l'entreprise." in mailoutbox[0].body


def test_a_refusal_needs_a_reason(client, requester, supplier_structure, mailoutbox):
    pending = services.request_attachment(requester, supplier_structure)
    response = verified_client(client, supplier_structure.principal_manager).post(
        f"/comptes/structures/{supplier_structure.uuid}/demandes/{pending.uuid}/refuser/", {"reason": "  "}
    )
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == AttachmentRequest.Status.PENDING


def test_a_plain_user_of_the_structure_cannot_decide(client, requester, supplier_structure):
    pending = services.request_attachment(requester, supplier_structure)
    plain = member(supplier_structure)
    response = verified_client(client, plain).post(
        f"/comptes/structures/{supplier_structure.uuid}/demandes/{pending.uuid}/", {"role": "utilisateur"}
    )
    assert response.status_code == 403
    with pytest.raises(services.NotAllowed):
        services.accept_attachment(pending, actor=plain)
    pending.refresh_from_db()
    assert pending.status == AttachmentRequest.Status.PENDING


def test_an_outsider_gets_404_on_the_request(client, requester, supplier_structure, outsider):
    pending = services.request_attachment(requester, supplier_structure)
    response = verified_client(client, outsider).get(
        f"/comptes/structures/{supplier_structure.uuid}/demandes/{pending.uuid}/"
    )
    assert response.status_code == 404


def test_a_request_is_decided_once(requester, supplier_structure):
    pending = services.request_attachment(requester, supplier_structure)
    manager = supplier_structure.principal_manager
    services.refuse_attachment(pending, actor=manager, reason="Non")
    with pytest.raises(services.StructureError):
        services.accept_attachment(pending, actor=manager)
    assert not Membership.objects.filter(user=requester, structure=supplier_structure).exists()


def test_one_pending_request_per_structure_and_none_once_attached(requester, supplier_structure):
    services.request_attachment(requester, supplier_structure)
    with pytest.raises(services.StructureError):
        services.request_attachment(requester, supplier_structure)
    with pytest.raises(services.StructureError):
        services.request_attachment(supplier_structure.principal_manager, supplier_structure)


def test_a_deactivated_member_may_ask_again_and_is_reactivated(requester, supplier_structure):
    manager = supplier_structure.principal_manager
    services.accept_attachment(services.request_attachment(requester, supplier_structure), actor=manager)
    membership = Membership.objects.get(user=requester, structure=supplier_structure)
    services.deactivate_membership(membership, actor=manager)
    again = services.request_attachment(requester, supplier_structure)
    services.accept_attachment(again, actor=manager, rights=["deposit"])
    membership.refresh_from_db()
    assert membership.is_active and membership.can_deposit


def test_searching_an_unknown_identifier_offers_to_create_it(client, requester):
    response = verified_client(client, requester).get(
        "/comptes/structures/rattachement/", {"id_type": "siret", "identifier": "73282932000074"}
    )
    assert "Aucune structure active" in response.content.decode()
