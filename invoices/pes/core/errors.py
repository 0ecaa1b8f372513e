"""Domain errors of the PES writer, reader and signer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """A refused parameter, named by its attribute on `PesHeader` so a form can attach it to its field."""

    field: str
    code: str
    message_fr: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message_en}"


class PesError(Exception):
    """Base class of every error raised by `invoices.pes.core`."""


class InvalidHeaderError(PesError):
    """The collectivity's PES parameters cannot produce a valid file; nothing was written."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("Invalid PES parameters: " + "; ".join(str(e) for e in self.errors))

    @property
    def fields(self) -> list[str]:
        return [e.field for e in self.errors]


class EmptyExportError(PesError):
    """An export was asked for without any document: an empty PES flow is refused, not written."""


class SchemaNotFoundError(PesError):
    """The XSD folder does not hold PES_V2/Rev0/PES_Aller.xsd."""


class PesValidationError(PesError):
    """A written file does not validate against the PES schema; it was deleted and must never be offered."""

    def __init__(self, path, errors: list[str]):
        self.path = path
        self.errors = list(errors)
        super().__init__(f"{path} is not a valid PES_Aller: " + "; ".join(self.errors[:5]))


class PesSignatureError(PesError):
    """Signing failed, or a signature does not verify."""


class AcquitRefusedError(PesError):
    """An uploaded file is not a PES acknowledgement we can trust; nothing of it may be stored.

    `code` names the reason (too_large, doctype, not_xml, foreign, incomplete, schema_invalid);
    `errors` holds the schema messages when the file broke the acknowledgement schema.
    """

    def __init__(self, code: str, message_fr: str, message_en: str, errors: list[str] | None = None):
        self.code = code
        self.message_fr = message_fr
        self.message_en = message_en
        self.errors = list(errors or [])
        super().__init__(message_en)
