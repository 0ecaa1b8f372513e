"""A late invoice owes interest at the ECB main refinancing rate in force on the first day of the semester
in which interest started, plus eight points (R. 2192-31), and a €40 recovery indemnity (D. 2192-35)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from invoices import lifecycle
from invoices.models import EcbRate, InvoiceStatus
from tests.factories_lifecycle import invoice_in

pytestmark = pytest.mark.django_db
S = InvoiceStatus


def _delivered(invoice, day: date):
    invoice.delivered_at = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10, 0))
    return invoice


def test_the_published_rates_are_in_the_table():
    rates = dict(EcbRate.objects.values_list("semester_start", "rate"))
    assert rates[date(2023, 7, 1)] == Decimal("4.000")
    assert rates[date(2024, 1, 1)] == Decimal("4.500")
    assert rates[date(2025, 1, 1)] == Decimal("3.150")
    assert rates[date(2025, 7, 1)] == Decimal("2.150")
    assert all(EcbRate.objects.values_list("source", flat=True))


def test_a_late_running_invoice_owes_interest_and_the_indemnity():
    invoice = _delivered(invoice_in(amount_due=Decimal("10000.00")), date(2025, 1, 2))

    clock = lifecycle.payment_clock(invoice, today=date(2025, 3, 3))

    assert (clock.due_on, clock.days_late) == (date(2025, 2, 1), 30)
    penalty = clock.penalty
    assert penalty.interest_from == date(2025, 2, 2)
    assert (penalty.ecb_rate, penalty.rate) == (Decimal("3.150"), Decimal("11.150"))
    # 10,000.00 × 11.15 % × 30 / 365
    assert penalty.interest == Decimal("91.64")
    assert penalty.indemnity == Decimal("40.00")
    assert penalty.total == Decimal("131.64")


def test_the_rate_is_the_one_of_the_semester_in_which_interest_started():
    invoice = _delivered(invoice_in(amount_due=Decimal("1000.00")), date(2025, 6, 10))

    penalty = lifecycle.payment_clock(invoice, today=date(2025, 7, 20)).penalty

    assert penalty.interest_from == date(2025, 7, 11)
    assert penalty.rate == Decimal("10.150")
    assert penalty.interest == Decimal("2.78")  # 1,000.00 × 10.15 % × 10 / 365


def test_an_invoice_paid_late_keeps_what_it_owes_at_payment():
    invoice = _delivered(invoice_in(S.MISE_EN_PAIEMENT, amount_due=Decimal("3650.00")), date(2024, 1, 2))
    invoice.status_changed_at = timezone.make_aware(timezone.datetime(2024, 2, 11, 15, 0))

    clock = lifecycle.payment_clock(invoice, today=date(2026, 1, 1))

    assert (clock.state, clock.due_on, clock.days_late) == ("stopped", date(2024, 2, 1), 10)
    assert clock.penalty.rate == Decimal("12.500")
    assert clock.penalty.interest == Decimal("12.50")  # 3,650.00 × 12.5 % × 10 / 365


def test_no_penalty_on_time():
    invoice = _delivered(invoice_in(amount_due=Decimal("500.00")), date(2025, 1, 2))
    assert lifecycle.payment_clock(invoice, today=date(2025, 2, 1)).penalty is None


def test_a_semester_without_a_recorded_rate_says_so_and_still_owes_the_indemnity():
    EcbRate.objects.filter(semester_start=date(2025, 7, 1)).delete()
    invoice = _delivered(invoice_in(amount_due=Decimal("500.00")), date(2025, 6, 10))

    penalty = lifecycle.payment_clock(invoice, today=date(2025, 8, 1)).penalty

    assert penalty.interest is None and penalty.rate is None
    assert penalty.missing_semester == date(2025, 7, 1)
    assert penalty.indemnity == Decimal("40.00")


def test_a_rate_row_must_open_a_semester():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        EcbRate(semester_start=date(2026, 3, 1), rate=Decimal("2"), source="x").full_clean()
