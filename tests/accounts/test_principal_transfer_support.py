"""Platform support reassigns the principal manager from the admin when the principal left."""

import pytest

from accounts import services
from accounts.models import Membership, SecurityEvent
from tests.conftest import verified_client
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_support_reassigns_from_the_admin_action(
    client, support, mailoutbox, django_capture_on_commit_callbacks
):
    structure = StructureFactory(name="Partie sans transférer")
    former = structure.principal_manager
    successor = UserFactory(email="successeur@example.test")
    verified_client(client, support)
    url = "/admin/accounts/structure/"
    form_page = client.post(url, {"action": "reassign_principal", "_selected_action": [structure.pk]})
    assert form_page.status_code == 200
    assert "successeur" not in form_page.content.decode()
    assert f'name="_selected_action" value="{structure.pk}"' in form_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "action": "reassign_principal",
                "_selected_action": [structure.pk],
                "apply": "1",
                "email": "successeur@example.test",
                "deactivate_former": "on",
            },
        )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.principal_manager == successor
    assert Membership.objects.get(structure=structure, user=successor).role == Membership.Role.MANAGER
    assert not Membership.objects.get(structure=structure, user=former).is_active
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PRINCIPAL_TRANSFER, actor=support)
    assert {event.user for event in events} == {former, successor}
    assert {mail.to[0] for mail in mailoutbox} == {former.email, successor.email}


def test_the_admin_change_form_does_not_edit_the_principal_directly(client, support):
    structure = StructureFactory()
    page = verified_client(client, support).get(f"/admin/accounts/structure/{structure.pk}/change/")
    assert page.status_code == 200
    assert 'name="principal_manager"' not in page.content.decode()


def test_only_support_reassigns(db):
    structure = StructureFactory()
    with pytest.raises(services.NotAllowed):
        services.reassign_principal_manager(structure, UserFactory(), actor=structure.principal_manager)


def test_a_technical_account_cannot_become_principal(support):
    structure = StructureFactory()
    robot = UserFactory(kind="technical")
    with pytest.raises(services.StructureError):
        services.reassign_principal_manager(structure, robot, actor=support)
