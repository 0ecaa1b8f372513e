"""validate_invoice over the shared corpus agrees with the official artefacts' verdicts (MANIFEST.tsv)."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.builders import cen_cii_xslt

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
FORMATS = {
    "PDF+CII-D16B": "facturx",
    "PDF+ZUGFeRD1-CII": "facturx",
    "CII-D16B": "cii",
    "UBL-2.1": "ubl",
    "PDF(no-xml)": "pdf",
}
# Where we knowingly differ from the manifest, and why.
EXCEPTIONS = {
    # The manifest's tool found "no XML" because the embedded factur-x.xml declares encoding="UTF-8-W/O-BOM"
    # and cannot be parsed. The XML is there: we say so (CHORALE-FX-XML-UNREADABLE) and call it Factur-X.
    # Same verdict (refused), a truer reason.
    "zugferd-corpus/factur-x-invalid-xml-encoding-attribute.pdf": {
        "format": "facturx",
        "rules": {"CHORALE-FX-XML-UNREADABLE"},
    },
}


def manifest_rows() -> list[dict]:
    if not CORPUS.is_dir():
        return []
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as manifest:
        return list(csv.DictReader(manifest, delimiter="\t"))


ROWS = manifest_rows()
pytestmark = pytest.mark.skipif(
    not ROWS, reason=f"{CORPUS} is absent: the corpus test needs ../shared/corpus"
)


@pytest.fixture(scope="module")
def reports():
    """validate_invoice --json run once over the whole corpus, as an operator would."""
    xslt = cen_cii_xslt()
    out = io.StringIO()
    with (
        override_settings(CHORALE_CEN_CII_XSLT=str(xslt) if xslt else None),
        pytest.raises(SystemExit) as exit_,
    ):
        call_command("validate_invoice", *[str(CORPUS / row["file"]) for row in ROWS], "--json", stdout=out)
    assert exit_.value.code == 1  # the corpus holds invalid invoices
    return {
        Path(report["file"]).relative_to(CORPUS).as_posix(): report for report in json.loads(out.getvalue())
    }


def ids(row):
    return row["file"] if row else "absent"


@pytest.mark.parametrize("row", ROWS or [None], ids=ids)
def test_verdict_format_and_profile_match_the_manifest(row, reports):
    report = reports[row["file"]]
    exception = EXCEPTIONS.get(row["file"], {})
    errors = {f["rule"] for f in report["findings"] if f["severity"] == "error"}

    assert report["format"] == exception.get("format", FORMATS[row["format"]])
    assert report["profile"] == (None if row["profile"] == "-" else row["profile"])
    if row["observed_verdict"] == "valid":
        assert report["valid"], report["findings"]
    else:
        assert not report["valid"]
    if row["observed_verdict"] == "reject(no xml)":
        assert errors & exception.get("rules", {"CHORALE-PDF-NO-XML"})
    assert set(row["observed_rules"].split()) <= errors


@pytest.mark.parametrize("row", ROWS or [None], ids=ids)
def test_extracted_references_match_the_manifest(row, reports):
    invoice = reports[row["file"]]["invoice"]
    if invoice is None:
        assert not reports[row["file"]]["valid"]
        return

    assert invoice["type_code"] == row["type_code"]
    assert (invoice["service_code"] or "") == row["buyer_ref_BT10"]
    assert (invoice["engagement"] or "") == row["po_BT13"]
    sirets = re.findall(r"\b(?:0009|0002):(\d{14})\b", row["buyer_ids"])
    if sirets:
        assert invoice["buyer_siret"] == sirets[0]


def test_the_unreadable_embedded_xml_is_reported_as_present_but_unreadable(reports):
    report = reports["zugferd-corpus/factur-x-invalid-xml-encoding-attribute.pdf"]

    assert [f["rule"] for f in report["findings"]] == ["CHORALE-FX-XML-UNREADABLE"]
    assert "contient le fichier factur-x.xml" in report["findings"][0]["message"]
