"""The values a finding is about, read from the invoice: at the finding's location, and for the business terms
its rule involves.

Nothing here evaluates XPath. A location is parsed step by step as the schematron reports it
(``/rsm:CrossIndustryInvoice[1]/…/ram:ID[1]``, ``/*:Invoice[namespace-uri()='…'][1]/…``, a final ``/@attr``)
or as lxml reports an XSD error (no index for a single child), and anything else is ignored. The terms' paths
come from catalogue.paths, walked the same way, next to the location: the taxable amount of *the* VAT
breakdown the finding points at, not of every breakdown. Output is bounded in count and length.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from invoices.formats.catalogue import paths
from invoices.formats.catalogue.terms import label
from invoices.formats.engine import PREFIXES

NAMESPACES = {prefix: uri for uri, prefix in PREFIXES.items()}
CII_ROOT = f"{{{NAMESPACES['rsm']}}}CrossIndustryInvoice"
UBL_ROOTS = (f"{{{NAMESPACES['ubl']}}}Invoice", f"{{{NAMESPACES['cn']}}}CreditNote")

MAX_LOCATION = 2000
MAX_STEPS = 40
MAX_VALUES = 12
MAX_PER_TERM = 3
MAX_TEXT = 120

AMOUNTS = {
    "BT-92", "BT-93", "BT-99", "BT-100", "BT-106", "BT-107", "BT-108", "BT-109", "BT-110", "BT-111", "BT-112",
    "BT-113", "BT-114", "BT-115", "BT-116", "BT-117", "BT-131", "BT-136", "BT-137", "BT-141", "BT-142",
    "BT-146", "BT-147", "BT-148",
}  # fmt: skip
RATES = {"BT-94", "BT-96", "BT-101", "BT-103", "BT-119", "BT-138", "BT-143", "BT-152"}
DATES = {"BT-2", "BT-7", "BT-9", "BT-26", "BT-72", "BT-73", "BT-74", "BT-134", "BT-135"}

_STEP = re.compile(
    r"/(?:(?P<prefix>[A-Za-z][\w.-]*):(?P<name>[\w.-]+)"
    r"|\*:(?P<any>[\w.-]+)\[namespace-uri\(\)='(?P<ns>[^']*)'\])"
    r"(?:\[(?P<index>\d{1,6})\])?"
)
_ATTRIBUTE = re.compile(r"/@(?P<attribute>[A-Za-z][\w.-]*)$")


@dataclass(frozen=True)
class Location:
    steps: tuple[tuple[str, int | None], ...]
    """(Clark tag, 1-based index among same-tag siblings or None) from the root down."""
    attribute: str | None = None


def parse_location(location: str) -> Location | None:
    """The location as steps, or None when it is not a plain path of the invoice (a file name, empty…)."""
    if not location or len(location) > MAX_LOCATION or not location.startswith("/"):
        return None
    attribute = None
    match = _ATTRIBUTE.search(location)
    if match:
        attribute = match.group("attribute")
        location = location[: match.start()]
    steps, position = [], 0
    for match in _STEP.finditer(location):
        if match.start() != position or len(steps) >= MAX_STEPS:
            return None
        position = match.end()
        if match.group("any"):
            tag = f"{{{match.group('ns')}}}{match.group('any')}"
        else:
            uri = NAMESPACES.get(match.group("prefix"))
            if uri is None:
                return None
            tag = f"{{{uri}}}{match.group('name')}"
        index = match.group("index")
        steps.append((tag, int(index) if index else None))
    if position != len(location) or not steps:
        return None
    return Location(tuple(steps), attribute)


def find(root, location: Location):
    """The element the location points at, or None."""
    tag, index = location.steps[0]
    if root.tag != tag or (index or 1) != 1:
        return None
    node = root
    for tag, index in location.steps[1:]:
        children = [child for child in node if child.tag == tag]
        position = (index or 1) - 1
        if position >= len(children):
            return None
        node = children[position]
    return node


def syntax_of(root) -> str | None:
    if root.tag == CII_ROOT:
        return "cii"
    if root.tag in UBL_ROOTS:
        return "ubl"
    return None


# Paths of catalogue.paths.


def _clark(step: str) -> str:
    prefix, name = step.split(":", 1)
    return f"{{{NAMESPACES[prefix]}}}{name}"


def _split_steps(path: str) -> list[str]:
    steps, depth, current = [], 0, ""
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "/" and depth == 0:
            steps.append(current)
            current = ""
        else:
            current += char
    steps.append(current)
    return steps


@dataclass(frozen=True)
class _Step:
    tag: str | None
    attribute: str | None = None
    predicate: tuple[tuple[str, ...], str | None, str] | None = None
    """(child tags, attribute, expected value)."""


def _parse_step(step: str) -> _Step:
    if step.startswith("@"):
        return _Step(None, attribute=step[1:])
    predicate = None
    if "[" in step:
        step, condition = step[:-1].split("[", 1)
        target, expected = condition.split("=", 1)
        if target.startswith("@"):
            predicate = ((), target[1:], expected)
        else:
            predicate = (tuple(_clark(part) for part in target.split("/")), None, expected)
    return _Step(_clark(step), predicate=predicate)


def _compile(path: str) -> list[list[_Step]]:
    return [[_parse_step(step) for step in _split_steps(alt.strip())] for alt in path.split(" | ")]


_COMPILED = {
    "cii": {term: _compile(path) for term, path in paths.CII.items()},
    "ubl": {term: _compile(path) for term, path in paths.UBL.items()},
}


def _holds(node, predicate) -> bool:
    tags, attribute, expected = predicate
    for tag in tags:
        node = next((child for child in node if child.tag == tag), None)
        if node is None:
            return False
    value = node.get(attribute) if attribute else node.text
    return (value or "").strip().lower() == expected.lower()


def _walk(root, steps: list[_Step], anchor: Location | None):
    """(element, attribute or None) reached by the steps, keeping to the anchor's branch while they agree."""
    nodes, aligned = [root], anchor is not None
    for depth, step in enumerate(steps, start=1):
        if step.attribute:
            return [(node, step.attribute) for node in nodes if node.get(step.attribute) is not None]
        reached = []
        for node in nodes:
            children = [child for child in node if child.tag == step.tag]
            if aligned and depth < len(anchor.steps) and anchor.steps[depth][0] == step.tag:
                position = (anchor.steps[depth][1] or 1) - 1
                children = children[position : position + 1]
            reached += [
                child for child in children if step.predicate is None or _holds(child, step.predicate)
            ]
        if aligned and not (depth < len(anchor.steps) and anchor.steps[depth][0] == step.tag):
            aligned = False
        nodes = reached[:50]
    return [(node, None) for node in nodes]


def _text(node, attribute) -> str:
    value = node.get(attribute) if attribute else node.text
    return " ".join((value or "").split())[:MAX_TEXT]


def select(root, term: str, anchor: Location | None = None) -> list[str]:
    """The term's values in the invoice; next to the anchor when given (same line, same VAT breakdown…)."""
    syntax = syntax_of(root)
    alternatives = _COMPILED.get(syntax or "", {}).get(term)
    if not alternatives:
        return []
    found = []
    for steps in alternatives:
        found += _walk(root, steps, anchor)
    if term in ("BT-110", "BT-111"):
        found = _by_currency(root, term, found)
    return [text for text in (_text(node, attribute) for node, attribute in found) if text]


def nodes(root, term: str) -> list:
    """The elements a term (usually a group: a line, an allowance…) is in the invoice, at most 50."""
    alternatives = _COMPILED.get(syntax_of(root) or "", {}).get(term, [])
    found = []
    for steps in alternatives:
        found += [node for node, attribute in _walk(root, steps, None) if attribute is None]
    return found[:50]


def location_of(element) -> Location:
    """The element's location, as the schematron would write it."""
    steps = []
    node = element
    while node is not None:
        parent = node.getparent()
        index = 1 if parent is None else [c for c in parent if c.tag == node.tag].index(node) + 1
        steps.append((node.tag, index))
        node = parent
    return Location(tuple(reversed(steps)))


def _by_currency(root, term: str, found: list) -> list:
    """BT-110 and BT-111 are the same element in the invoice's currency (BT-5) and in the VAT accounting
    currency (BT-6)."""
    currency = (select(root, "BT-5") or [""])[0] if term == "BT-110" else (select(root, "BT-6") or [""])[0]
    if not currency:
        return found[:1] if term == "BT-110" else []
    return [(node, attribute) for node, attribute in found if node.get("currencyID") in (currency, None)][:1]


def _leaf(steps: list[_Step]) -> tuple:
    last = steps[-1]
    return (len(steps), "@" + last.attribute if last.attribute else last.tag)


# Per syntax, the terms by the depth and name of their last step: a located element has few candidates.
_BY_LEAF: dict[str, dict[tuple, list]] = {}
for _syntax, _terms in _COMPILED.items():
    for _term, _alternatives in _terms.items():
        for _steps in _alternatives:
            _BY_LEAF.setdefault(_syntax, {}).setdefault(_leaf(_steps), []).append((_term, _steps))


def term_at(root, location: Location, node) -> str | None:
    """The business term the located element (or attribute) is, if it is one."""
    depth = len(location.steps) - 1 + (1 if location.attribute else 0)
    leaf = "@" + location.attribute if location.attribute else location.steps[-1][0]
    for term, steps in _BY_LEAF.get(syntax_of(root) or "", {}).get((depth, leaf), []):
        if any((node, location.attribute) == hit for hit in _walk(root, steps, location)):
            return term
    return None


# Display.


def number(value: str) -> Decimal | None:
    try:
        result = Decimal(value.strip())
    except (InvalidOperation, ValueError, AttributeError):
        return None
    return result if result.is_finite() and abs(result) < Decimal("1e15") else None


def format_number(value: Decimal, lang: str, decimals: int | None = 2) -> str:
    """French: 2 208,00 (no-break space, decimal comma); English: 2,208.00."""
    if decimals is not None:
        exponent = Decimal(1).scaleb(-max(decimals, -value.as_tuple().exponent if value % 1 else 0))
        value = value.quantize(exponent, ROUND_HALF_UP)
    text = f"{value:,f}"
    if lang == "en":
        return text
    return text.replace(",", "\u00a0").replace(".", ",")


def display(term: str | None, value: str, lang: str) -> str:
    if term in AMOUNTS and (amount := number(value)) is not None:
        return format_number(amount, lang)
    if term in RATES and (rate := number(value)) is not None:
        return f"{format_number(rate, lang, None)}\u00a0%"
    if term in DATES and re.fullmatch(r"\d{8}", value):
        year, month, day = value[:4], value[4:6], value[6:]
        return f"{day}/{month}/{year}" if lang != "en" else f"{year}-{month}-{day}"
    if term in DATES and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and lang != "en":
        return "/".join(reversed(value.split("-")))
    return value


def value_item(term: str | None, value: str, name: str = "") -> dict:
    return {
        "term": term or "",
        "label": label(term) if term else name,
        "label_en": label(term, "en") if term else name,
        "value": value,
        "display": display(term, value, "fr"),
        "display_en": display(term, value, "en"),
    }


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def at_location(root, location: str) -> list[dict]:
    """The values held at the finding's location: the element's text and attributes, or for an element
    that groups others (a VAT breakdown, a line…), its direct children's values."""
    parsed = parse_location(location)
    if parsed is None:
        return []
    node = find(root, parsed)
    if node is None:
        return []
    if parsed.attribute:
        value = _text(node, parsed.attribute)
        return [value_item(term_at(root, parsed, node), value, "@" + parsed.attribute)] if value else []
    term = term_at(root, parsed, node)
    items = []
    text = _text(node, None)
    if text:
        item = value_item(term, text, _local(node.tag))
        attributes = {_local(k): " ".join(v.split())[:40] for k, v in node.attrib.items()}
        if attributes:
            item["attributes"] = dict(list(attributes.items())[:4])
        items.append(item)
    elif len(parsed.steps) > 2:
        # A group (a VAT breakdown, a line…): the business terms among its leaves, one level down.
        for child in node:
            if not isinstance(child.tag, str) or len(child) or not _text(child, None):
                continue
            child_term = term_at(root, location_of(child), child)
            if child_term:
                items.append(value_item(child_term, _text(child, None)))
            if len(items) >= MAX_VALUES // 2:
                break
    return items
