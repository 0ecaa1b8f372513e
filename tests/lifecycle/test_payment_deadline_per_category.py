"""The délai global de paiement depends on the recipient's category (Code de la commande publique, R. 2192-10
and R. 2192-11): 30 days for the State and local authorities, 50 for public health establishments, 60 for some
public undertakings."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Structure
from accounts.payment_terms import PaymentCategory, deadline_days
from invoices import lifecycle
from invoices.models import InvoiceStatus
from tests.factories_lifecycle import invoice_in, public_structure

pytestmark = pytest.mark.django_db
S = InvoiceStatus


@pytest.mark.parametrize(
    ("category", "days"),
    [
        (PaymentCategory.STATE_LOCAL, 30),
        (PaymentCategory.HEALTH, 50),
        (PaymentCategory.PUBLIC_UNDERTAKING, 60),
    ],
)
def test_each_category_sets_the_deadline_of_its_invoices(category, days):
    recipient = public_structure(payment_category=category)
    invoice = invoice_in(recipient=recipient, days=40)

    clock = lifecycle.payment_clock(invoice)

    assert deadline_days(category) == recipient.payment_deadline_days == days
    assert (clock.state, clock.period_days, clock.days_elapsed) == ("running", days, 40)
    assert clock.days_remaining == days - 40
    assert clock.late == (days < 40)
    assert clock.due_on == timezone.localdate() + timedelta(days=days - 40)


def test_a_new_structure_is_a_thirty_day_body_unless_support_says_otherwise():
    assert public_structure().payment_category == PaymentCategory.STATE_LOCAL
    assert Structure._meta.get_field("payment_category").default == PaymentCategory.STATE_LOCAL


def test_the_ordonnateur_share_follows_the_category():
    health = invoice_in(recipient=public_structure(payment_category=PaymentCategory.HEALTH), days=36)
    local = invoice_in(recipient=public_structure(), days=21)
    undertaking = invoice_in(
        recipient=public_structure(payment_category=PaymentCategory.PUBLIC_UNDERTAKING), days=59
    )

    assert lifecycle.payment_clock(health).past_ordonnateur_share
    assert lifecycle.payment_clock(local).past_ordonnateur_share
    assert not lifecycle.payment_clock(undertaking).past_ordonnateur_share


def test_the_deadline_is_counted_in_calendar_days_to_the_due_date():
    recipient = public_structure(payment_category=PaymentCategory.HEALTH)
    invoice = invoice_in(recipient=recipient)
    invoice.delivered_at = timezone.make_aware(timezone.datetime(2026, 3, 1, 9, 0))

    clock = lifecycle.payment_clock(invoice, today=date(2026, 4, 20))

    assert (clock.started_on, clock.due_on) == (date(2026, 3, 1), date(2026, 4, 20))
    assert (clock.days_elapsed, clock.days_remaining, clock.late) == (50, 0, False)
    assert lifecycle.payment_clock(invoice, today=date(2026, 4, 21)).days_late == 1


def test_a_credit_note_has_no_payment_deadline():
    credit_note = invoice_in(type_code="381", days=45)
    assert lifecycle.payment_clock(credit_note).state == "none"
