"""Invoice generators for tests; the code lives in invoices.formats.samples so the demo loader can use it."""

from pathlib import Path

from invoices.formats import ValidationConfig
from invoices.formats.model import DEFAULT_CEN_CII_XSLT
from invoices.formats.samples import (
    BROKEN,
    BUYER_SIRET,
    DEFAULT_IBAN,
    DEFAULT_PRECEDING_INVOICE,
    FACTURX_PROFILES,
    SELLER_SIRET,
    InvoiceSpec,
    Line,
    broken_invoice,
    cii_invoice,
    facturx_pdf,
    image_pdf,
    pdf_with_attachment,
    plain_pdf,
    rename_attachment,
    spec,
    ubl_credit_note,
    ubl_invoice,
    vat_number,
)

__all__ = [
    "BROKEN",
    "BUYER_SIRET",
    "DEFAULT_IBAN",
    "DEFAULT_PRECEDING_INVOICE",
    "FACTURX_PROFILES",
    "SELLER_SIRET",
    "SHARED_CEN_CII_XSLT",
    "InvoiceSpec",
    "Line",
    "broken_invoice",
    "cen_cii_xslt",
    "cii_invoice",
    "facturx_pdf",
    "full_config",
    "image_pdf",
    "pdf_with_attachment",
    "plain_pdf",
    "rename_attachment",
    "spec",
    "ubl_credit_note",
    "ubl_invoice",
    "vat_number",
]

SHARED_CEN_CII_XSLT = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "validation"
    / "en16931-1.3.16"
    / "cii"
    / "EN16931-CII-validation.xslt"
)


def cen_cii_xslt() -> Path | None:
    """The CEN CII stylesheet fetched by scripts/fetch_cen_cii_xslt.py, else the shared reference copy."""
    for candidate in (DEFAULT_CEN_CII_XSLT, SHARED_CEN_CII_XSLT):
        if candidate.is_file():
            return candidate
    return None


def full_config(**overrides) -> ValidationConfig:
    """A configuration with every rule set available (the CEN CII rules when they can be found)."""
    xslt = cen_cii_xslt()
    return ValidationConfig(cen_cii_xslt=str(xslt) if xslt else None, **overrides)
