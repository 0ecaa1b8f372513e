"""The clock starts at delivery, or at the date the service was done when later; it is interrupted at most
once, before the mandat (R. 2192-27); on completion a new period opens: thirty days, or the balance left at
the interruption when longer (R. 2192-29); it stops at payment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.payment_terms import PaymentCategory
from invoices import lifecycle
from invoices.lifecycle import LifecycleError
from invoices.models import InvoiceStatus
from tests.factories_lifecycle import accountant_of, invoice_in, pdf_upload, public_structure, world

pytestmark = pytest.mark.django_db
S = InvoiceStatus


@pytest.fixture
def w(db):
    return world()


def _invoice(w, days, **fields):
    return invoice_in(supplier=w["supplier"], recipient=w["recipient"], days=days, **fields)


def test_the_clock_starts_at_the_service_date_when_the_service_was_done_after_delivery(w):
    invoice = _invoice(w, 20)
    done = timezone.localdate() - timedelta(days=5)

    lifecycle.set_status(invoice, S.SERVICE_FAIT, actor=w["accountant"], service_done_on=done)
    invoice.refresh_from_db()
    clock = lifecycle.payment_clock(invoice)

    assert invoice.service_done_on == done
    assert (clock.started_on, clock.days_elapsed, clock.days_remaining) == (done, 5, 25)


def test_a_service_done_before_delivery_leaves_the_start_at_delivery(w):
    invoice = _invoice(w, 20)
    lifecycle.set_status(
        invoice,
        S.SERVICE_FAIT,
        actor=w["accountant"],
        service_done_on=timezone.localdate() - timedelta(days=60),
    )
    invoice.refresh_from_db()
    assert lifecycle.payment_clock(invoice).days_elapsed == 20


def test_a_service_date_to_come_is_refused(w):
    invoice = _invoice(w, 3)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.set_status(
            invoice,
            S.SERVICE_FAIT,
            actor=w["accountant"],
            service_done_on=timezone.localdate() + timedelta(days=1),
        )
    assert refused.value.field == "service_done_on"
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_the_service_date_goes_only_with_service_fait(w):
    with pytest.raises(LifecycleError) as refused:
        lifecycle.set_status(
            _invoice(w, 3), S.PRISE_EN_COMPTE, actor=w["accountant"], service_done_on=timezone.localdate()
        )
    assert refused.value.field == "service_done_on"


def _suspend(invoice, actor):
    return lifecycle.set_status(
        invoice, S.SUSPENDUE, actor=actor, reason="JUSTIF_ABS", comment="Le PV de réception manque."
    )


def test_completion_reopens_thirty_days_when_the_balance_was_shorter(w):
    invoice = _suspend(_invoice(w, 12), w["accountant"])
    paused = lifecycle.payment_clock(invoice)
    assert (paused.state, paused.days_elapsed, paused.days_remaining) == ("paused", 12, 18)

    invoice = lifecycle.complete_invoice(invoice, actor=w["supplier_user"], attachments=[pdf_upload()])
    invoice.refresh_from_db()
    clock = lifecycle.payment_clock(invoice)

    assert (invoice.clock_balance_days, invoice.clock_period_days) == (18, 30)
    assert (clock.state, clock.period_days, clock.days_elapsed, clock.days_remaining) == (
        "running",
        30,
        0,
        30,
    )
    assert clock.reopened


def test_completion_reopens_the_balance_when_it_is_longer_than_thirty_days(w):
    w["recipient"].payment_category = PaymentCategory.PUBLIC_UNDERTAKING
    w["recipient"].save()
    invoice = _suspend(_invoice(w, 10), w["accountant"])
    invoice = lifecycle.complete_invoice(invoice, actor=w["supplier_user"], attachments=[pdf_upload()])
    invoice.refresh_from_db()

    clock = lifecycle.payment_clock(invoice)

    assert (clock.period_days, clock.days_remaining) == (50, 50)


def test_a_second_suspension_is_refused_citing_the_rule(w):
    invoice = _suspend(_invoice(w, 5), w["accountant"])
    invoice = lifecycle.complete_invoice(invoice, actor=w["supplier_user"], attachments=[pdf_upload()])
    lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=w["accountant"])
    invoice.refresh_from_db()

    assert S.SUSPENDUE not in [t.target for t in lifecycle.available_actions(invoice, w["accountant"])]
    with pytest.raises(LifecycleError) as refused:
        _suspend(invoice, w["accountant"])

    assert "R. 2192-27" in refused.value.message
    assert "une seule fois" in refused.value.message
    invoice.refresh_from_db()
    assert invoice.status == S.PRISE_EN_COMPTE


def test_a_completed_invoice_cannot_be_suspended_again(w):
    invoice = _suspend(_invoice(w, 5), w["accountant"])
    invoice = lifecycle.complete_invoice(invoice, actor=w["supplier_user"], attachments=[pdf_upload()])
    with pytest.raises(lifecycle.IllegalTransition) as refused:
        _suspend(invoice, w["accountant"])
    assert "R. 2192-27" in refused.value.message


def test_no_suspension_once_the_expense_was_ordered(w):
    invoice = _invoice(w, 5)
    mandat = {"exercice": 2026, "bordereau": "12", "numero": "345", "ligne": "1"}
    invoice = lifecycle.set_status(invoice, S.MANDATEE, actor=w["accountant"], mandat=mandat)
    invoice = lifecycle.reject_mandat(
        invoice, actor=w["accountant"], reason="MANDAT_PJ", comment="Pièce manquante."
    )
    assert invoice.status == S.SERVICE_FAIT
    with pytest.raises(LifecycleError) as refused:
        _suspend(invoice, w["accountant"])
    assert "R. 2192-27" in refused.value.message


def test_the_clock_stops_at_payment_and_keeps_what_it_counted(w):
    invoice = _invoice(w, 26, status=S.COMPTABILISEE)
    invoice = lifecycle.set_status(invoice, S.MISE_EN_PAIEMENT, actor=w["accountant"])
    clock = lifecycle.payment_clock(invoice, today=timezone.localdate() + timedelta(days=40))
    assert (clock.state, clock.days_elapsed, clock.days_remaining, clock.late) == ("stopped", 26, 4, False)


def test_a_health_establishment_invoice_paused_keeps_its_own_balance(db):
    recipient = public_structure(payment_category=PaymentCategory.HEALTH)
    invoice = invoice_in(recipient=recipient, days=12)
    invoice = lifecycle.set_status(
        invoice,
        S.SUSPENDUE,
        actor=accountant_of(recipient),
        reason="JUSTIF_ABS",
        comment="Le bon de livraison manque.",
    )
    assert invoice.clock_balance_days == 38
