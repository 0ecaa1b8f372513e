"""Issue 13, acceptance 1: each shared-corpus invoice the official artefacts refuse gets a report whose every
blocking error has a French message, a business term when its rule names one, and the values involved when
its location holds any."""

import csv
import re
from pathlib import Path

import pytest

from invoices.formats import report, validate_document, values
from invoices.formats.catalogue import CATALOGUE
from tests.builders import full_config

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
NAMES_A_TERM = re.compile(r"\b(?:BT|BG)-\d+")
ENGLISH = re.compile(r"\b(?:shall|must|should|is not allowed|is not expected|marked as not used)\b")


def refused_rows() -> list[dict]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as manifest:
        return [row for row in csv.DictReader(manifest, delimiter="\t") if row["observed_verdict"] != "valid"]


ROWS = refused_rows()
pytestmark = pytest.mark.skipif(not ROWS, reason=f"{CORPUS} is absent: this test needs ../shared/corpus")


@pytest.fixture(scope="module")
def reports():
    found = {}
    for row in ROWS:
        result = validate_document((CORPUS / row["file"]).read_bytes(), config=full_config())
        found[row["file"]] = (result, report.layers(result.findings, xml=result.xml, profile=result.profile))
    return found


def holds_values(xml: bytes | None, location: str) -> bool:
    """Whether the invoice holds a value at the finding's location (then the report must show it)."""
    root = report.parse_xml(xml)
    parsed = values.parse_location(location)
    node = values.find(root, parsed) if root is not None and parsed else None
    if node is None:
        return False
    if parsed.attribute:
        return bool((node.get(parsed.attribute) or "").strip())
    return bool((node.text or "").strip()) or any(
        len(child) == 0 and (child.text or "").strip() for child in node
    )


@pytest.mark.parametrize("row", ROWS or [None], ids=lambda row: row["file"] if row else "absent")
def test_every_blocking_error_reads_in_french_with_its_terms_and_values(row, reports):
    result, layers = reports[row["file"]]

    assert not result.valid
    assert layers["refused"] and layers["summary"]["fr"].startswith("Refusée : ")
    assert layers["errors"]
    for error in layers["errors"]:
        assert error["rule"] in CATALOGUE, error["rule"]
        assert error["message"] and not ENGLISH.search(error["message"]), error
        assert error["message_en"]
        names_a_term = NAMES_A_TERM.search(error["official"]) or CATALOGUE[error["rule"]].terms
        if names_a_term:
            assert error["terms"] and all(term["label"] != term["id"] for term in error["terms"]), error
        if holds_values(result.xml, error["location"]):
            assert error["values"], error


def test_the_corpus_shows_the_reports_we_expect(reports):
    """A few refusals read as a supplier should read them."""
    layers = reports["zugferd-corpus/Facture_FR_BASIC.pdf"][1]
    [error] = layers["errors"]
    assert error["rule"] == "FX-SCH-A-000026"
    assert error["values"][0]["value"] == "urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic"
    assert "« urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic »" in error["message"]

    layers = reports["zugferd-corpus/zugferd_2p0_EXTENDED_Warenrechnung.pdf"][1]
    [error] = layers["errors"]
    assert (error["rule"], error["count"]) == ("FX-SCH-A-001084", 6)
    assert {"label": "@unitCode", "value": "CT"}.items() <= error["values"][-1].items()
