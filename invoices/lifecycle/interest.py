"""What a late payment owes the supplier: interest and the recovery indemnity.

From the day after the deadline, a late payment owes, by right and with no formality, interest and a flat
indemnity for recovery costs (Code de la commande publique, L. 2192-13). The interest rate is the ECB's
main refinancing rate in force on the first day of the semester in which interest started, plus eight
points (R. 2192-31); the indemnity is €40 (D. 2192-35). Interest is counted in calendar days on a 365-day
year, on the amount due including VAT, up to the day payment is made (or today while it is not).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from invoices.models import EcbRate

POINTS_ABOVE_ECB = Decimal("8")
RECOVERY_INDEMNITY = Decimal("40.00")
_CENT = Decimal("0.01")


def semester_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


class RateTable:
    """The ECB rates support keeps in the database, read once for a page or a report, and only when a late
    invoice needs them: a list page of invoices on time makes no query for them."""

    def __init__(self, rates: dict[date, Decimal] | None = None):
        self._rates = rates

    @classmethod
    def load(cls) -> "RateTable":
        return cls()

    @property
    def rates(self) -> dict[date, Decimal]:
        if self._rates is None:
            self._rates = dict(EcbRate.objects.values_list("semester_start", "rate"))
        return self._rates

    def ecb_rate(self, day: date) -> Decimal | None:
        """The ECB rate that applies to interest starting on `day`; None when support has not recorded it."""
        return self.rates.get(semester_start(day))


@dataclass(frozen=True)
class LatePenalty:
    days_late: int
    interest_from: date
    principal: Decimal | None
    ecb_rate: Decimal | None
    """None: the semester's rate is missing from the table (see `missing_semester`)."""
    rate: Decimal | None
    interest: Decimal | None
    indemnity: Decimal = RECOVERY_INDEMNITY
    missing_semester: date | None = None

    @property
    def total(self) -> Decimal | None:
        return None if self.interest is None else self.interest + self.indemnity


def late_penalty(
    principal: Decimal | None, *, due_on: date, until: date, rates: RateTable
) -> LatePenalty | None:
    """What is owed for paying on `until` an amount due on `due_on`; None when not late."""
    days_late = (until - due_on).days
    if days_late <= 0:
        return None
    interest_from = due_on + timedelta(days=1)
    ecb = rates.ecb_rate(interest_from)
    if ecb is None:
        return LatePenalty(
            days_late,
            interest_from,
            principal,
            None,
            None,
            None,
            missing_semester=semester_start(interest_from),
        )
    rate = ecb + POINTS_ABOVE_ECB
    interest = None
    if principal is not None:
        interest = (Decimal(principal) * rate / 100 * days_late / 365).quantize(_CENT, ROUND_HALF_UP)
    return LatePenalty(days_late, interest_from, principal, ecb, rate, interest)
