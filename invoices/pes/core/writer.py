"""Streaming writer of PJ-only PES_Aller flows, split under a size cap.

Each document is read once, gzip-compressed and base64-encoded chunk by chunk straight into the output
file, so memory stays flat whatever the size or number of documents. A document is written at the end of
the current file; when that pushes the file over the cap, its bytes (already encoded, independent of the
file they sit in) are moved to a new file and the current one is closed. No file ever exceeds the cap: a
document that cannot fit even alone is left out with an error line.
"""

from __future__ import annotations

import binascii
import hashlib
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from invoices.pes.core import report_lines
from invoices.pes.core.errors import EmptyExportError, InvalidHeaderError, PesError, PesValidationError
from invoices.pes.core.header import validate_header, validate_ref_compta
from invoices.pes.core.model import (
    TYPE_PJ_LABELS,
    ExportReport,
    PesHeader,
    PjDocument,
    WrittenFile,
    WrittenPj,
)
from invoices.pes.core.naming import (
    clean_extension,
    default_nom_fic_prefix,
    document_name,
    id_unique,
    nom_fic,
    unique_name,
)
from invoices.pes.core.schema import load_schema, validate_pes
from invoices.pes.core.text import (
    DESCRIPTION_MAX,
    NOM_PJ_MAX,
    schema_text_ok,
    to_latin1,
    truncate,
)

NS_ALLER = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"
ENCODING = "ISO-8859-1"
READ_CHUNK = 1024 * 1024
_SLICE = 192 * 1024
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")
_TAIL = b"  </PES_PJ>\n</n:PES_Aller>\n"
# Below this cap not even one small PJ fits next to the header.
_MIN_CAP = 8 * 1024


class _TooLarge(Exception):
    pass


class _Unreadable(Exception):
    """Reading the document failed (as opposed to writing the output, which aborts the export)."""


def _read_chunks(doc: PjDocument):
    """The document's chunks, each read error turned into _Unreadable; closes the source."""
    try:
        source = doc.open()
    except OSError as exc:
        raise _Unreadable(exc) from exc
    try:
        chunks = _chunks(source)
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            except OSError as exc:
                raise _Unreadable(exc) from exc
            yield chunk
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


@dataclass
class _Prepared:
    doc: PjDocument
    key: str
    id_unique: str
    nom_pj: str
    description: str
    extension: str
    mime_type: str


@dataclass
class _OpenFile:
    nom_fic: str
    part_path: Path
    final_path: Path
    handle: BinaryIO
    head_len: int
    documents: list[WrittenPj] = field(default_factory=list)


def _whole(value, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _extension_ok(extension) -> bool:
    try:
        clean_extension(extension)
    except ValueError:
        return False
    return True


def _v(tag: str, value: str) -> etree._Element:
    return etree.Element(tag, V=value)


def _head(header: PesHeader, libelles: dict[str, str], name: str, day: str) -> bytes:
    envelope = etree.Element("Enveloppe")
    params = etree.SubElement(envelope, "Parametres")
    params.extend([_v("Version", "2"), _v("TypFic", header.typ_fic), _v("NomFic", name)])
    emitter = etree.SubElement(envelope, "Emetteur")
    emitter.extend([_v("Sigle", header.emetteur_sigle), _v("Adresse", header.emetteur_adresse)])
    entete = etree.Element("EnTetePES")
    entete.extend([_v("DteStr", day), _v("IdPost", header.id_post)])
    if libelles["libelle_poste"]:
        entete.append(_v("LibellePoste", libelles["libelle_poste"]))
    entete.append(_v("IdColl", header.id_coll))
    if header.fin_jur:
        entete.append(_v("FinJur", header.fin_jur))
    entete.extend([_v("CodCol", header.cod_col), _v("CodBud", header.cod_bud)])
    if libelles["libelle_col_bud"]:
        entete.append(_v("LibelleColBud", libelles["libelle_col_bud"]))
    pj_head = etree.Element("EnTetePES_PJ")
    pj_head.append(_v("IdVer", "1"))
    parts = [
        f'<?xml version="1.0" encoding="{ENCODING}"?>\n'.encode("ascii"),
        f'<n:PES_Aller xmlns:n="{NS_ALLER}" Id="PES_{name}">\n'.encode("ascii"),
    ]
    for element, level in ((envelope, 1), (entete, 1)):
        etree.indent(element, space="  ", level=level)
        parts.append(b"  " + etree.tostring(element, encoding=ENCODING, xml_declaration=False) + b"\n")
    etree.indent(pj_head, space="  ", level=2)
    parts.append(
        b"  <PES_PJ>\n    " + etree.tostring(pj_head, encoding=ENCODING, xml_declaration=False) + b"\n"
    )
    return b"".join(parts)


def _chunks(source):
    if hasattr(source, "read"):
        while chunk := source.read(READ_CHUNK):
            yield chunk
    else:
        for chunk in source:
            if chunk:
                yield bytes(chunk)


def _write_pj(handle: BinaryIO, prep: _Prepared, limit: int, compresslevel: int) -> tuple[int, str]:
    """Write one `<PJ>` element at the handle's position; return the original size and SHA-256.

    Raises _TooLarge as soon as the encoded content alone exceeds `limit` bytes.
    """
    digest = hashlib.sha256()
    size = 0
    encoded = 0
    pending = b""
    # wbits 31: a gzip member (header with mtime 0, so the same document always encodes to the same bytes).
    compressor = zlib.compressobj(compresslevel, zlib.DEFLATED, 31)
    handle.write(b"    ")
    # Unbuffered: a buffered xmlfile keeps every written chunk in memory until the session ends.
    with etree.xmlfile(handle, encoding=ENCODING, buffered=False) as xf, xf.element("PJ"):
        xf.write("\n      ")
        with xf.element("Contenu"):
            xf.write("\n        ")
            with xf.element("Fichier", MIMEType=prep.mime_type):

                def emit(data: bytes) -> None:
                    nonlocal pending, encoded
                    data = pending + data if pending else data
                    cut = len(data) - len(data) % 3
                    pending = data[cut:]
                    if cut:
                        text = binascii.b2a_base64(data[:cut], newline=False).decode("ascii")
                        encoded += len(text)
                        if encoded > limit:
                            raise _TooLarge
                        xf.write(text)

                for chunk in _read_chunks(prep.doc):
                    size += len(chunk)
                    digest.update(chunk)
                    view = memoryview(chunk)
                    # Slices bound the compressed and encoded buffers whatever the caller's chunk size.
                    for offset in range(0, len(view), _SLICE):
                        emit(compressor.compress(view[offset : offset + _SLICE]))
                emit(compressor.flush())
                if pending:
                    xf.write(binascii.b2a_base64(pending, newline=False).decode("ascii"))
            xf.write("\n      ")
        for element in _pj_fields(prep):
            xf.write("\n      ")
            xf.write(element)
        xf.write("\n    ")
    handle.write(b"\n")
    return size, digest.hexdigest()


def _pj_fields(prep: _Prepared) -> list[etree._Element]:
    elements = [
        _v("IdUnique", prep.id_unique),
        _v("NomPJ", prep.nom_pj),
        _v("TypePJ", prep.doc.type_pj),
        _v("Description", prep.description),
    ]
    ref = prep.doc.ref_compta
    if ref is not None:
        block = etree.Element("RefCompta")
        block.extend(
            [
                _v("Domaine", ref.domaine),
                _v("Exercice", str(ref.exercice)),
                _v("TypeObjet", ref.type_bordereau),
                _v("Identifiant", str(ref.id_pce)),
            ]
        )
        if ref.id_ligne:
            block.append(_v("ComplementIdentifiant", str(ref.id_ligne)))
        etree.indent(block, space="  ", level=3)
        elements.append(block)
    return elements


def _file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


class _Export:
    def __init__(self, header, out_dir, max_bytes, prefix, xsd_dir, now, compresslevel):
        self.header = header
        self.out_dir = Path(out_dir)
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.xsd_dir = xsd_dir
        self.day = now.date().isoformat()
        self.compresslevel = compresslevel
        self.report = ExportReport()
        self.libelles = {
            name: report_lines.fit_libelle(getattr(header, name), name, self.report.lines)
            for name in ("libelle_poste", "libelle_col_bud")
        }
        self.part = 0
        self.keys: set[str] = set()
        self.names: set[str] = set()
        self.created: list[Path] = []

    def head(self, name: str) -> bytes:
        return _head(self.header, self.libelles, name, self.day)

    def open_file(self) -> _OpenFile:
        self.part += 1
        name = nom_fic(self.prefix, self.part)
        final = self.out_dir / f"{name}.xml"
        part_path = self.out_dir / f"{name}.xml.part"
        if final.exists():
            raise PesError(f"{final} already exists: choose another nom_fic_prefix")
        handle = part_path.open("x+b")
        self.created.append(part_path)
        head = self.head(name)
        handle.write(head)
        return _OpenFile(name, part_path, final, handle, len(head))

    def close_file(self, current: _OpenFile) -> None:
        current.handle.write(_TAIL)
        current.handle.close()
        if self.xsd_dir:
            errors = validate_pes(current.part_path, self.xsd_dir)
            if errors:
                raise PesValidationError(current.final_path.name, errors)
        current.part_path.replace(current.final_path)
        self.created.append(current.final_path)
        size, sha256 = _file_digest(current.final_path)
        self.report.files.append(
            WrittenFile(current.final_path, current.nom_fic, size, sha256, current.documents)
        )

    def discard(self, current: _OpenFile) -> None:
        current.handle.close()
        current.part_path.unlink(missing_ok=True)

    def cleanup(self) -> None:
        for path in self.created:
            path.unlink(missing_ok=True)

    def refuse(self, key, code: str, field_name: str, **values) -> None:
        fr, en = report_lines.REFUSALS[code]
        self.report.lines.append(
            report_lines.refused(key, code, fr.format(**values), en.format(**values), field_name)
        )

    def check(self, doc: PjDocument, key: str) -> bool:
        """Whether `doc` can be written; otherwise its error lines are added to the report."""
        if not key:
            self.refuse(None, "key_missing", "key")
        elif key in self.keys:
            self.refuse(key, "duplicate_key", "key")
        elif doc.type_pj not in TYPE_PJ_LABELS:
            self.refuse(key, "type_pj", "type_pj", value=doc.type_pj)
        elif not _extension_ok(doc.extension):
            self.refuse(key, "extension", "extension", value=doc.extension)
        elif not _MIME.fullmatch(str(doc.mime_type or "").strip()):
            self.refuse(key, "mime_type", "mime_type", value=doc.mime_type)
        elif not _whole(doc.revision, 0):
            self.refuse(key, "revision", "revision", value=doc.revision)
        elif doc.attachment_index is not None and not _whole(doc.attachment_index, 1):
            self.refuse(key, "attachment_index", "attachment_index", value=doc.attachment_index)
        elif doc.ref_compta is not None and (errors := validate_ref_compta(doc.ref_compta, doc.type_pj)):
            for error in errors:
                self.report.lines.append(
                    report_lines.refused(
                        key,
                        f"ref_compta_{error.code}",
                        f"RefCompta : {error.message_fr}",
                        f"RefCompta: {error.message_en}",
                        f"ref_compta.{error.field}",
                    )
                )
        else:
            return True
        return False

    def prepare(self, doc: PjDocument) -> _Prepared | None:
        lines = self.report.lines
        key = str(doc.key or "").strip()
        if not self.check(doc, key):
            return None
        extension = clean_extension(doc.extension)
        mime_type = str(doc.mime_type).strip()
        self.keys.add(key)

        number, number_changed = to_latin1(str(doc.invoice_number or ""))
        supplier, supplier_changed = to_latin1(str(doc.supplier_name or ""))
        if number_changed:
            lines.append(report_lines.transliterated(key, "invoice_number", doc.invoice_number, number))
        if supplier_changed:
            lines.append(report_lines.transliterated(key, "supplier_name", doc.supplier_name, supplier))

        full_name = document_name(doc, max_length=10**6)
        name = document_name(doc)
        if name != full_name:
            lines.append(report_lines.truncated(key, "nom_pj", full_name, name, NOM_PJ_MAX))
        unique = unique_name(name, self.names)
        if unique != name:
            lines.append(
                report_lines.line(
                    "info",
                    "renamed",
                    "NomPJ déjà pris dans cet export : suffixe ajouté.",
                    "NomPJ already taken in this export: suffix added.",
                    key,
                    "nom_pj",
                    name,
                    unique,
                )
            )

        if doc.description:
            description, changed = to_latin1(doc.description)
            if changed:
                lines.append(report_lines.transliterated(key, "description", doc.description, description))
        else:
            description = " ".join(f"Facture {number} {supplier}".split())
        if not schema_text_ok(description):
            description = f"Facture {unique}"
        fitted, cut = truncate(description, DESCRIPTION_MAX)
        if cut:
            lines.append(report_lines.truncated(key, "description", description, fitted, DESCRIPTION_MAX))
        id_value = id_unique(self.header.id_coll, key, revision=doc.revision)
        return _Prepared(doc, key, id_value, unique, fitted, extension, mime_type)

    def run(self, documents) -> ExportReport:
        current: _OpenFile | None = None
        seen = 0
        tail = len(_TAIL)
        try:
            for doc in documents:
                seen += 1
                prep = self.prepare(doc)
                if prep is None:
                    continue
                if current is None:
                    current = self.open_file()
                start = current.handle.tell()
                room_alone = self.max_bytes - current.head_len - tail
                try:
                    size, sha256 = _write_pj(current.handle, prep, room_alone, self.compresslevel)
                except _TooLarge:
                    self.rewind(current, start)
                    self.too_large(prep)
                    continue
                except _Unreadable as exc:
                    # One unreadable stored file must not block the export of all the others.
                    self.rewind(current, start)
                    self.refuse(prep.key, "unreadable", "content", error=str(exc.__cause__))
                    self.release(prep)
                    continue
                end = current.handle.tell()
                if size == 0 or (prep.doc.size is not None and size != prep.doc.size):
                    self.rewind(current, start)
                    self.bad_content(prep, size)
                    continue
                if end - start > room_alone:
                    self.rewind(current, start)
                    self.too_large(prep)
                    continue
                if end + tail > self.max_bytes:
                    current = self.roll_over(current, start, end)
                current.documents.append(
                    WrittenPj(
                        key=prep.key,
                        id_unique=prep.id_unique,
                        nom_pj=prep.nom_pj,
                        type_pj=prep.doc.type_pj,
                        mime_type=prep.mime_type,
                        description=prep.description,
                        invoice_number=str(prep.doc.invoice_number),
                        supplier_name=str(prep.doc.supplier_name),
                        size=size,
                        sha256=sha256,
                        ref_compta=prep.doc.ref_compta,
                        nom_fic=current.nom_fic,
                    )
                )
            if current is not None:
                if current.documents:
                    self.close_file(current)
                else:
                    self.discard(current)
                current = None
        except BaseException:
            if current is not None:
                current.handle.close()
            self.cleanup()
            raise
        if seen == 0:
            raise EmptyExportError("No document to export: an empty PES flow is not written.")
        return self.report

    def rewind(self, current: _OpenFile, start: int) -> None:
        current.handle.seek(start)
        current.handle.truncate()

    def roll_over(self, current: _OpenFile, start: int, end: int) -> _OpenFile:
        """Move the bytes of the last PJ into a new file and close the current one without it."""
        new = self.open_file()
        current.handle.seek(start)
        remaining = end - start
        while remaining:
            chunk = current.handle.read(min(READ_CHUNK, remaining))
            new.handle.write(chunk)
            remaining -= len(chunk)
        self.rewind(current, start)
        self.close_file(current)
        return new

    def too_large(self, prep: _Prepared) -> None:
        self.refuse(prep.key, "too_large", "size", cap=self.max_bytes)
        self.release(prep)

    def bad_content(self, prep: _Prepared, size: int) -> None:
        if size == 0:
            self.refuse(prep.key, "empty", "size")
        else:
            self.refuse(prep.key, "size_mismatch", "size", size=size, expected=prep.doc.size)
        self.release(prep)

    def release(self, prep: _Prepared) -> None:
        self.names.discard(prep.nom_pj.lower())


def write_pes(
    documents,
    header: PesHeader,
    out_dir,
    *,
    max_bytes: int,
    nom_fic_prefix: str | None = None,
    xsd_dir=None,
    now: datetime | None = None,
    compresslevel: int = 6,
) -> ExportReport:
    """Write `documents` (an iterable of PjDocument) as PJ-only PES_Aller files in `out_dir`.

    Files are named `<NomFic>.xml`, NomFic being `<nom_fic_prefix>_<part on 3 digits>` (default prefix
    `<TypFic>_<SIRET>_<YYYYmmddHHMMSS>`). Raises InvalidHeaderError before writing anything when the
    parameters are wrong, SchemaNotFoundError when `xsd_dir` holds no PES schema, EmptyExportError when
    `documents` is empty, PesValidationError when a file does not validate against the schemas in `xsd_dir`
    (when given). On any error every file of the call is deleted.
    A document that cannot be written is left out with an error line in the report; the others are written.
    """
    errors = validate_header(header)
    if errors:
        raise InvalidHeaderError(errors)
    if max_bytes < _MIN_CAP:
        raise ValueError(f"max_bytes must be at least {_MIN_CAP}")
    if xsd_dir:
        load_schema(xsd_dir)
    now = now or datetime.now()
    prefix = nom_fic_prefix or default_nom_fic_prefix(header.typ_fic, header.id_coll, now)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    export = _Export(header, out, max_bytes, prefix, xsd_dir, now, compresslevel)
    return export.run(documents)
