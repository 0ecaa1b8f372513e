"""The délai global de paiement: 30 days from delivery, paused while the supplier answers, restarted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from invoices import lifecycle
from invoices.models import InvoiceStatus
from tests.factories_lifecycle import invoice_in

S = InvoiceStatus


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "remaining", "warn", "late"),
    [
        (0, 30, False, False),
        (20, 10, False, False),
        (21, 9, True, False),
        (30, 0, True, False),
        (31, -1, True, True),
    ],
)
def test_days_elapsed_and_remaining(days, remaining, warn, late):
    invoice = invoice_in(days=days)
    clock = lifecycle.payment_clock(invoice)
    assert (clock.state, clock.days_elapsed, clock.days_remaining) == ("running", days, remaining)
    assert (clock.past_ordonnateur_share, clock.late) == (warn, late)


@pytest.mark.django_db
def test_the_clock_counts_calendar_days_in_local_time():
    invoice = invoice_in()
    invoice.delivered_at = timezone.make_aware(timezone.datetime(2026, 3, 1, 23, 30))
    clock = lifecycle.payment_clock(invoice, today=timezone.datetime(2026, 3, 31).date())
    assert (clock.started_on.isoformat(), clock.days_elapsed) == ("2026-03-01", 30)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.A_RECYCLER, S.SUSPENDUE])
def test_the_clock_waits_while_the_supplier_answers(status):
    assert lifecycle.payment_clock(invoice_in(status, days=12)).state == "paused"


@pytest.mark.django_db
def test_the_clock_stops_when_the_payment_is_sent():
    invoice = invoice_in(S.MISE_EN_PAIEMENT, days=40)
    invoice.status_changed_at = invoice.delivered_at + timedelta(days=26)
    clock = lifecycle.payment_clock(invoice)
    assert (clock.state, clock.days_elapsed, clock.late) == ("stopped", 26, False)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.DEPOSEE, S.REJETEE])
def test_no_clock_before_delivery_or_after_rejection(status):
    assert lifecycle.payment_clock(invoice_in(status)).state == "none"
