"""Values as Chorus Pro writes and reads them: its three date formats, amounts, booleans, pages of results.

Dates differ per field (§8 of the reference sheet): plain `YYYY-MM-DD` (deposit and invoice dates, which some
clients parse strictly), ISO 8601 with milliseconds and offset for flow timestamps, `YYYY-MM-DD HH:MM` for
history and service dates. Dates are given in the platform's time zone (Europe/Paris), as Chorus Pro does.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

DEFAULT_PAGE_SIZE = 10  # Chorus Pro's default (C17 notes, and OCA's real answer)
MAX_PAGE_SIZE = 10000  # OCA asks for 10000 services per page


def plain_date(value) -> str | None:
    """`YYYY-MM-DD` (the deposit date, the invoice date)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 with milliseconds and offset: `2018-02-16T15:10:25.536+01:00` (flow timestamps)."""
    return timezone.localtime(value).isoformat(timespec="milliseconds") if value else None


def minutes(value: datetime | None) -> str | None:
    """`YYYY-MM-DD HH:MM` (status history, service validity)."""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else None


def read_moment(value, *, end: bool = False) -> datetime | None:
    """A date or date-time sent by a client (any of the formats above), as an aware datetime.

    A bare date is the start of that day, or its end for the upper bound of a period (`end`).
    """
    if value in (None, ""):
        return None
    text = str(value).strip().replace(" ", "T", 1)
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is None:
                return None
            moment = datetime.combine(day, time.max if end else time.min)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def read_day(value) -> date | None:
    moment = read_moment(value)
    return timezone.localdate(moment) if moment else None


def read_bool(value) -> bool | None:
    """A boolean sent as true/false, or as Chorus Pro's "OUI"/"NON" strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().upper() in ("OUI", "TRUE", "1", "O"):
        return True
    if isinstance(value, str) and value.strip().upper() in ("NON", "FALSE", "0", "N"):
        return False
    return None


def read_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -(2**63) <= number < 2**63 else None


@dataclass
class Page:
    items: list
    page: int
    pages: int
    per_page: int
    total: int

    def returned(self) -> dict:
        """`parametresRetour`, or the top-level fields of `rechercher/recipiendaire`."""
        return {
            "pageCourante": self.page,
            "pages": self.pages,
            "nbResultatsParPage": self.per_page,
            "total": self.total,
        }


def options(value) -> dict:
    """A request's wrapper object (pagination, sorting, criteria); anything else reads as none given."""
    return value if isinstance(value, dict) else {}


def entries(value) -> list[dict]:
    """The objects of a request's list (`listeFournisseurs`…); anything else reads as an empty list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def paginate(rows, params: dict | None, *, default_size: int = DEFAULT_PAGE_SIZE) -> Page:
    """One page of `rows` (a queryset or a list) as asked by Chorus Pro's pagination object.

    `pageResultatDemandee` is 1-based; `nbResultatsMaximum` caps the whole result.
    """
    params = options(params)
    per_page = read_int(params.get("nbResultatsParPage")) or default_size
    per_page = max(1, min(per_page, MAX_PAGE_SIZE))
    page = max(1, read_int(params.get("pageResultatDemandee")) or 1)
    total = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    maximum = read_int(params.get("nbResultatsMaximum"))
    if maximum and maximum > 0:
        total = min(total, maximum)
    pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    stop = min(start + per_page, total)
    items = list(rows[start:stop]) if start < total else []
    return Page(items, page, pages, per_page, total)


def descending(params: dict | None) -> bool | None:
    """`triSens`: Ascendant / Descendant (None when not given)."""
    sens = str(options(params).get("triSens") or "").strip().lower()
    if sens.startswith("asc"):
        return False
    if sens.startswith("desc"):
        return True
    return None
