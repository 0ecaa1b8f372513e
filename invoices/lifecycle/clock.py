"""The délai global de paiement: where an invoice stands against its payment deadline."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from invoices.models import Invoice
from invoices.models import InvoiceStatus as S

# The payment clock runs from delivery to payment, waits while the supplier answers, and does not exist for
# an invoice not yet delivered or refused.
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


# Délai global de paiement (Code de la commande publique, R. 2192-10 ff.): 30 days for the State and local
# authorities, of which 20 are the ordonnateur's share and 10 the comptable's (décret 2013-269, art. 12).
PAYMENT_DEADLINE_DAYS = 30
ORDONNATEUR_SHARE_DAYS = 20

# --- The délai global de paiement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentClock:
    """Where an invoice stands against the 30-day payment deadline, in calendar days (local time).

    `state`: "running" from delivery (or completion) to payment, "paused" while the supplier answers,
    "stopped" once the payment is sent (elapsed days then count to that day), "none" before delivery and
    after a rejection.
    """

    state: str
    started_on: date | None = None
    days_elapsed: int | None = None

    @property
    def days_remaining(self) -> int | None:
        return None if self.days_elapsed is None else PAYMENT_DEADLINE_DAYS - self.days_elapsed

    @property
    def late(self) -> bool:
        return self.days_elapsed is not None and self.days_elapsed > PAYMENT_DEADLINE_DAYS

    @property
    def past_ordonnateur_share(self) -> bool:
        return self.days_elapsed is not None and self.days_elapsed > ORDONNATEUR_SHARE_DAYS


def payment_clock(invoice: Invoice, *, today: date | None = None) -> PaymentClock:
    """The invoice's payment clock on `today` (default: today, local time)."""
    if invoice.delivered_at is None:
        return PaymentClock("none")
    started = timezone.localdate(invoice.delivered_at)
    if invoice.status in CLOCK_RUNNING:
        state, until = "running", today or timezone.localdate()
    elif invoice.status in CLOCK_PAUSED:
        state, until = "paused", timezone.localdate(invoice.status_changed_at)
    elif invoice.status in CLOCK_STOPPED:
        state, until = "stopped", timezone.localdate(invoice.status_changed_at)
    else:
        return PaymentClock("none")
    return PaymentClock(state, started_on=started, days_elapsed=max((until - started).days, 0))
