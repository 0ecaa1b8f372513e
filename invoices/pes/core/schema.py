"""XSD validation of PES_Aller files against the DGFiP schemas, offline and streamed."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from lxml import etree

from invoices.pes.core.errors import SchemaNotFoundError

ENTRY = Path("PES_V2") / "Rev0" / "PES_Aller.xsd"
# Above this size an invalid file is not re-read as a whole tree to locate its errors.
_DIAGNOSE_MAX_BYTES = 256 * 1024 * 1024
_lock = threading.Lock()


def schema_entry(xsd_dir: str | Path) -> Path:
    """`<xsd_dir>/PES_V2/Rev0/PES_Aller.xsd`, or SchemaNotFoundError."""
    path = Path(xsd_dir) / ENTRY
    if not path.is_file():
        raise SchemaNotFoundError(f"{path} not found: the PES schema folder must hold {ENTRY}")
    return path


def load_schema(xsd_dir: str | Path) -> etree.XMLSchema:
    """The compiled PES_Aller schema, compiled once per process and folder."""
    return _compiled(str(schema_entry(xsd_dir).resolve()))


def _parser(**options) -> etree.XMLParser:
    # no_network: a schemaLocation or DTD pointing to a URL must fail, never be fetched.
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, **options)


@functools.lru_cache(maxsize=4)
def _compiled(entry: str) -> etree.XMLSchema:
    with _lock:
        return etree.XMLSchema(etree.parse(entry, _parser()))


def _messages(error_log) -> list[str]:
    return [
        f"line {e.line}: {e.message}" if e.line else e.message
        for e in error_log
        if e.level >= etree.ErrorLevels.ERROR and e.domain_name != "SCHEMASP"
    ]


def validate_pes(path: str | Path, xsd_dir: str | Path) -> list[str]:
    """The schema errors of the file at `path` ('line N: message'); an empty list means valid.

    The file is validated while it is parsed and each PJ is dropped once checked, so memory holds one PJ at a
    time. Only an invalid file is parsed again as a whole, to report every error with its line.
    """
    schema = load_schema(xsd_dir)
    path = Path(path)
    # The error log of an iterparse failure carries earlier entries of this thread's global log.
    etree.clear_error_log()
    try:
        context = etree.iterparse(
            str(path),
            events=("end",),
            schema=schema,
            huge_tree=True,
            no_network=True,
            resolve_entities=False,
            load_dtd=False,
        )
        for _event, element in context:
            if element.tag == "PJ":
                element.clear(keep_tail=True)
    except OSError as exc:
        return [str(exc)]
    except etree.XMLSyntaxError as exc:
        streamed = _messages(exc.error_log) or [str(exc)]
        if path.stat().st_size > _DIAGNOSE_MAX_BYTES:
            return streamed
        try:
            tree = etree.parse(str(path), _parser(huge_tree=True))
        except etree.XMLSyntaxError as parse_exc:
            return _messages(parse_exc.error_log) or [str(parse_exc)]
        if schema.validate(tree):
            return streamed
        return _messages(schema.error_log) or streamed
    return []


# Hélios's acknowledgement schemas, beside PES_Aller.xsd in the same DGFiP set: V1 and V2 differ by namespace.
ACQUIT_ENTRIES = {
    1: Path("PES_V2") / "Rev0" / "PES_V2_Acquit_Autonome.xsd",
    2: Path("PES_V2") / "Rev0" / "PES_V2_Acquit_Autonome_V2.xsd",
}


def load_acquit_schema(xsd_dir: str | Path, version: int) -> etree.XMLSchema:
    """The compiled PES_ACQUIT schema of `version` (1 or 2), or SchemaNotFoundError."""
    path = Path(xsd_dir) / ACQUIT_ENTRIES[version]
    if not path.is_file():
        entry = ACQUIT_ENTRIES[version]
        raise SchemaNotFoundError(f"{path} not found: the PES schema folder must hold {entry}")
    return _compiled(str(path.resolve()))
