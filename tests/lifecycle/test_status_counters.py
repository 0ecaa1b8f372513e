"""The counts per status are kept in counters, changed in the same transaction as the invoices they count.

Every way an invoice is created or moves (deposit, delivery, status change, recycling to another structure,
completion, bulk change) leaves the counters equal to a real count, which `recount_statuses --check` proves;
a change rolled back leaves them untouched; `recount_statuses` rebuilds them when they drift.
"""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from invoices import lifecycle
from invoices.deposit.operations import deposit_files
from invoices.lifecycle import counters
from invoices.lifecycle.bulk import StatusChange, change_statuses
from invoices.models import Invoice, InvoiceCount, InvoiceStatus
from tests.factories import ServiceFactory
from tests.factories_deposit import invoice_upload, make_world
from tests.factories_lifecycle import accountant_of, invoice_in, pdf_upload, public_structure, world

S = InvoiceStatus


def check():
    call_command("recount_statuses", "--check", stdout=_Sink())


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


@pytest.fixture
def w(db):
    data = world()
    data["elsewhere"] = public_structure(name="Syndicat d'Essai")
    data["exploitation"] = ServiceFactory(structure=data["elsewhere"], code="EXPLOITATION")
    return data


def _received(structure, service=None):
    rows = InvoiceCount.objects.filter(side=InvoiceCount.Side.RECEIVED, structure=structure)
    if service is not None:
        rows = rows.filter(service_key=service.pk)
    return {row.status: row.n for row in rows if row.n}


def test_a_deposit_counts_its_invoice_delivered(db):
    world = make_world()
    deposit_files(world.supplier, [invoice_upload(world, number="C-1")])
    assert _received(world.recipient, world.service) == {S.MISE_A_DISPOSITION: 1}
    check()


def test_status_changes_move_one_invoice_between_two_counts(w):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], service=w["voirie"])
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], service=w["voirie"])
    lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=w["accountant"])
    assert _received(w["recipient"], w["voirie"]) == {S.MISE_A_DISPOSITION: 1, S.PRISE_EN_COMPTE: 1}
    sent = InvoiceCount.objects.get(
        side=InvoiceCount.Side.SENT, structure=w["supplier"], status=S.PRISE_EN_COMPTE
    )
    assert sent.n == 1
    check()


def test_a_recycled_invoice_leaves_one_structure_s_counts_for_another_s(w):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], service=w["voirie"])
    lifecycle.set_status(invoice, S.A_RECYCLER, actor=w["accountant"], reason="SIRET_ERR")
    lifecycle.recycle_invoice(
        invoice,
        actor=w["supplier_user"],
        buyer_siret=w["elsewhere"].identifier,
        code_service="EXPLOITATION",
    )
    assert _received(w["recipient"]) == {}
    assert _received(w["elsewhere"], w["exploitation"]) == {S.MISE_A_DISPOSITION: 1}
    check()


def test_a_completed_invoice_counts_again_from_the_day_it_is_completed(w):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], days=40)
    lifecycle.set_status(invoice, S.SUSPENDUE, actor=w["accountant"], reason="JUSTIF_ABS", comment="Le PV")
    check()
    lifecycle.complete_invoice(invoice, actor=w["supplier_user"], attachments=[pdf_upload()])
    assert _received(w["recipient"]) == {S.COMPLETEE: 1}
    check()


def test_a_bulk_change_counts_every_invoice_it_moved_and_none_it_refused(w):
    fresh = [invoice_in(supplier=w["supplier"], recipient=w["recipient"]) for _ in range(4)]
    done = invoice_in(S.MANDATEE, supplier=w["supplier"], recipient=w["recipient"])
    report = change_statuses(
        [StatusChange(i.uuid, S.SERVICE_FAIT) for i in [*fresh, done]], actor=w["accountant"]
    )
    assert [r.ok for r in report] == [True] * 4 + [False]
    assert _received(w["recipient"]) == {S.SERVICE_FAIT: 4, S.MANDATEE: 1}
    check()


def test_a_rolled_back_change_leaves_the_counters_as_they_were(w):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    with pytest.raises(RuntimeError), transaction.atomic():
        lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=w["accountant"])
        raise RuntimeError
    assert _received(w["recipient"]) == {S.MISE_A_DISPOSITION: 1}
    check()


def test_the_check_fails_on_a_drift_and_the_recount_repairs_it(w):
    invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    Invoice.objects.update(status=S.SERVICE_FAIT)  # behind the operations' back
    with pytest.raises(CommandError) as failure:
        check()
    assert "service_fait" in str(failure.value) or failure.value.returncode == 1
    call_command("recount_statuses", stdout=_Sink())
    check()
    assert _received(w["recipient"]) == {S.SERVICE_FAIT: 1}


def test_the_check_also_covers_the_ageing_of_running_invoices(w):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], days=3)
    Invoice.objects.filter(pk=invoice.pk).update(delivered_at=timezone.now() - timedelta(days=35))
    with pytest.raises(CommandError):
        check()
    call_command("recount_statuses", stdout=_Sink())
    check()


def test_the_dashboard_and_lists_read_the_counters(w, client):
    from tests.conftest import verified_client

    invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    # Counters say what the pages show, even when they disagree with the table (which the check catches).
    InvoiceCount.objects.filter(structure=w["recipient"], status=S.MISE_A_DISPOSITION).update(n=7)
    verified_client(client, w["accountant"])
    body = client.get("/factures/recues/").content.decode()
    assert 'data-status="mise_a_disposition">Mise à disposition du destinataire <strong>7</strong>' in body
    board = client.get(f"/factures/tableau-de-bord/{w['recipient'].uuid}/").content.decode()
    assert 'data-status="mise_a_disposition" data-count="7"' in board


def test_an_accountant_limited_to_a_service_reads_only_its_counters(w):
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], service=w["voirie"])
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], service=w["ecoles"])
    invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    limited = accountant_of(w["recipient"], services=[w["voirie"]])
    from accounts.access import access_of

    assert counters.received_counts(access_of(limited).received_scopes()) == {S.MISE_A_DISPOSITION: 1}
    assert counters.received_counts(access_of(w["accountant"]).received_scopes()) == {S.MISE_A_DISPOSITION: 3}
