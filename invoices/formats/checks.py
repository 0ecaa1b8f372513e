"""The sums behind the arithmetic rules, redone from the invoice so that a report can show them:
"TTC (BT-112) : 2 208,00 ; HT (BT-109) 1 840,00 + TVA (BT-110) 360,00 = 2 200,00".

Only reads values (values.select); the verdict stays the official schematron's.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from invoices.formats import values
from invoices.formats.values import Location, format_number, number, parse_location, select

# Short names, for a line of arithmetic.
SHORT = {
    "BT-92": ("Remises", "Allowances"),
    "BT-99": ("Frais", "Charges"),
    "BT-106": ("Somme des lignes HT", "Sum of line net amounts"),
    "BT-107": ("Remises", "Allowances"),
    "BT-108": ("Frais", "Charges"),
    "BT-109": ("HT", "Net total"),
    "BT-110": ("TVA", "VAT"),
    "BT-112": ("TTC", "Total with VAT"),
    "BT-113": ("Déjà payé", "Paid"),
    "BT-114": ("Arrondi", "Rounding"),
    "BT-115": ("Net à payer", "Amount due"),
    "BT-116": ("Base HT", "Taxable amount"),
    "BT-117": ("TVA", "VAT"),
    "BT-119": ("Taux", "Rate"),
    "BT-131": ("Lignes HT", "Line net amounts"),
}
SUM = "sum"
ONE = "one"
# rule -> (target term, ((sign, term, one value or the sum of all), …))
FORMULAS = {
    "CO-10": ("BT-106", (("+", "BT-131", SUM),)),
    "CO-11": ("BT-107", (("+", "BT-92", SUM),)),
    "CO-12": ("BT-108", (("+", "BT-99", SUM),)),
    "CO-13": ("BT-109", (("+", "BT-131", SUM), ("-", "BT-92", SUM), ("+", "BT-99", SUM))),
    "CO-14": ("BT-110", (("+", "BT-117", SUM),)),
    "CO-15": ("BT-112", (("+", "BT-109", ONE), ("+", "BT-110", ONE))),
    "CO-16": ("BT-115", (("+", "BT-112", ONE), ("-", "BT-113", ONE), ("+", "BT-114", ONE))),
}
_CONSISTENCY = re.compile(r"^BR-(?:FXEXT-|FREXT-)?(CO-1[0-6])$")
_TAX = re.compile(r"^BR-(?:CO-17|S-09|AF-09|AG-09|FXEXT-S-09b?|FREXT-S-09)$")
_BASE = re.compile(r"^BR-(?:FXEXT-|FREXT-)?(S|Z|E|AE|IC|G|O|AF|AG)-?08(?:b|ini|rev)?$")
CATEGORY_CODES = {"IC": "K", "AF": "L", "AG": "M"}
PER_RATE = {"S", "AF", "AG"}
CENT = Decimal("0.01")


def _short(term: str, lang: str) -> str:
    names = SHORT.get(term, (term, term))
    return f"{names[1] if lang == 'en' else names[0]} ({term})"


def _amount(value: Decimal, lang: str) -> str:
    return format_number(value, lang)


def _values(root, term: str, how: str, anchor: Location | None) -> tuple[Decimal | None, int]:
    found = [n for n in (number(v) for v in select(root, term, anchor)) if n is not None]
    if how == ONE:
        return (found[0] if found else None), len(found)
    return (sum(found, Decimal(0)) if found else None), len(found)


def _render(target: str, actual: Decimal, parts: list, expected: Decimal, lang: str, result_word=None) -> str:
    pieces = []
    for index, (sign, term, value, count, how) in enumerate(parts):
        name = _short(term, lang)
        if how == SUM:
            name = f"Σ {name[:-1]}, {count})" if count > 1 else name
        symbol = "" if index == 0 and sign == "+" else f"{'+' if sign == '+' else '−'} "
        pieces.append(f"{symbol}{name} {_amount(value, lang)}")
    separator = " : " if lang != "en" else ": "
    return (
        f"{_short(target, lang)}{separator}{_amount(actual, lang)} ; "
        if lang != "en"
        else f"{_short(target, lang)}{separator}{_amount(actual, lang)}; "
    ) + f"{' '.join(pieces)} = {_amount(expected, lang)}"


def _result(target, actual, parts, expected) -> dict:
    return {
        "fr": _render(target, actual, parts, expected, "fr"),
        "en": _render(target, actual, parts, expected, "en"),
        "actual": str(actual),
        "expected": str(expected),
        "difference": str(actual - expected),
    }


def _formula(root, target: str, terms, anchor: Location | None) -> dict | None:
    actual, _ = _values(root, target, ONE, anchor)
    if actual is None:
        return None
    parts, expected = [], Decimal(0)
    for sign, term, how in terms:
        value, count = _values(root, term, how, anchor if how == ONE else None)
        if value is None:
            continue  # an optional amount left out counts as zero and is not shown
        expected += value if sign == "+" else -value
        parts.append((sign, term, value, count, how))
    if not parts:
        return None
    return _result(target, actual, parts, expected)


def _tax(root, anchor: Location | None) -> dict | None:
    tax, _ = _values(root, "BT-117", ONE, anchor)
    base, _ = _values(root, "BT-116", ONE, anchor)
    rate, _ = _values(root, "BT-119", ONE, anchor)
    if None in (tax, base, rate):
        return None
    expected = (base * rate / 100).quantize(CENT, ROUND_HALF_UP)
    lines = {}
    for lang in ("fr", "en"):
        rate_text = f"{format_number(rate, lang, None)}\u00a0%"
        separator = " : " if lang != "en" else ": "
        end = " ;" if lang != "en" else ";"
        lines[lang] = (
            f"{_short('BT-117', lang)}{separator}{_amount(tax, lang)}{end} {_short('BT-116', lang)} "
            f"{_amount(base, lang)} × {_short('BT-119', lang)} {rate_text} = {_amount(expected, lang)}"
        )
    return {**lines, "actual": str(tax), "expected": str(expected), "difference": str(tax - expected)}


def _rows(root, group: str, terms: tuple[str, ...]) -> list[dict]:
    """For each element of a group (a line, an allowance…), its terms' first values."""
    rows = []
    for element in values.nodes(root, group):
        anchor = values.location_of(element)
        rows.append({term: (select(root, term, anchor) or [""])[0] for term in terms})
    return rows


def _base(root, prefix: str, anchor: Location | None) -> dict | None:
    """The taxable amount of one VAT category (and rate) against its lines, allowances and charges."""
    base, _ = _values(root, "BT-116", ONE, anchor)
    if base is None:
        return None
    code = CATEGORY_CODES.get(prefix, prefix)
    rate = _values(root, "BT-119", ONE, anchor)[0] if prefix in PER_RATE else None

    def matching(group, amount, category, rate_term):
        total, count = Decimal(0), 0
        for row in _rows(root, group, (amount, category, rate_term)):
            if row[category].upper() != code:
                continue
            if rate is not None and number(row[rate_term]) != rate:
                continue
            if (value := number(row[amount])) is not None:
                total, count = total + value, count + 1
        return total, count

    lines = matching("BG-25", "BT-131", "BT-151", "BT-152")
    allowances = matching("BG-20", "BT-92", "BT-95", "BT-96")
    charges = matching("BG-21", "BT-99", "BT-102", "BT-103")
    parts = [("+", "BT-131", lines[0], lines[1], SUM)]
    if allowances[1]:
        parts.append(("-", "BT-92", allowances[0], allowances[1], SUM))
    if charges[1]:
        parts.append(("+", "BT-99", charges[0], charges[1], SUM))
    expected = lines[0] - allowances[0] + charges[0]
    return _result("BT-116", base, parts, expected)


def check(root, rule: str, location: str) -> dict | None:
    """The arithmetic of an arithmetic rule as the invoice holds it, or None for other rules."""
    anchor = parse_location(location)
    match = _CONSISTENCY.match(rule)
    if match and match.group(1) in FORMULAS:
        target, terms = FORMULAS[match.group(1)]
        return _formula(root, target, terms, anchor)
    if _TAX.match(rule):
        return _tax(root, anchor)
    match = _BASE.match(rule)
    if match:
        return _base(root, match.group(1), anchor)
    return None
