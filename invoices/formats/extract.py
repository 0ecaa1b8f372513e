"""Small, forgiving readers shared by the CII and UBL extractors: bad values give None, never an exception."""

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

SIRET_SCHEME = "0009"
SIREN_SCHEME = "0002"
_SPACES = re.compile(r"[\s.\-]")


def single_line(value: str | None) -> str:
    """`value` on one line: control, format and separator characters become spaces, runs of spaces one.

    Invoice text ends up in e-mail bodies and subjects, CSV files and PES files: a CR/LF inside an invoice
    number must not forge a line there, nor a bidirectional override (U+202E) reverse what a reader sees.
    """
    if not value:
        return ""
    cleaned = "".join(" " if unicodedata.category(c) in _NOT_PRINTED else c for c in value)
    return " ".join(cleaned.split())


_NOT_PRINTED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def text(node: etree._Element, path: str, ns: dict) -> str | None:
    found = node.find(path, ns)
    if found is None or found.text is None:
        return None
    return single_line(found.text) or None


def texts(node: etree._Element, path: str, ns: dict) -> list[str]:
    return [line for el in node.findall(path, ns) if (line := single_line(el.text))]


def as_decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def first_decimal(elements: list[etree._Element]) -> Decimal | None:
    for el in elements:
        number = as_decimal(el.text)
        if number is not None:
            return number
    return None


def as_date(value: str | None) -> date | None:
    """CII format 102 (YYYYMMDD) or UBL ISO dates (YYYY-MM-DD)."""
    if not value:
        return None
    digits = value.strip().replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def pick_siret(ids: list[tuple[str, str]], legal_id: str | None) -> str | None:
    """The party's SIRET: an id under ISO 6523 scheme 0009, else a 14-digit legal registration id.

    French samples (FNFE, Chorus Pro habits) often put the 14-digit SIRET under scheme 0002 (SIREN), so a
    14-digit value there is read as a SIRET too.
    """

    def digits(value):
        compact = _SPACES.sub("", value or "")
        return compact if len(compact) == 14 and compact.isdigit() else None

    for scheme, value in ids:
        if scheme == SIRET_SCHEME and digits(value):
            return digits(value)
    if digits(legal_id):
        return digits(legal_id)
    for scheme, value in ids:
        if scheme == SIREN_SCHEME and digits(value):
            return digits(value)
    return None
