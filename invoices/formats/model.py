"""The values a validation returns: the extracted invoice, the result, and the configuration."""

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from pathlib import Path

from invoices.formats.findings import Finding

REPO_DIR = Path(__file__).resolve().parents[2]
DEFAULT_CEN_CII_XSLT = REPO_DIR / ".artefacts" / "EN16931-CII-validation.xslt"
# Chorus Pro's limit for one file; the deposit layer passes its own setting.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _jsonable(value):
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@dataclass
class ExtractedInvoice:
    """The fields triage screens and the PES export need, read from CII or UBL (EN 16931 terms)."""

    number: str | None = None
    type_code: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    currency: str | None = None
    seller_name: str | None = None
    seller_siret: str | None = None
    seller_vat: str | None = None
    seller_ids: list[tuple[str, str]] = field(default_factory=list)
    buyer_name: str | None = None
    buyer_siret: str | None = None
    buyer_ids: list[tuple[str, str]] = field(default_factory=list)
    service_code: str | None = None
    """BT-10 buyer reference: where Chorus Pro carries the buyer's service code."""
    engagement: str | None = None
    """BT-13 purchase order reference: the buyer's engagement (commitment) number."""
    preceding_invoice: str | None = None
    """BT-25, the invoice a credit note or corrective invoice refers to."""
    total_without_vat: Decimal | None = None
    total_vat: Decimal | None = None
    total_with_vat: Decimal | None = None
    amount_due: Decimal | None = None
    vat_breakdown: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    payment_terms: str | None = None
    payment_iban: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


@dataclass
class ValidationResult:
    format: str
    """"facturx", "cii", "ubl", "pdf", or "unknown" when the file could not be read."""
    profile: str | None = None
    findings: list[Finding] = field(default_factory=list)
    invoice: ExtractedInvoice | None = None
    xml: bytes | None = None
    has_text: bool | None = None
    attachment_name: str | None = None
    """For a PDF: the name under which the invoice XML is embedded."""

    @property
    def valid(self) -> bool:
        return not any(f.is_error for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def to_dict(self, lang: str = "fr") -> dict:
        return {
            "format": self.format,
            "profile": self.profile,
            "valid": self.valid,
            "findings": [f.to_dict(lang) for f in self.findings],
            "invoice": self.invoice.to_dict() if self.invoice else None,
        }


@dataclass(frozen=True)
class ValidationConfig:
    cen_cii_xslt: str | None = None
    """The CEN EN 16931 CII stylesheet (factur-x lacks it); None: CII outside Factur-X is refused."""
    ctc_as_errors: bool = False
    """French CTC rules (BR-FR-*) block the invoice instead of only warning."""
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def default(cls) -> "ValidationConfig":
        return cls(cen_cii_xslt=str(DEFAULT_CEN_CII_XSLT) if DEFAULT_CEN_CII_XSLT.is_file() else None)

    @classmethod
    def from_settings(cls, settings) -> "ValidationConfig":
        """Build from any object with CHORALE_* attributes (Django settings) without importing Django here."""
        xslt = getattr(settings, "CHORALE_CEN_CII_XSLT", None) or (
            str(DEFAULT_CEN_CII_XSLT) if DEFAULT_CEN_CII_XSLT.is_file() else None
        )
        return cls(
            cen_cii_xslt=xslt if xslt and Path(xslt).is_file() else None,
            ctc_as_errors=bool(getattr(settings, "CHORALE_CTC_AS_ERRORS", False)),
            max_bytes=int(getattr(settings, "CHORALE_MAX_FILE_BYTES", DEFAULT_MAX_BYTES)),
        )
