"""The Django side of validation: configuration from settings, deposit limits, attachments and ZIP files.

`invoices.formats` reads and checks one invoice without Django; this module decides what a deposit may
hold (sizes, names, types of attachments, ZIP archives) with the limits of the settings, and turns a
recipient's choices (the 2026 reform rules as errors) into severities.
"""

import logging
import posixpath
import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language

from invoices.formats.findings import ERROR, WARNING, Finding
from invoices.formats.model import ValidationConfig
from invoices.formats.sniff import office_archive, sniff

log = logging.getLogger(__name__)

# The French CTC rules (2026 reform) report as warnings unless the recipient opted in (every one of their
# assertions is flagged fatal, so a warning from them is exactly an error demoted by ValidationConfig).
CTC_RULE_PREFIX = "BR-FR-"

# Pièces jointes accepted by Chorus Pro, each checked against its content (magic bytes).
ATTACHMENT_EXTENSIONS = {
    "pdf": "pdf",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
    "gif": "gif",
    "bmp": "bmp",
    "tif": "tiff",
    "tiff": "tiff",
    "xml": "xml",
    "txt": "text",
    "csv": "text",
    "rtf": "rtf",
    "zip": "zip",
    "odt": "odf",
    "ods": "odf",
    "odp": "odf",
    "docx": "ooxml",
    "xlsx": "ooxml",
    "pptx": "ooxml",
    "doc": "ole",
    "xls": "ole",
    "ppt": "ole",
}

MESSAGES = {
    "CHORALE-DEPOSIT-EMPTY": (
        "Aucun fichier de facture n'a été déposé.",
        "No invoice file was deposited.",
    ),
    "CHORALE-DEPOSIT-TOO-LARGE": (
        "Dépôt trop volumineux : {size} pour un maximum de {limit} par envoi. Déposez les factures en "
        "plusieurs fois.",
        "Deposit too large: {size}, the limit is {limit} per upload. Deposit the invoices in several goes.",
    ),
    "CHORALE-DEPOSIT-UNREADABLE": (
        "Le dépôt n'a pas pu être lu : {detail}",
        "The deposit could not be read: {detail}",
    ),
    "CHORALE-FILE-TOO-LARGE": (
        "Le fichier « {name} » dépasse la taille maximale de {limit} par fichier.",
        "The file '{name}' exceeds the limit of {limit} per file.",
    ),
    "CHORALE-FILENAME-TOO-LONG": (
        "Le nom du fichier « {name} » compte {length} caractères ; il en admet au plus {limit}.",
        "The file name '{name}' has {length} characters; at most {limit} are allowed.",
    ),
    "CHORALE-INVOICE-TOO-LARGE": (
        "La facture et ses pièces jointes pèsent {size}, pour un maximum de {limit} par facture.",
        "The invoice and its attachments weigh {size}, the limit is {limit} per invoice.",
    ),
    "CHORALE-ATTACHMENT-TYPE": (
        "La pièce jointe « {name} » n'est pas d'un type accepté ({allowed}).",
        "The attachment '{name}' is not of an accepted type ({allowed}).",
    ),
    "CHORALE-ATTACHMENT-CONTENT": (
        "Le contenu de la pièce jointe « {name} » ne correspond pas à son extension .{extension}.",
        "The content of the attachment '{name}' does not match its extension .{extension}.",
    ),
    "CHORALE-ATTACHMENT-DOCTYPE": (
        "La pièce jointe XML « {name} » contient une déclaration DOCTYPE, refusée pour des raisons de "
        "sécurité.",
        "The XML attachment '{name}' contains a DOCTYPE declaration, refused for security reasons.",
    ),
    "CHORALE-ATTACHMENT-REFUSED": (
        "Une pièce jointe de cette facture est refusée : « {name} ».",
        "An attachment of this invoice is refused: '{name}'.",
    ),
    "CHORALE-ATTACHMENTS-ONE-INVOICE": (
        "Des pièces jointes accompagnent une seule facture : déposez les factures une à une avec leurs "
        "pièces jointes.",
        "Attachments go with a single invoice: deposit the invoices one by one with their attachments.",
    ),
    "CHORALE-ZIP-ONE-INVOICE": (
        "L'API reçoit une facture par appel : déposez les factures de ce ZIP une à une, ou le ZIP sur le "
        "portail.",
        "The API takes one invoice per call: deposit the invoices of this ZIP one by one, or the ZIP on "
        "the portal.",
    ),
    "CHORALE-ZIP-UNREADABLE": (
        "L'archive ZIP « {name} » est illisible : {detail}",
        "The ZIP archive '{name}' cannot be read: {detail}",
    ),
    "CHORALE-ZIP-TOO-MANY": (
        "L'archive ZIP « {name} » contient {count} fichiers, pour un maximum de {limit}.",
        "The ZIP archive '{name}' holds {count} files, the limit is {limit}.",
    ),
    "CHORALE-ZIP-TOO-LARGE": (
        "L'archive ZIP « {name} » se décompresse en plus de {limit} : refusée.",
        "The ZIP archive '{name}' expands to more than {limit}: refused.",
    ),
    "CHORALE-ZIP-EMPTY": (
        "L'archive ZIP « {name} » ne contient aucun fichier.",
        "The ZIP archive '{name}' holds no file.",
    ),
    "CHORALE-ZIP-MEMBER-UNREADABLE": (
        "Le fichier « {name} » de l'archive n'a pas pu être extrait : {detail}",
        "The file '{name}' of the archive could not be extracted: {detail}",
    ),
    "CHORALE-ZIP-ENCRYPTED": (
        "Le fichier « {name} » de l'archive est protégé par un mot de passe.",
        "The file '{name}' of the archive is password-protected.",
    ),
    "CHORALE-ZIP-NESTED": (
        "Le fichier « {name} » est une archive dans l'archive : déposez les factures à plat.",
        "The file '{name}' is an archive within the archive: deposit the invoices unnested.",
    ),
    "CHORALE-ALREADY-DEPOSITED": (
        "Ce fichier a déjà été déposé le {date} (dépôt {deposit}).",
        "This file was already deposited on {date} (deposit {deposit}).",
    ),
    "CHORALE-DUPLICATE-IN-DEPOSIT": (
        "Doublon dans ce dépôt : la facture n° {number} figure déjà dans le fichier « {other} ».",
        "Duplicate within this deposit: invoice number {number} is already in the file '{other}'.",
    ),
    "CHORALE-PDF-FORM-REQUIRED": (
        "PDF sans données structurées (ni Factur-X ni ZUGFeRD) : pour le déposer, déposez-le seul en "
        "saisissant les données d'acheminement et les montants dans le formulaire « PDF simple ».",
        "PDF without structured data (neither Factur-X nor ZUGFeRD): to deposit it, deposit it alone and "
        "type the routing data and the amounts in the 'plain PDF' form.",
    ),
    "CHORALE-FORM-IGNORED": (
        "Les données saisies dans le formulaire « PDF simple » sont ignorées : la facture porte ses propres "
        "données structurées.",
        "The data typed in the 'plain PDF' form are ignored: the invoice carries its own structured data.",
    ),
    "CHORALE-RECORD-FAILED": (
        "La facture n'a pas pu être enregistrée (erreur interne) : rien n'en a été conservé, "
        "déposez-la de nouveau.",
        "The invoice could not be recorded (internal error): nothing of it was kept, deposit it again.",
    ),
    "CHORALE-VALIDATION-FAILED": (
        "Le fichier « {name} » n'a pas pu être contrôlé (erreur interne) : il est refusé. Si le problème "
        "persiste, signalez-le au support.",
        "The file '{name}' could not be checked (internal error): it is refused. If the problem persists, "
        "report it to support.",
    ),
    "CHORALE-IDEMPOTENCY-MISMATCH": (
        "La clé d'idempotence « {key} » a déjà servi pour un autre fichier : utilisez une nouvelle clé "
        "pour un nouveau dépôt.",
        "The idempotency key '{key}' was already used for another file: use a new key for a new deposit.",
    ),
    "CHORALE-IDEMPOTENCY-KEY": (
        "La clé d'idempotence compte {length} caractères ; elle en admet au plus {limit}.",
        "The idempotency key has {length} characters; at most {limit} are allowed.",
    ),
    "CHORALE-FLOW-FAILED": (
        "Le fichier « {name} » n'a pas pu être traité : son traitement a été interrompu {attempts} fois. "
        "Il est refusé, rien n'en a été enregistré ; déposez-le de nouveau.",
        "The file '{name}' could not be processed: its processing was interrupted {attempts} times. It is "
        "refused and nothing of it was recorded; deposit it again.",
    ),
}


def deposit_finding(rule: str, location: str = "", severity: str = ERROR, **params) -> Finding:
    fr, en = MESSAGES[rule]
    fr_params = {k: v.fr if isinstance(v, Size) else v for k, v in params.items()}
    en_params = {k: v.en if isinstance(v, Size) else v for k, v in params.items()}
    return Finding(severity, rule, fr.format(**fr_params), en.format(**en_params), location)


@dataclass(frozen=True)
class Size:
    """A byte count written for people, in each language (Mo / MB)."""

    n: int

    def _format(self, units: tuple[str, ...]) -> str:
        value, unit = float(self.n), 0
        while value >= 1024 and unit < len(units) - 1:
            value, unit = value / 1024, unit + 1
        number = f"{value:.0f}" if unit == 0 or value >= 100 else f"{value:.1f}".removesuffix(".0")
        return f"{number} {units[unit]}"

    @property
    def fr(self) -> str:
        return self._format(("octets", "Ko", "Mo", "Go")).replace(".", ",")

    @property
    def en(self) -> str:
        return self._format(("bytes", "KB", "MB", "GB"))

    def __str__(self) -> str:
        return self.en if (get_language() or "fr").startswith("en") else self.fr


@dataclass(frozen=True)
class Limits:
    """What a deposit may hold, from the settings (Chorus Pro's values by default)."""

    max_file_bytes: int
    max_invoice_bytes: int
    max_filename_chars: int
    max_zip_members: int
    max_zip_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        invoice = settings.CHORALE_MAX_INVOICE_BYTES
        return cls(
            max_file_bytes=settings.CHORALE_MAX_FILE_BYTES,
            max_invoice_bytes=invoice,
            max_filename_chars=settings.CHORALE_MAX_FILENAME_CHARS,
            max_zip_members=getattr(settings, "CHORALE_MAX_ZIP_MEMBERS", 100),
            max_zip_bytes=getattr(settings, "CHORALE_MAX_ZIP_BYTES", invoice),
        )

    @property
    def max_request_bytes(self) -> int:
        """One upload: an invoice with its attachments, plus room for form fields and multipart framing."""
        return self.max_invoice_bytes + 1024 * 1024

    def for_display(self) -> dict:
        return {
            "max_file": Size(self.max_file_bytes),
            "max_invoice": Size(self.max_invoice_bytes),
            "max_filename_chars": self.max_filename_chars,
            "max_zip_members": self.max_zip_members,
            "extensions": ", ".join(sorted(ATTACHMENT_EXTENSIONS)),
        }

    def as_dict(self) -> dict:
        return {
            "max_file_bytes": self.max_file_bytes,
            "max_invoice_bytes": self.max_invoice_bytes,
            "max_filename_chars": self.max_filename_chars,
            "max_zip_members": self.max_zip_members,
            "attachment_extensions": sorted(ATTACHMENT_EXTENSIONS),
        }


def validation_config() -> ValidationConfig:
    """The formats layer's configuration from the settings; a recipient's own choice comes in promote_ctc."""
    return ValidationConfig.from_settings(settings)


def promote_ctc(findings: list[Finding], recipient) -> list[Finding]:
    """A recipient that opted in (`ctc_rules_as_errors`) refuses invoices breaking the 2026 reform rules.

    Validating once with warnings and promoting them afterwards gives the same verdict as validating with
    `ctc_as_errors=True`, without validating twice once the recipient is known.
    """
    if recipient is None or not recipient.ctc_rules_as_errors:
        return findings
    return [
        Finding(ERROR, f.rule, f.message, f.message_en, f.location)
        if f.severity == WARNING and f.rule.startswith(CTC_RULE_PREFIX)
        else f
        for f in findings
    ]


def check_filename(name: str, limits: Limits, location: str = "") -> list[Finding]:
    if len(name) > limits.max_filename_chars:
        return [
            deposit_finding(
                "CHORALE-FILENAME-TOO-LONG",
                location or name,
                name=name,
                length=len(name),
                limit=limits.max_filename_chars,
            )
        ]
    return []


def check_attachment(name: str, data: bytes, location: str = "") -> list[Finding]:
    """An attachment's extension is on the allow-list and its content is what the extension says."""
    location = location or name
    extension = posixpath.splitext(name)[1].lower().lstrip(".")
    expected = ATTACHMENT_EXTENSIONS.get(extension)
    if expected is None:
        allowed = ", ".join(sorted(ATTACHMENT_EXTENSIONS))
        return [deposit_finding("CHORALE-ATTACHMENT-TYPE", location, name=name, allowed=allowed)]
    found = sniff(data)
    if expected in ("odf", "ooxml"):
        matches = found == "zip" and office_archive(data) == expected
    elif expected == "text":
        matches = found in ("text", "xml")
    else:
        matches = found == expected
    if not matches:
        return [deposit_finding("CHORALE-ATTACHMENT-CONTENT", location, name=name, extension=extension)]
    if expected == "xml" and b"<!doctype" in data[:65536].lower():
        return [deposit_finding("CHORALE-ATTACHMENT-DOCTYPE", location, name=name)]
    return []


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class ZipMember:
    name: str
    data: bytes | None
    findings: list[Finding]


def expand_zip(name: str, data: bytes, limits: Limits) -> tuple[list[ZipMember], list[Finding]]:
    """The invoice files of a ZIP archive, read with bounded sizes (never trusting the declared ones).

    A zip bomb is stopped three ways: the member count, the declared total and the bytes actually
    inflated, each capped; a member is never inflated past the per-file limit.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir() and not _ignored_member(i.filename)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        return [], [deposit_finding("CHORALE-ZIP-UNREADABLE", name, name=name, detail=_short(exc))]
    too_large = [deposit_finding("CHORALE-ZIP-TOO-LARGE", name, name=name, limit=Size(limits.max_zip_bytes))]
    if not infos:
        return [], [deposit_finding("CHORALE-ZIP-EMPTY", name, name=name)]
    if len(infos) > limits.max_zip_members:
        return [], [
            deposit_finding(
                "CHORALE-ZIP-TOO-MANY", name, name=name, count=len(infos), limit=limits.max_zip_members
            )
        ]
    if sum(i.file_size for i in infos) > limits.max_zip_bytes:
        return [], too_large
    members, inflated = [], 0
    for info in infos:
        member_name = posixpath.basename(info.filename.replace("\\", "/"))
        location = f"{name}/{info.filename}"

        def refused(rule, location=location, member_name=member_name, **params):
            return ZipMember(member_name, None, [deposit_finding(rule, location, name=member_name, **params)])

        if info.flag_bits & 0x1:
            members.append(refused("CHORALE-ZIP-ENCRYPTED"))
            continue
        if info.file_size > limits.max_file_bytes:
            members.append(refused("CHORALE-FILE-TOO-LARGE", limit=Size(limits.max_file_bytes)))
            continue
        try:
            with archive.open(info) as stream:
                payload = stream.read(limits.max_file_bytes + 1)
        except Exception as exc:  # zipfile, zlib, bz2 and lzma each raise their own errors on a bad member
            log.info("ZIP member %s of %s unreadable: %s", info.filename, name, _short(exc))
            members.append(refused("CHORALE-ZIP-MEMBER-UNREADABLE", detail=_short(exc)))
            continue
        if len(payload) > limits.max_file_bytes:
            members.append(refused("CHORALE-FILE-TOO-LARGE", limit=Size(limits.max_file_bytes)))
            continue
        inflated += len(payload)
        if inflated > limits.max_zip_bytes:
            return [], too_large
        findings = check_filename(member_name, limits, location)
        if is_zip(payload):
            findings.append(deposit_finding("CHORALE-ZIP-NESTED", location, name=member_name))
        members.append(ZipMember(member_name, payload, findings))
    return members, []


def _ignored_member(filename: str) -> bool:
    """Files archivers add on their own (macOS resource forks, Windows thumbnails, hidden files)."""
    base = posixpath.basename(filename.replace("\\", "/"))
    return filename.startswith("__MACOSX/") or base.startswith(".") or base.lower() == "thumbs.db"


def _short(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}")[:300]


class DepositUploadHandler(FileUploadHandler):
    """First upload handler of the deposit endpoints: never keeps more of a file than the per-file limit.

    Django would otherwise spool a huge upload to a temporary file before any view code runs. A request
    larger than a whole deposit may be is not parsed at all; a file past the per-file limit is skipped
    (its remaining bytes are read and dropped) and noted in `oversized`, so the report can name it.
    """

    def __init__(self, request=None, *, limits: Limits):
        super().__init__(request)
        self.limits = limits
        self.oversized: list[tuple[str, str]] = []
        self.request_too_large = False
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limits.max_request_bytes:
            self.request_too_large = True
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limits.max_file_bytes:
            self.oversized.append((self.field_name, self.file_name or ""))
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def request_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except (TypeError, ValueError):
        return 0


def guard_uploads(request, limits: Limits) -> DepositUploadHandler | None:
    """Put the deposit upload handler first, if the body has not been parsed yet (else None)."""
    if hasattr(request, "_files"):
        return installed_guard(request)
    if installed_guard(request) is None:
        handler = DepositUploadHandler(request, limits=limits)
        request.upload_handlers.insert(0, handler)
        request.chorale_upload_guard = handler
    return installed_guard(request)


def installed_guard(request) -> DepositUploadHandler | None:
    return getattr(request, "chorale_upload_guard", None)


def read_bounded(upload, limit: int) -> bytes:
    """At most `limit` bytes: a file announcing a false size is still not read past the limit."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        parts, total = [], 0
        for chunk in upload.chunks():
            parts.append(chunk)
            total += len(chunk)
            if total >= limit:
                break
        return b"".join(parts)[:limit]
    return upload.read(limit)
