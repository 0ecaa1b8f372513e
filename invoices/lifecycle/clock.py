"""The délai global de paiement: where an invoice stands against its payment deadline.

The délai is the recipient's (30, 50 or 60 days by its category: `accounts.payment_terms`). It starts when the
invoice is made available to the recipient, or on the day the service was done when that is later
(R. 2192-12 ff.); the recipient may interrupt it once, before the mandat, by suspending the invoice
(R. 2192-27); once the supplier completes it a new period opens: thirty days, or the balance left at the
interruption if that is longer (R. 2192-29). It stops when payment is made (*mise en paiement*) or, for a
recipient that does not report payments, when the public accountant has taken the mandat (*comptabilisée*).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from accounts import payment_terms
from invoices.lifecycle.interest import LatePenalty, RateTable, late_penalty
from invoices.models import Invoice
from invoices.models import InvoiceStatus as S

CLOCK_RUNNING = frozenset(
    {
        S.MISE_A_DISPOSITION,
        S.PRISE_EN_COMPTE,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.COMPLETEE,
    }
)
CLOCK_PAUSED = frozenset({S.A_RECYCLER, S.SUSPENDUE})
CLOCK_STOPPED = frozenset({S.MISE_EN_PAIEMENT})

# The common case (R. 2192-10), for pages that speak of no particular structure.
PAYMENT_DEADLINE_DAYS = payment_terms.deadline_days(payment_terms.PaymentCategory.STATE_LOCAL)
ORDONNATEUR_SHARE_DAYS = payment_terms.ordonnateur_share_days(payment_terms.PaymentCategory.STATE_LOCAL)
REOPENED_PERIOD_DAYS = 30  # R. 2192-29

# UNTDID 1001 credit notes: the supplier owes the buyer, so there is no payment to wait for.
CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)


def is_credit_note(invoice: Invoice) -> bool:
    return invoice.type_code in CREDIT_NOTE_TYPE_CODES


def reports_payment(invoice: Invoice) -> bool:
    """Whether *mise en paiement* is reported for this invoice (the recipient's parameter, not for avoirs)."""
    return invoice.recipient.gestion_mise_en_paiement and not is_credit_note(invoice)


def reopened_period(balance_days: int) -> int:
    """The period that opens on completion (R. 2192-29): thirty days, or the balance if longer."""
    return max(REOPENED_PERIOD_DAYS, balance_days)


@dataclass(frozen=True)
class PaymentClock:
    """Where an invoice stands against its payment deadline, in calendar days (local time).

    `state`: "running" from delivery (or completion) to payment, "paused" while the supplier answers,
    "stopped" once the payment is made (elapsed days then count to that day), "none" before delivery, after a
    rejection, and for credit notes.
    """

    state: str
    started_on: date | None = None
    days_elapsed: int | None = None
    period_days: int = PAYMENT_DEADLINE_DAYS
    ordonnateur_share_days: int | None = ORDONNATEUR_SHARE_DAYS
    reopened: bool = False
    """The period opened at completion after the one interruption (R. 2192-29)."""
    penalty: LatePenalty | None = None
    """Interest and indemnity owed, when late."""

    @property
    def days_remaining(self) -> int | None:
        return None if self.days_elapsed is None else self.period_days - self.days_elapsed

    @property
    def due_on(self) -> date | None:
        return None if self.started_on is None else self.started_on + timedelta(days=self.period_days)

    @property
    def late(self) -> bool:
        return self.days_elapsed is not None and self.days_elapsed > self.period_days

    @property
    def days_late(self) -> int:
        return max(self.days_elapsed - self.period_days, 0) if self.days_elapsed is not None else 0

    @property
    def past_ordonnateur_share(self) -> bool:
        share = self.ordonnateur_share_days
        return share is not None and self.days_elapsed is not None and self.days_elapsed > share


def _state(invoice: Invoice) -> str:
    if invoice.status in CLOCK_STOPPED or (
        invoice.status == S.COMPTABILISEE and not reports_payment(invoice)
    ):
        return "stopped"
    if invoice.status in CLOCK_RUNNING:
        return "running"
    if invoice.status in CLOCK_PAUSED:
        return "paused"
    return "none"


def payment_clock(
    invoice: Invoice, *, today: date | None = None, rates: RateTable | None = None
) -> PaymentClock:
    """The invoice's payment clock on `today` (default: today, local time).

    `rates`: the ECB rate table, loaded once by pages that show many invoices; read here when needed.
    """
    state = _state(invoice)
    if invoice.delivered_at is None or state == "none" or is_credit_note(invoice):
        return PaymentClock("none")
    category = invoice.recipient.payment_category
    started = timezone.localdate(invoice.delivered_at)
    if invoice.clock_period_days:
        period = invoice.clock_period_days
    else:
        period = payment_terms.deadline_days(category)
        if invoice.service_done_on and invoice.service_done_on > started:
            started = invoice.service_done_on
    until = today or timezone.localdate()
    if state != "running":
        until = timezone.localdate(invoice.status_changed_at)
    clock = PaymentClock(
        state,
        started_on=started,
        days_elapsed=max((until - started).days, 0),
        period_days=period,
        ordonnateur_share_days=payment_terms.ordonnateur_share_days(category),
        reopened=bool(invoice.clock_period_days),
    )
    if clock.late:
        principal = invoice.amount_due if invoice.amount_due is not None else invoice.total_with_vat
        penalty = late_penalty(principal, due_on=clock.due_on, until=until, rates=rates or RateTable.load())
        clock = PaymentClock(**{**clock.__dict__, "penalty": penalty})
    return clock


def payment_clocks(invoices, *, today: date | None = None) -> list[tuple[Invoice, PaymentClock]]:
    """Each invoice with its clock, the rate table read once."""
    rates = RateTable.load()
    return [(invoice, payment_clock(invoice, today=today, rates=rates)) for invoice in invoices]


def balance_at_interruption(invoice: Invoice) -> int:
    """The days left to run when the invoice is suspended now (negative when already late)."""
    clock = payment_clock(invoice, rates=RateTable({}))
    return clock.days_remaining if clock.days_remaining is not None else 0
