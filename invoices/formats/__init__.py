"""Pure invoice readers and validation (Factur-X, ZUGFeRD 2, CII, UBL 2.1, plain PDF). No Django here."""

import threading

from invoices.formats.findings import Finding
from invoices.formats.model import ExtractedInvoice, ValidationConfig, ValidationResult

__all__ = [
    "ExtractedInvoice",
    "Finding",
    "ValidationConfig",
    "ValidationResult",
    "get_validator",
    "validate_document",
    "warm_up",
]

_lock = threading.Lock()
_validator = None


def get_validator():
    """The process-wide Validator: its XSDs and stylesheets are compiled once, on first use, then shared."""
    global _validator
    from invoices.formats import engine, validate

    artefacts = engine.get_artefacts()
    with _lock:
        if _validator is None or _validator.artefacts is not artefacts:
            _validator = validate.Validator(artefacts)
        return _validator


def validate_document(
    data: bytes, *, filename: str = "", config: ValidationConfig | None = None, allow_plain_pdf: bool = False
) -> ValidationResult:
    """Validate one uploaded file. The file name is only for logs: the format is read from the content."""
    return get_validator().validate(data, filename=filename, config=config, allow_plain_pdf=allow_plain_pdf)


def warm_up(config: ValidationConfig | None = None) -> None:
    """Compile every XSD and stylesheet now and run each once, so the first real deposit is not slow.

    Call it in each worker process after the fork (a Saxon processor must not cross a fork).
    """
    from invoices.formats import samples

    config = config or ValidationConfig.default()
    for data in samples.warm_up_documents():
        validate_document(data, config=config)
