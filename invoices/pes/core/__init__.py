"""PES V2 (PES_Aller) writer and reader for invoices carried as pièces justificatives. Django-free.

Written flows carry only PJ (a `PES_PJ` block, no `PES_DepenseAller`): the mandats are written by the
collectivity's financial software. Each PJ holds its document gzip-compressed then base64-encoded. Two shapes,
per document:

* with `RefCompta` (Domaine 01, Exercice, TypeObjet = bordereau type, Identifiant = mandat IdPce,
  ComplementIdentifiant = line IdLigne) when the mandat was already sent: give `PjDocument.ref_compta`;
* without it, for invoices not mandated yet: the financial software then writes a `PJRef` (Support 01,
  IdUnique, NomPJ, TypePJ) in the mandat; `pj_list_csv` / `pj_list_json` give it what to write.

Public API::

    validate_header(header: PesHeader) -> list[FieldError]
    validate_ref_compta(ref: RefCompta, type_pj="003") -> list[FieldError]
    write_pes(documents: Iterable[PjDocument], header: PesHeader, out_dir, *, max_bytes: int,
              nom_fic_prefix: str | None = None, xsd_dir=None, now: datetime | None = None,
              compresslevel: int = 6) -> ExportReport
    read_pes(path) -> PesFile
    format_report(pes: PesFile) -> str
    validate_pes(path, xsd_dir) -> list[str]
    load_schema(xsd_dir) -> lxml.etree.XMLSchema             # compiled once per process
    sign_pes(path_in, path_out, pkcs12_bytes, password, *, xsd_dir=None) -> SignatureInfo
    verify_pes_signature(path, *, x509_cert=None, ca_pem_file=None) -> SignatureInfo
    pj_name(invoice_number, year, supplier_name, extension, *, max_length=100) -> str
    attachment_name(invoice_number, year, supplier_name, index, extension, *, max_length=100) -> str
    document_name(doc: PjDocument) -> str      # attachment_name when doc.attachment_index, else pj_name
    id_unique(siret, key, *, revision=0) -> str
    read_acquit(data: bytes, *, xsd_dir=None, max_bytes=...) -> PesAcquit;  read_acquit_file(path, ...)
    format_acquit(ack: PesAcquit) -> str
    check_mandat_reference(exercice, bordereau, numero, ligne="", *, current_year=None) -> list[FieldError]
    mandat_ref_compta(exercice, numero, ligne="", *, type_bordereau="01") -> RefCompta
    pj_list_rows(report) -> list[dict];  pj_list_csv(report_or_rows, *, delimiter=";") -> str
    pj_list_json(report_or_rows) -> str
    to_latin1(text) -> (str, changed)

Errors (all `PesError`): InvalidHeaderError (`.errors`, `.fields`), EmptyExportError, PesValidationError
(`.errors`; the file was deleted), SchemaNotFoundError, PesSignatureError, AcquitRefusedError (`.code`,
`.message_fr`, `.message_en`, `.errors`: an uploaded acknowledgement that is hostile, foreign or invalid).

Files are ISO-8859-1; text outside Latin-1 is transliterated and text longer than the schema allows
is cut, each change listed in `ExportReport.lines` (bilingual, with the document key and field). A document
that cannot be written (bad RefCompta, empty content, larger than the cap on its own, ...) is left out with
an error line; `ExportReport.skipped_keys` lists them.
"""

from invoices.pes.core.acquit import ACQUIT_MAX_BYTES, format_acquit, read_acquit, read_acquit_file
from invoices.pes.core.acquit_model import AckElement, AckError, PesAcquit
from invoices.pes.core.credit_note import CREDIT_NOTE_TYPE_OBJET, CREDIT_NOTE_TYPE_PJ
from invoices.pes.core.errors import (
    AcquitRefusedError,
    EmptyExportError,
    FieldError,
    InvalidHeaderError,
    PesError,
    PesSignatureError,
    PesValidationError,
    SchemaNotFoundError,
)
from invoices.pes.core.header import validate_header, validate_ref_compta
from invoices.pes.core.mandat import check_mandat_reference, mandat_ref_compta
from invoices.pes.core.model import (
    DOMAINE_TYPES_PJ,
    TYPE_PJ_LABELS,
    ExportReport,
    PesHeader,
    PjDocument,
    RefCompta,
    ReportLine,
    WrittenFile,
    WrittenPj,
)
from invoices.pes.core.naming import attachment_name, document_name, id_unique, pj_name
from invoices.pes.core.pjlist import PJ_LIST_COLUMNS, pj_list_csv, pj_list_json, pj_list_rows
from invoices.pes.core.reader import PesFile, PjInfo, PjRefInfo, RefComptaInfo, format_report, read_pes
from invoices.pes.core.schema import load_acquit_schema, load_schema, validate_pes
from invoices.pes.core.signature import SignatureInfo, sign_pes, verify_pes_signature
from invoices.pes.core.text import to_latin1
from invoices.pes.core.writer import write_pes

__all__ = [
    "ACQUIT_MAX_BYTES",
    "CREDIT_NOTE_TYPE_OBJET",
    "CREDIT_NOTE_TYPE_PJ",
    "DOMAINE_TYPES_PJ",
    "PJ_LIST_COLUMNS",
    "TYPE_PJ_LABELS",
    "AckElement",
    "AckError",
    "AcquitRefusedError",
    "EmptyExportError",
    "ExportReport",
    "FieldError",
    "InvalidHeaderError",
    "PesAcquit",
    "PesError",
    "PesFile",
    "PesHeader",
    "PesSignatureError",
    "PesValidationError",
    "PjDocument",
    "PjInfo",
    "PjRefInfo",
    "RefCompta",
    "RefComptaInfo",
    "ReportLine",
    "SchemaNotFoundError",
    "SignatureInfo",
    "WrittenFile",
    "WrittenPj",
    "attachment_name",
    "check_mandat_reference",
    "document_name",
    "format_acquit",
    "format_report",
    "id_unique",
    "load_acquit_schema",
    "load_schema",
    "mandat_ref_compta",
    "pj_list_csv",
    "pj_list_json",
    "pj_list_rows",
    "pj_name",
    "read_acquit",
    "read_acquit_file",
    "read_pes",
    "sign_pes",
    "to_latin1",
    "validate_header",
    "validate_pes",
    "validate_ref_compta",
    "verify_pes_signature",
    "write_pes",
]
