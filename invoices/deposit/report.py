"""The compte rendu of a deposit: per file, what it was, what became of it and every finding, in both
languages, with the three layers a supplier reads (summary, errors, warnings: `invoices.formats.report`)."""

import re

from django.conf import settings
from django.utils.translation import gettext as _

from invoices.formats import report as findings_report
from invoices.formats.findings import Finding
from invoices.models import Deposit, DepositDocument

REPORT_VERSION = 1


def finding_dict(finding: Finding) -> dict:
    """A finding as kept in a report: both languages, so the page can follow the reader's language."""
    return {
        "severity": finding.severity,
        "rule": finding.rule,
        "message": finding.message,
        "message_en": finding.message_en,
        "location": finding.location,
        "count": finding.count,
    }


def document_row(deposit: Deposit, document) -> DepositDocument:
    result = document.result
    return DepositDocument(
        deposit=deposit,
        stored_file=document.stored,
        format=(result.format if result else document.kind if document.kind != "invoice" else "")[:16],
        profile=((result.profile or "") if result else "")[:32],
        valid=document.invoice is not None
        if document.kind == "invoice"
        else not any(f.is_error for f in document.findings),
        findings=[finding_dict(f) for f in document.all_findings],
        invoice=document.invoice,
    )


def report_entry(document) -> dict:
    """One file's part of the compte rendu: what it was, what became of it, every finding and its layers."""
    result, routing, invoice = document.result, document.routing, document.invoice
    extracted = result.invoice if result else None
    return {
        "file": document.name,
        "container": document.container,
        "kind": document.kind,
        "size": document.size if document.data is not None else None,
        "sha256": document.sha256,
        "format": result.format if result else "",
        "profile": (result.profile or "") if result else "",
        "accepted": invoice is not None,
        "number": (extracted.number or "") if extracted else "",
        "invoice": str(invoice.uuid) if invoice else None,
        "recipient": (
            {"name": routing.recipient.name, "identifier": routing.recipient.identifier}
            if routing and routing.recipient
            else None
        ),
        "already_deposited": document.previous,
        "findings": [finding_dict(f) for f in document.all_findings],
        # Issue 13: the same findings for a supplier (summary, errors, warnings, values involved).
        "layers": findings_report.layers(
            document.all_findings,
            xml=result.xml if result and document.all_findings else None,
            profile=result.profile if result else None,
        ),
        "attachments": [report_entry(extra) for extra in document.attachments],
    }


def build_report(deposit: Deposit, documents, extras, deposit_findings, limits) -> dict:
    """The compte rendu of a synchronous deposit."""
    invoices = [d for d in documents if d.kind == "invoice"]
    attached = {id(extra) for d in invoices for extra in d.attachments}
    zip_findings = [f for d in documents if d.kind == "zip" for f in d.findings]
    return assemble_report(
        deposit.status,
        [report_entry(d) for d in invoices],
        findings=[finding_dict(f) for f in deposit_findings + zip_findings],
        archives=[{"file": d.name, "size": d.size, "sha256": d.sha256} for d in documents if d.kind == "zip"],
        attachments=[report_entry(d) for d in extras if id(d) not in attached],
        limits=limits,
    )


def assemble_report(status: str, entries: list[dict], *, findings, archives, attachments, limits) -> dict:
    """The report of a deposit, synchronous or a flow, from its files' entries (`report_entry`)."""
    return {
        "version": REPORT_VERSION,
        "status": status,
        "integrated": sum(1 for e in entries if e["accepted"]),
        "refused": sum(1 for e in entries if not e["accepted"]),
        "findings": findings,
        "documents": entries,
        "archives": archives,
        "attachments": attachments,
        "limits": limits.as_dict(),
        "refused_kept_days": settings.CHORALE_REFUSED_RETENTION_DAYS,
    }


# --- The report page: each file's layers in the reader's language -------------------------------------------

# A catalogue message: its first sentence says what is wrong, the next ones how to fix it.
_NEXT_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«])")


def _split(message: str) -> tuple[str, str]:
    parts = _NEXT_SENTENCE.split(message.strip(), maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def readable_item(item: dict, english: bool) -> dict:
    """One grouped finding of `invoices.formats.report` as the page shows it."""
    message = (item.get("message_en") or item["message"]) if english else item["message"]
    what, hint = _split(message)
    return {
        "severity": item["severity"],
        "rule": item["rule"],
        "ref": item.get("ref") or "",
        "count": item.get("count") or 1,
        "message": what,
        "hint": hint,
        # The French page quotes the official rule, written in English; the English page shows it already.
        "official": "" if english else item.get("official") or "",
        "terms": [(t["id"], t["label_en"] if english else t["label"]) for t in item.get("terms") or ()],
        "values": [
            (
                v["term"],
                v["label_en"] if english else v["label"],
                v["display_en"] if english else v["display"],
            )
            for v in item.get("values") or ()
        ],
        "check": (item.get("check") or {}).get("en" if english else "fr", ""),
        "locations": item.get("locations") or ([item["location"]] if item.get("location") else []),
    }


def readable_layers(layers: dict | None, findings: list[dict], english: bool, *, shown_above=()) -> dict:
    """A file's findings (or the deposit's own) in three layers, in the reader's language.

    Reports stored before the layers were, and the deposit's own findings, get theirs computed from the stored
    findings (without the invoice's values). A finding of the deposit itself (`shown_above`: attachments given
    with several invoices) is listed once, above, not again under each file it refused."""
    if not layers:
        layers = findings_report.layers(findings)
    shown = {(f["severity"], f["rule"]) for f in shown_above}
    errors = [i for i in layers["errors"] if (i["severity"], i["rule"]) not in shown]
    summary = layers["summary"]["en" if english else "fr"] if layers["errors"] else ""
    if layers["errors"] and not errors:
        summary = _("Refusée : voir l'erreur du dépôt, plus haut.")
    return {
        "summary": summary,
        "errors": [readable_item(i, english) for i in errors],
        "warnings": [
            readable_item(i, english) for i in layers["warnings"] if (i["severity"], i["rule"]) not in shown
        ],
        "technical": [readable_item(i, english) for i in layers.get("technical") or ()],
    }
