"""What the connector deposits goes through Chorale's deposit on the supplier's behalf, to the connection's
structure only; a supplier Chorale does not know is registered, held by support."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Structure, User
from invoices.cpro import connector, tasks
from invoices.cpro.flux import deposit_pulled
from invoices.cpro.models import Connection, PulledInvoice
from invoices.cpro.pulling import deposit_one, retry_delay
from tests.builders import plain_pdf
from tests.cpro.helpers import make_cpro_world
from tests.factories import support_user
from tests.factories_deposit import invoice_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    support_user()
    return make_cpro_world()


@pytest.fixture
def connection(w):
    return connector.record_connection(
        w.recipient,
        actor=w.recipient.principal_manager,
        client_id="c",
        client_secret="s",
        login="l",
        password="p",
    )


def test_an_invoice_naming_another_structure_of_chorale_is_refused_not_delivered_there(w, connection):
    data = invoice_bytes(w.world, buyer_siret=w.other_recipient.identifier, service_code="")

    deposit = deposit_pulled(
        connection.account,
        data=data,
        name="x.pdf",
        supplier=w.supplier_structure,
        recipient=w.recipient,
        form=None,
        key="k",
    )

    assert deposit.status == "rejete"
    assert "CHORALE-BUYER-UNKNOWN" in str(deposit.report)
    assert not w.other_recipient.invoices_received.exists()


def test_a_pdf_without_structured_data_is_deposited_with_chorus_pros_record_as_its_form(w, connection):
    item = PulledInvoice.objects.create(
        connection=connection,
        structure=w.recipient,
        origin_id=42,
        number="SCAN-1",
        supplier_code="73282932000074",
        supplier_name="Scierie Numérisée",
        record={
            "numeroFacture": "SCAN-1",
            "codeDestinataire": w.recipient.identifier,
            "codeServiceExecutant": "VOIRIE",
            "numeroBonCommande": "EJ-1",
            "dateFacture": "2026-11-30",
            "devise": "EUR",
            "montantHT": 100.0,
            "montantTTC": 120.0,
            "typeFacture": "FACTURE",
        },
    )

    deposit_one(connection, item, plain_pdf())

    item.refresh_from_db()
    assert item.state == PulledInvoice.State.DONE, item.last_error
    invoice = item.invoice
    assert (invoice.number, invoice.format, str(invoice.total_with_vat)) == ("SCAN-1", "pdf", "120.00")
    supplier = Structure.objects.get(identifier="73282932000074")
    assert supplier.name == "Scierie Numérisée" and supplier.principal_manager.is_staff
    assert invoice.supplier == supplier and invoice.deposited_by == connection.account


def test_without_a_support_account_to_hold_a_new_supplier_the_invoice_is_refused_with_the_reason(
    w, connection
):
    User.objects.filter(is_staff=True).update(is_staff=False)
    item = PulledInvoice.objects.create(
        connection=connection, structure=w.recipient, origin_id=43, supplier_code="73282932000074"
    )

    deposit_one(connection, item, plain_pdf())

    item.refresh_from_db()
    assert item.state == PulledInvoice.State.REFUSED and "support" in item.last_error


def test_the_wait_doubles_with_each_failure_up_to_its_cap(settings):
    settings.CHORALE_CPRO_RETRY_SECONDS = 60
    settings.CHORALE_CPRO_RETRY_MAX_SECONDS = 600

    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 9)] == [60, 120, 240, 480, 600, 600]


def test_the_task_runs_without_a_broker_and_leaves_connections_that_are_not_due(connection):
    Connection.objects.update(next_sync_at=timezone.now() + timedelta(minutes=5))

    assert tasks.sync_connections.name == "invoices.cpro.tasks.sync_connections"
    assert tasks.sync_connections.apply().get() == 0
