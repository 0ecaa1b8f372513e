"""The daily byte quota of deposits (`CHORALE_DEPOSIT_DAILY_BYTES`, 0 for none), per supplier structure.

Every byte a deposit would keep counts, refused files included (they are kept too, and fill the same disk).
The deposit is charged after validation, before any file is written, as the first statement of the
transaction that records it (`operations._record`, `flows.deposit_flow`); past the quota, nothing is kept or
recorded and `QuotaExceeded` says when the next day starts. The counter is one row per structure and day,
raised by a conditional UPDATE, so concurrent deposits cannot together go past the quota: the row stays
locked until the deposit commits, and one that fails to record rolls its charge back with everything else.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts import access
from invoices.deposit.validation import Size
from invoices.formats.findings import ERROR, Finding
from invoices.models import DepositDailyUsage

RULE = "CHORALE-DEPOSIT-QUOTA"


class QuotaExceeded(Exception):
    def __init__(self, finding: Finding, retry_after: int):
        super().__init__(finding.message_en)
        self.finding = finding
        self.retry_after = retry_after  # seconds until the next day, for Retry-After

    def message(self, english: bool) -> str:
        return self.finding.message_en if english else self.finding.message


def daily_limit() -> int:
    return max(0, int(getattr(settings, "CHORALE_DEPOSIT_DAILY_BYTES", 0) or 0))


def _charged(user, supplier, documents):
    """Who pays: the supplier chosen, else the one routing found, else the user's first depositable structure
    (its files are kept even when refused); a user who deposits for none pays on their own account."""
    routed = next(
        (d.routing.supplier for d in documents if getattr(d, "routing", None) and d.routing.supplier), None
    )
    structure = supplier or routed
    if structure is None:
        structure = access.structures_with_right(user, access.DEPOSIT).order_by("pk").first()
    if structure is not None:
        return f"structure:{structure.pk}", structure.name
    return f"user:{user.pk}", user.email


def used_today(structure) -> int:
    usage = DepositDailyUsage.objects.filter(scope=f"structure:{structure.pk}", day=timezone.localdate())
    return usage.values_list("bytes", flat=True).first() or 0


def seconds_until_tomorrow(now: datetime | None = None) -> int:
    now = timezone.localtime(now)
    tomorrow = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), datetime.min.time()))
    return max(1, int((tomorrow - now).total_seconds()) + 1)


def charge(scope: str, size: int, *, label: str = "") -> None:
    """Add `size` bytes to today's count of `scope`, or raise QuotaExceeded (and add nothing)."""
    limit = daily_limit()
    if not limit or size <= 0:
        return
    day = timezone.localdate()
    today = DepositDailyUsage.objects.filter(scope=scope, day=day, bytes__lte=limit - size)
    if today.update(bytes=F("bytes") + size):
        return
    # No row yet (the day's first deposit, or one created concurrently since), or over the quota: the row is
    # made sure of and the conditional update decides again. The common path costs one statement.
    DepositDailyUsage.objects.get_or_create(scope=scope, day=day)
    if today.update(bytes=F("bytes") + size):
        return
    used = DepositDailyUsage.objects.filter(scope=scope, day=day).values_list("bytes", flat=True).first() or 0
    params = {"who": label, "size": Size(size), "used": Size(used), "limit": Size(limit)}
    finding = Finding(
        ERROR,
        RULE,
        "Quota journalier de dépôt atteint pour « {who} » : {used} déjà déposés aujourd'hui sur {limit}. "
        "Ce dépôt ({size}) n'a pas été conservé : réessayez demain.".format(
            **{k: v.fr if isinstance(v, Size) else v for k, v in params.items()}
        ),
        "Daily deposit quota reached for “{who}”: {used} already deposited today out of {limit}. "
        "This deposit ({size}) was not kept: try again tomorrow.".format(
            **{k: v.en if isinstance(v, Size) else v for k, v in params.items()}
        ),
        "files",
    )
    raise QuotaExceeded(finding, seconds_until_tomorrow())


def charge_deposit(user, supplier, documents) -> None:
    """Charge the bytes `deposit_files` is about to keep (its Documents); QuotaExceeded past the quota."""
    if not daily_limit():
        return
    size = sum(len(d.data) for d in documents if d.data is not None)
    scope, label = _charged(user, supplier, documents)
    charge(scope, size, label=label)
