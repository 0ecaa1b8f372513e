"""A public structure's managers record its Chorus Pro credentials (fresh second factor, kept encrypted) and
follow the connector on its page; everyone else gets 404 (403 for a member who is not a manager)."""

import pytest
from django.utils import timezone

from accounts.models import SecurityEvent, User
from invoices.cpro import connector
from invoices.cpro.models import Connection, PulledInvoice
from tests.conftest import verified_client
from tests.factories import PublicStructureFactory
from tests.factories_structures import member, with_fresh_otp

pytestmark = pytest.mark.django_db
SECRETS = {
    "client_id": "piste-client",
    "client_secret": "s3cr3t-client",
    "login": "tech@x.fr",
    "password": "p4ss",
}


def url(structure, rest: str = "") -> str:
    return f"/factures/chorus-pro/{structure.uuid}/{rest}"


@pytest.fixture
def connection(public_structure):
    return connector.record_connection(public_structure, actor=public_structure.principal_manager, **SECRETS)


def test_recording_credentials_asks_for_a_fresh_second_factor(client, public_structure):
    verified_client(client, public_structure.principal_manager)

    response = client.get(url(public_structure, "identifiants/"))

    assert response.status_code == 302 and response["Location"].startswith("/comptes/securite/verifier/")


def test_a_manager_records_them_encrypted_with_a_connector_account_of_no_rights(client, public_structure):
    manager = public_structure.principal_manager
    with_fresh_otp(client, manager)

    response = client.post(url(public_structure, "identifiants/"), SECRETS)

    assert response.status_code == 302
    connection = Connection.objects.get(structure=public_structure)
    raw = bytes(connection.client_secret_encrypted) + bytes(connection.password_encrypted)
    assert b"s3cr3t-client" not in raw and b"p4ss" not in raw
    assert connector.credentials(connection).client_secret == "s3cr3t-client"
    assert connector.credentials(connection).password == "p4ss"
    account = connection.account
    assert account.is_technical and not account.has_usable_password()
    membership = account.memberships.get()
    assert not (membership.can_deposit or membership.can_triage or membership.can_admin)
    assert SecurityEvent.objects.filter(user=manager, detail__contains="Chorus Pro").exists()
    page = client.get(url(public_structure)).content.decode()
    assert "tech@x.fr" in page and "s3cr3t" not in page and "p4ss" not in page


def test_recording_them_again_replaces_them_and_keeps_the_connector_account(
    client, public_structure, connection
):
    account = connection.account
    again = connector.record_connection(
        public_structure, actor=public_structure.principal_manager, **{**SECRETS, "password": "new"}
    )

    assert again.pk == connection.pk and again.account == account
    assert connector.credentials(again).password == "new"
    assert User.objects.filter(kind="technical").count() == 1


def test_an_outsider_gets_404_and_a_member_who_is_not_a_manager_403(
    client, public_structure, connection, outsider
):
    verified_client(client, outsider)
    for path in ("", "synchroniser/", "activation/"):
        assert client.post(url(public_structure, path)).status_code == 404
    with_fresh_otp(client, member(public_structure, can_triage=True))
    assert client.get(url(public_structure)).status_code == 403
    assert client.post(url(public_structure, "identifiants/"), SECRETS).status_code == 403


def test_a_private_structure_has_no_connector(client, supplier_structure):
    with_fresh_otp(client, supplier_structure.principal_manager)

    assert client.get(url(supplier_structure)).status_code == 404
    assert client.post(url(supplier_structure, "identifiants/"), SECRETS).status_code == 404


def test_synchronise_now_makes_the_connection_and_its_waiting_items_due(client, public_structure, connection):
    later = timezone.now() + timezone.timedelta(hours=1)
    Connection.objects.filter(pk=connection.pk).update(next_sync_at=later)
    item = PulledInvoice.objects.create(
        connection=connection, structure=public_structure, origin_id=7, next_attempt_at=later
    )
    verified_client(client, public_structure.principal_manager)

    client.post(url(public_structure, "synchroniser/"))

    connection.refresh_from_db()
    item.refresh_from_db()
    assert connection.next_sync_at <= timezone.now() and item.next_attempt_at <= timezone.now()


def test_a_refused_invoice_is_listed_with_its_error_and_retried_in_a_new_round(
    client, public_structure, connection
):
    item = PulledInvoice.objects.create(
        connection=connection,
        structure=public_structure,
        origin_id=8,
        number="CP-8",
        state=PulledInvoice.State.REFUSED,
        last_error="CHORALE-SERVICE-UNKNOWN : le code service « X » n'existe pas",
    )
    verified_client(client, public_structure.principal_manager)
    assert "CHORALE-SERVICE-UNKNOWN" in client.get(url(public_structure)).content.decode()

    client.post(url(public_structure, f"factures/{item.uuid}/relancer/"))

    item.refresh_from_db()
    assert (item.state, item.rounds) == (PulledInvoice.State.PENDING, 1)


def test_another_connections_item_is_404_from_here(client, public_structure, connection):
    other = PublicStructureFactory()
    foreign = connector.record_connection(other, actor=other.principal_manager, **SECRETS)
    item = PulledInvoice.objects.create(
        connection=foreign, structure=other, origin_id=9, state=PulledInvoice.State.REFUSED
    )
    verified_client(client, public_structure.principal_manager)

    assert client.post(url(public_structure, f"factures/{item.uuid}/relancer/")).status_code == 404
    item.refresh_from_db()
    assert item.state == PulledInvoice.State.REFUSED


def test_a_suspended_connection_is_not_synchronised(client, public_structure, connection):
    verified_client(client, public_structure.principal_manager)
    client.post(url(public_structure, "activation/"))
    connection.refresh_from_db()
    assert not connection.is_active

    assert connector.sync_due_connections() == 0


def test_the_structure_page_links_to_the_connector(client, public_structure):
    verified_client(client, public_structure.principal_manager)

    assert (
        url(public_structure) in client.get(f"/comptes/structures/{public_structure.uuid}/").content.decode()
    )
