"""One file of a deposit on its way through reading, validation, routing and recording."""

from dataclasses import dataclass, field

from invoices.deposit.routing import Routing
from invoices.formats.findings import Finding
from invoices.formats.model import ValidationResult
from invoices.models import Invoice, StoredFile


@dataclass
class Document:
    """One file of a deposit on its way: its bytes, what validation and routing said, what became of it."""

    name: str
    data: bytes | None = None
    container: str = ""
    kind: str = "invoice"  # "invoice", "zip" (an archive of invoices) or "attachment"
    findings: list[Finding] = field(default_factory=list)
    result: ValidationResult | None = None
    routing: Routing | None = None
    attachments: list["Document"] = field(default_factory=list)
    sha256: str = ""
    stored: StoredFile | None = None
    invoice: Invoice | None = None
    previous: dict | None = None

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0

    @property
    def all_findings(self) -> list[Finding]:
        found = list(self.findings)
        if self.result is not None:
            found = self.result.findings + found
        if self.routing is not None:
            found += self.routing.findings
        return found

    @property
    def acceptable(self) -> bool:
        return (
            self.data is not None
            and self.result is not None
            and self.routing is not None
            and self.routing.supplier is not None
            and self.routing.recipient is not None
            and not any(f.is_error for f in self.all_findings)
        )
