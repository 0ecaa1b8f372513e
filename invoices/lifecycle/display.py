"""Amounts, quantities, dates and codes of an invoice as people read them, in the reader's language.

Templates reach these through the `invoice_display` library (`invoices.lifecycle.display_tags`); the
readable PDF (`invoices.lifecycle.rendering`) calls them under French. Numbers follow Django's
localization: French `2 208,00 €` (a non-breaking space groups the thousands), English `€2,208.00`. Dates:
French day-first `03/12/2026`; English pages write ISO 8601 `2026-12-03` (portal/formats/en), which no
reader of a French invoice can take for the 12th of March.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language

from invoices.formats import codelists

CURRENCY_SYMBOLS = {"EUR": "€"}
NBSP = "\xa0"


def _lang() -> str:
    return get_language() or "fr"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number(value, decimals: int | None = None) -> str:
    """A localized number with grouped thousands; `decimals` fixes the decimal places (else as written)."""
    parsed = _decimal(value)
    if parsed is None:
        return "" if value is None else str(value)
    if decimals is None:
        parsed = parsed.normalize()  # 2.500 → 2.5; 1E+2 back to 100 below
        if parsed.as_tuple().exponent > 0:
            parsed = parsed.quantize(Decimal(1))
    return formats.number_format(parsed, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def amount(value, currency: str | None = "EUR") -> str:
    """`2 208,00 €` in French, `€2,208.00` in English; other currencies by their ISO code."""
    if _decimal(value) is None:
        return "" if value in (None, "") else str(value)
    digits = number(value, 2)
    code = (currency or "").strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code, code)
    if not symbol:
        return digits
    if _lang().startswith("en"):
        return f"{symbol}{digits}" if symbol in CURRENCY_SYMBOLS.values() else f"{symbol}{NBSP}{digits}"
    return f"{digits}{NBSP}{symbol}"


def as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def day(value) -> str:
    """A date (or an ISO date string from the extracted data) in the reader's short format."""
    parsed = as_date(value)
    if parsed is None:
        return "" if value in (None, "") else str(value)
    return formats.date_format(parsed, "SHORT_DATE_FORMAT")


def unit_label(code) -> str:
    return codelists.unit_label(code, _lang())


def notes(note) -> list[dict]:
    """The invoice's notes, each with its subject's label (`#PMT#` → "Informations de paiement")."""
    return [
        {"code": code, "label": codelists.note_subject_label(code, _lang()) if code else "", "text": text}
        for code, text in codelists.split_notes(note)
    ]


def format_label(fmt, profile="") -> str:
    return codelists.format_label(fmt, profile, _lang())
