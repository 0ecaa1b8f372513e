"""Every rule id the official stylesheets and Chorale's code can raise has a French entry in the catalogue."""

import re
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from invoices.formats import engine
from invoices.formats.catalogue import CATALOGUE, TERMS, rule_key
from invoices.formats.model import DEFAULT_CEN_CII_XSLT

REPO = Path(__file__).resolve().parents[2]
SVRL = "http://purl.oclc.org/dsdl/svrl"
XSL = "http://www.w3.org/1999/XSL/Transform"
# As engine.parse_svrl: an assert without id is known by the id its text starts with, else as unnamed.
BRACKETED = re.compile(r"^\[([A-Za-z][A-Za-z0-9_.\-]*)\]")
NAMES_A_TERM = re.compile(r"\b(?:BT|BG)-\d+")

FACTURX_STYLESHEETS = sorted(
    {engine.facturx_schematron(profile) for profile in engine.FACTURX_LEVELS}
    | {engine.ubl_schematron("EN16931"), engine.ubl_schematron("EXTENDED-CTC-FR")}
    | {engine.CII_CTC_FR, engine.UBL_CTC_FR}
)


@cache
def asserts(path: Path) -> list[tuple[str, str]]:
    """(rule id as the validation reports it, official text) for each assert of a stylesheet."""
    found = []
    for element in etree.parse(str(path)).iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        attributes = {
            a.get("name"): "".join(a.itertext()).strip() for a in element.iter(f"{{{XSL}}}attribute")
        }
        text_element = element.find(f"{{{SVRL}}}text")
        text = " ".join("".join(text_element.itertext()).split()) if text_element is not None else ""
        rule = attributes.get("id")
        if not rule:
            match = BRACKETED.match(text)
            rule = match.group(1) if match else "CHORALE-SCHEMATRON-UNNAMED"
        found.append((rule_key(rule, text), text))
    return found


def missing(path: Path) -> list[str]:
    return sorted({rule for rule, _ in asserts(path)} - CATALOGUE.keys())


@pytest.mark.parametrize("path", FACTURX_STYLESHEETS, ids=lambda p: p.name)
def test_every_rule_of_the_facturx_package_stylesheets_has_a_french_entry(path):
    assert missing(path) == []


def test_every_rule_of_the_cen_cii_stylesheet_has_a_french_entry():
    if not DEFAULT_CEN_CII_XSLT.is_file():
        pytest.skip(f"{DEFAULT_CEN_CII_XSLT} is absent: run scripts/fetch_cen_cii_xslt.py to check its rules")
    assert missing(DEFAULT_CEN_CII_XSLT) == []


@pytest.mark.parametrize("path", FACTURX_STYLESHEETS, ids=lambda p: p.name)
def test_a_rule_whose_official_text_names_a_business_term_names_one(path):
    without = sorted(
        {rule for rule, text in asserts(path) if NAMES_A_TERM.search(text) and not CATALOGUE[rule].terms}
    )
    assert without == []


def chorale_rule_ids() -> set[str]:
    ids = set()
    for source in (REPO / "invoices").rglob("*.py"):
        ids |= set(
            re.findall(r"\"((?:CHORALE|SAFE)-[A-Z0-9-]*[A-Z0-9])\"", source.read_text(encoding="utf-8"))
        )
    return ids | {"XSD"}


def test_every_chorale_rule_has_an_entry():
    ids = chorale_rule_ids()

    assert len(ids) > 50
    assert sorted(ids - CATALOGUE.keys()) == []


def test_every_entry_is_written_for_a_supplier():
    for rule, entry in CATALOGUE.items():
        first_sentence = entry.fr.split(". ")[0]
        assert entry.fr.rstrip().endswith((".", "»", ")")), rule
        assert first_sentence.lstrip("« ")[:1].isupper(), rule
        assert len(first_sentence) < 260, rule
        assert not re.search(r"\b(shall|must|should)\b", entry.fr), rule
        assert set(entry.terms) <= TERMS.keys(), (rule, set(entry.terms) - TERMS.keys())
