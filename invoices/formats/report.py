"""A validation's findings as a supplier reads them, in three layers: one sentence saying whether the invoice
is refused and why, the blocking errors, then the warnings (and apart, what only a technician can act on).

Each finding comes out with its rule id, a French and an English message, the business terms involved with
their labels, the values read from the invoice at the finding's location (and the sums behind an arithmetic
rule), and how many identical findings it stands for.

    layers(result.findings, xml=result.xml, profile=result.profile)
"""

import re
from dataclasses import dataclass

from invoices.formats import checks, values, xml_safe
from invoices.formats.catalogue import CATALOGUE, TECHNICAL, label, rule_key
from invoices.formats.catalogue.structure import allowed_values
from invoices.formats.findings import ERROR, Finding

MAX_LOCATIONS = 5
MAX_TERMS = 4
MAX_XML_BYTES = 20 * 1024 * 1024
UNNAMED = "CHORALE-SCHEMATRON-UNNAMED"
# Chorale's own findings carry their own French (with file names, numbers, limits).
OWN_MESSAGES = ("CHORALE-", "SAFE-")
_OFFICIAL_PREFIX = re.compile(r"^\s*\[[^\]]+\]\s*(?:-\s*)?:?\s*")


@dataclass
class _Item:
    severity: str
    rule: str
    ref: str
    message: str
    message_en: str
    official: str
    terms: list
    values: list
    check: dict | None
    audience: str
    count: int
    locations: list

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "ref": self.ref,
            "message": self.message,
            "message_en": self.message_en,
            "official": self.official,
            "terms": self.terms,
            "values": self.values,
            "check": self.check,
            "audience": self.audience,
            "count": self.count,
            "location": self.locations[0] if self.locations else "",
            "locations": self.locations,
        }


def _finding(value) -> Finding:
    """A Finding, or a finding as kept in a stored report (a dict)."""
    if isinstance(value, Finding):
        return value
    return Finding(
        value.get("severity", ERROR),
        value.get("rule", ""),
        value.get("message", ""),
        value.get("message_en") or value.get("message", ""),
        value.get("location", ""),
        int(value.get("count") or 1),
    )


def parse_xml(xml: bytes | None):
    """The invoice tree for reading values, or None (no XML, unreadable XML: the report goes without)."""
    if not xml:
        return None
    try:
        return xml_safe.parse(xml, max_bytes=MAX_XML_BYTES)
    except xml_safe.UnsafeXML:
        return None


def _first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«])", text.strip(), maxsplit=1)[0]
    return sentence.rstrip(" .")


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _term(term: str) -> dict:
    return {"id": term, "label": label(term), "label_en": label(term, "en")}


# Messages for the findings that carry no catalogue text of their own.

_XSD = re.compile(r"^Not valid against the (?P<schema>\S+) XSD: (?P<detail>.*)$", re.S)
# lxml's messages after "Element 'ram:Name'", with ours.
_XSD_MESSAGES = (
    (
        r": This element is not expected\. Expected is (?:one of )?\( (?P<exp>.+?) \)\.?$",
        "{what} n'est pas admis à cet endroit par le format de la facture. Le format attend ici : {exp}.",
        "{what_en} is not allowed here by the invoice's format. The format expects here: {exp}.",
    ),
    (
        r": This element is not expected\.?$",
        "{what} n'est pas admis à cet endroit par le format de la facture. Il n'existe pas dans ce profil ou "
        "n'est pas à sa place.",
        "{what_en} is not allowed here by the invoice's format.",
    ),
    (
        r": Missing child element\(s\)\. Expected is (?:one of )?\( (?P<exp>.+?) \)\.?$",
        "{what} est incomplet. Il y manque : {exp}.",
        "{what_en} is incomplete. Missing: {exp}.",
    ),
    (
        r": Character content is not allowed, because the content type is empty\.?$",
        "{what} contient du texte alors qu'il doit être vide. C'est souvent un espace ou un retour à la "
        "ligne laissé par le logiciel.",
        "{what_en} holds text although it must be empty.",
    ),
    (
        r": '(?P<value>[^']*)' is not a valid value of the atomic type '(?P<type>[^']+)'\.?$",
        "{what} contient « {value} », qui n'est pas une valeur du type attendu ({type}). Un nombre s'écrit "
        "avec un point décimal et sans espace, une date selon le format annoncé.",
        "{what_en} holds '{value}', not a value of the expected type ({type}).",
    ),
    (
        r": \[facet 'enumeration'\] The value '(?P<value>[^']*)' is not an element of .*$",
        "{what} contient « {value} », qui n'est pas dans la liste des valeurs admises.",
        "{what_en} holds '{value}', which is not among the allowed values.",
    ),
    (
        r": \[facet 'pattern'\] The value '(?P<value>[^']*)' is not accepted .*$",
        "{what} contient « {value} », qui n'a pas la forme attendue.",
        "{what_en} holds '{value}', which does not have the expected form.",
    ),
    (
        r": \[facet '(?:max|min)?[lL]ength'\] The value has a length of '(?P<n>\d+)'; "
        r"this (?P<way>exceeds|underruns) the allowed (?:maximum|minimum) length of '(?P<m>\d+)'\.?$",
        "{what} compte {n} caractères, pour une longueur admise de {m}.",
        "{what_en} has {n} characters, the allowed length is {m}.",
    ),
    (
        r", attribute '(?P<attr>[^']+)': The attribute '[^']+' is not allowed\.?$",
        "L'attribut « {attr} » n'est pas admis sur {what}.",
        "The attribute '{attr}' is not allowed on {what_en}.",
    ),
    (
        r": The attribute '(?P<attr>[^']+)' is required but missing\.?$",
        "L'attribut « {attr} » manque sur {what}.",
        "The attribute '{attr}' is missing on {what_en}.",
    ),
)
_XSD_PATTERNS = tuple(
    (re.compile(r"^Element '(?P<el>[^']+)'" + pattern), fr, en) for pattern, fr, en in _XSD_MESSAGES
)
# The Factur-X profile stylesheets report, without any id, what the profile does not use.
_UNNAMED = re.compile(
    r"^(?:Attribute @?(?P<attr>[\w:]+)'?|Element (?:variant )?'(?P<el>[^'\[]+)[^']*') "
    r"(?:is )?marked as not used"
)


def _what(root, location: str, element: str) -> tuple[str, str, str | None]:
    """How to name the element a finding is about: its business term when it is one, else its name."""
    term = None
    parsed = values.parse_location(location) if root is not None else None
    if parsed is not None:
        node = values.find(root, parsed)
        if node is not None:
            term = values.term_at(root, parsed, node)
    name = element.split(":")[-1]
    if term:
        suffix = f" ({name})" if name else ""
        return f"« {label(term)} »{suffix}", f"'{label(term, 'en')}'{suffix}", term
    return f"l'élément « {name} »", f"the element '{name}'", None


def _xsd(finding: Finding, root) -> tuple[str, str, str | None]:
    entry = CATALOGUE["XSD"]
    match = _XSD.match(finding.message_en)
    detail = match.group("detail") if match else finding.message_en
    for pattern, fr, en in _XSD_PATTERNS:
        found = pattern.match(detail.strip())
        if found:
            what, what_en, term = _what(root, finding.location, found.group("el"))
            fields = {k: v for k, v in found.groupdict().items() if v is not None}
            fr_text = fr.format(what=what, **fields)
            en_text = en.format(what_en=what_en, **fields)
            advice = entry.fr.split(". ", 1)[1] if ". " in entry.fr else ""
            return (
                f"{fr_text[:1].upper()}{fr_text[1:]} {advice}".strip(),
                en_text[:1].upper() + en_text[1:],
                term,
            )
    return f"{entry.fr} Détail technique : {detail}", finding.message_en, None


def _unnamed(finding: Finding, root) -> tuple[str, str, str | None]:
    match = _UNNAMED.match(finding.message_en)
    if not match:
        entry = CATALOGUE[UNNAMED]
        return f"{entry.fr} Détail technique : {finding.message_en}", finding.message_en, None
    if match.group("attr"):
        attribute = match.group("attr")
        what, what_en, term = _what(root, finding.location, "")
        where = what if term else "cet élément"
        where_en = what_en if term else "this element"
        fr = f"L'attribut « {attribute} » de {where} n'est pas utilisé par le profil Factur-X de la facture."
        en = f"The attribute '{attribute}' of {where_en} is not used by the invoice's Factur-X profile."
    else:
        what, what_en, term = _what(root, finding.location, match.group("el"))
        fr = f"{what[:1].upper()}{what[1:]} n'est pas utilisé par le profil Factur-X de la facture."
        en = f"{what_en[:1].upper()}{what_en[1:]} is not used by the invoice's Factur-X profile."
    fr += " Le destinataire l'ignore : rien à corriger sur la facture."
    en += " The recipient ignores it: nothing to correct."
    return fr, en, term


def _messages(finding: Finding, key: str, root, profile: str | None) -> tuple[str, str, str | None]:
    """(French, English, business term of the location when the message names it)."""
    entry = CATALOGUE.get(key)
    if key == "XSD":
        return _xsd(finding, root)
    if key == UNNAMED:
        return _unnamed(finding, root)
    if key.startswith(OWN_MESSAGES):
        fr, en = finding.message, finding.message_en
        if entry and ". " in entry.fr:
            advice = entry.fr.split(". ", 1)[1]
            if advice not in fr:
                fr = f"{fr.rstrip()} {advice}" if fr.rstrip().endswith((".", "»", ")")) else f"{fr}. {advice}"
        return fr, en, None
    if entry is None:
        # An official rule the catalogue does not know yet: its own text, in both languages.
        return finding.message, finding.message_en, None
    fr = entry.fr
    en = entry.en or _OFFICIAL_PREFIX.sub("", finding.message_en) or finding.message_en
    allowed = allowed_values(finding.rule, profile)
    if allowed:
        quoted = ", ".join(f"« {value} »" for value in allowed)
        fr += f" Valeur attendue : {quoted}." if len(allowed) == 1 else f" Valeurs admises : {quoted}."
        en += f" Allowed: {', '.join(allowed)}."
    return fr, en, None


_ATTRIBUTE_NAMED = re.compile(r"'@([A-Za-z][\w.-]*)'")


def _values(root, finding: Finding, terms: tuple[str, ...]) -> list[dict]:
    if root is None:
        return []
    location = finding.location
    found = values.at_location(root, location)
    # A rule about an attribute ("Value of '@unitCode' is not allowed"): the attribute's value too.
    named = _ATTRIBUTE_NAMED.search(finding.message_en)
    if named and found and named.group(1) in found[0].get("attributes", {}):
        found.append(values.value_item(None, found[0]["attributes"][named.group(1)], "@" + named.group(1)))
    seen = {(item["term"], item["value"]) for item in found}
    anchor = values.parse_location(location)
    for term in terms[:MAX_TERMS]:
        if term.startswith("BG-"):
            continue
        for value in values.select(root, term, anchor)[: values.MAX_PER_TERM]:
            if (term, value) not in seen:
                seen.add((term, value))
                found.append(values.value_item(term, value))
    return found[: values.MAX_VALUES]


def describe(finding, root=None, profile: str | None = None) -> dict:
    """One finding as a supplier reads it (see the module docstring); root is the parsed invoice, if any."""
    finding = _finding(finding)
    key = rule_key(finding.rule, finding.message_en or finding.message)
    entry = CATALOGUE.get(key)
    fr, en, located_term = _messages(finding, key, root, profile)
    terms = tuple(entry.terms) if entry else ()
    if located_term and located_term not in terms:
        terms += (located_term,)
    if not terms and root is not None:
        parsed = values.parse_location(finding.location)
        node = values.find(root, parsed) if parsed else None
        term = values.term_at(root, parsed, node) if node is not None else None
        terms = (term,) if term else ()
    official = "" if key.startswith(OWN_MESSAGES) or key in ("XSD",) else finding.message_en
    return _Item(
        severity=finding.severity,
        rule=key,
        ref=finding.rule if finding.rule != key else "",
        message=fr,
        message_en=en,
        official=official,
        terms=[_term(term) for term in terms],
        values=_values(root, finding, terms),
        check=checks.check(root, key, finding.location) if root is not None else None,
        audience=entry.audience if entry else "supplier",
        count=max(1, finding.count),
        locations=[finding.location] if finding.location else [],
    ).as_dict()


def group(findings, root=None, profile: str | None = None) -> list[dict]:
    """Described findings, identical ones (same severity, rule and message) merged with their count."""
    grouped: dict[tuple, dict] = {}
    for finding in findings:
        item = describe(finding, root, profile)
        key = (item["severity"], item["rule"], item["message"])
        if key not in grouped:
            grouped[key] = item
            continue
        kept = grouped[key]
        kept["count"] += item["count"]
        for location in item["locations"]:
            if location not in kept["locations"] and len(kept["locations"]) < MAX_LOCATIONS:
                kept["locations"].append(location)
    return list(grouped.values())


def _summary(errors: list[dict], warnings: int) -> dict:
    if not errors:
        if warnings:
            return {
                "fr": f"Acceptée, avec {warnings} avertissement{'s' if warnings > 1 else ''}.",
                "en": f"Accepted, with {warnings} warning{'s' if warnings > 1 else ''}.",
            }
        return {"fr": "Acceptée.", "en": "Accepted."}
    first = errors[0]
    entry = CATALOGUE.get(first["rule"])
    if first["rule"].startswith(OWN_MESSAGES) and entry:
        # The rule's own summary: the finding's message may be long (a file name, a detail from a parser).
        reason_fr, reason_en = _first_sentence(entry.fr), _first_sentence(entry.en or first["message_en"])
    else:
        reason_fr, reason_en = _first_sentence(first["message"]), _first_sentence(first["message_en"])
    reason_en = _OFFICIAL_PREFIX.sub("", reason_en)
    others = sum(item["count"] for item in errors) - 1
    more_fr = (
        f" (et {others} autre{'s' if others > 1 else ''} erreur{'s' if others > 1 else ''})" if others else ""
    )
    more_en = f" (and {others} other error{'s' if others > 1 else ''})" if others else ""
    return {
        "fr": f"Refusée : {_lower_first(reason_fr)}{more_fr}.",
        "en": f"Refused: {_lower_first(reason_en)}{more_en}.",
    }


def layers(findings, *, xml: bytes | None = None, root=None, profile: str | None = None) -> dict:
    """The report of one document in three layers. Give the invoice's XML (or its parsed tree) to have the
    values at each finding's location; without it the report says everything else."""
    if root is None:
        root = parse_xml(xml)
    items = group(findings, root, profile)
    errors = [item for item in items if item["severity"] == ERROR]
    warnings = [item for item in items if item["severity"] != ERROR and item["audience"] != TECHNICAL]
    technical = [item for item in items if item["severity"] != ERROR and item["audience"] == TECHNICAL]
    return {
        "refused": bool(errors),
        "summary": _summary(errors, sum(item["count"] for item in warnings)),
        "errors": errors,
        "warnings": warnings,
        "technical": technical,
    }
