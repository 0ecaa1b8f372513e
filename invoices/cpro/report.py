"""A deposit's report (compte rendu) in Chorus Pro's shapes: `consulterCRDetaille` and the older
`consulterCR`.

Read from the deposit's own report, never recomputed: the portal, `/api/v1/deposits/{id}/` and these
operations tell the same story. Refused invoices go to `listeErreurDP` (OCA matches `numeroDP`, the supplier's
invoice number, to detach the invoice and send it again); what stopped a file before it was even an invoice
goes to `listeErreurTechnique`. Both are always arrays.
"""

import base64

from django.utils.translation import get_language

from invoices.cpro import mapping, values
from invoices.models import Deposit

# The syntax a deposit's files were read as (a deposit made on the portal or /api/v1/ has none of its own).
FORMAT_SYNTAXES = {
    "facturx": "IN_DP_E2_CII_FACTURX",
    "cii": "IN_DP_E1_CII_16B",
    "ubl": "IN_DP_E1_UBL_INVOICE",
}
PARTNER_CODE = "CPP001"


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def _message(finding: dict) -> str:
    return (finding.get("message_en") or finding["message"]) if _english() else finding["message"]


def flux_syntax(deposit: Deposit) -> str:
    for document in deposit.report.get("documents", []):
        if document.get("format") in FORMAT_SYNTAXES:
            return FORMAT_SYNTAXES[document["format"]]
    return ""


def interface_code(deposit: Deposit) -> str:
    """Chorus Pro names the interface a flow came through (`FSO1110A`…); Chorale names its syntax."""
    return flux_syntax(deposit) or "IN_DP"


def report_file_name(deposit: Deposit) -> str:
    return f"{interface_code(deposit)}_{PARTNER_CODE}_{mapping.flux_number(deposit)}"


def invoice_errors(deposit: Deposit) -> list[dict]:
    """`listeErreurDP`: one entry per refused invoice that has a number, with every error found in it."""
    supplier = deposit.supplier.identifier if deposit.supplier_id else ""
    found = []
    for document in deposit.report.get("documents", []):
        if document.get("accepted") or not document.get("number"):
            continue
        errors = [f for f in document.get("findings", []) if f.get("severity") == "error"]
        found.append(
            {
                "identifiantFournisseur": supplier,
                "identifiantDestinataire": (document.get("recipient") or {}).get("identifier", ""),
                "numeroDP": document["number"],
                "libelleErreurDP": " ; ".join(_message(f) for f in errors)[:4000],
            }
        )
    return found


def technical_errors(deposit: Deposit) -> list[dict]:
    """`listeErreurTechnique`: the deposit's own refusals, and the files refused before they had a number."""
    report = deposit.report

    def entry(finding: dict, nature: str) -> dict:
        return {
            "codeErreur": finding.get("rule", ""),
            "libelleErreur": _message(finding),
            "natureErreur": nature,
        }

    found = [entry(f, "FLUX") for f in report.get("findings", []) if f.get("severity") == "error"]
    for document in report.get("documents", []):
        if document.get("accepted") or document.get("number"):
            continue
        found += [entry(f, "FICHIER") for f in document.get("findings", []) if f.get("severity") == "error"]
    return found


def detailed(deposit: Deposit) -> dict:
    """`consulterCRDetaille`'s answer (without the envelope)."""
    return {
        "numeroFluxDepot": mapping.flux_number(deposit),
        "codeInterfaceDepotFlux": interface_code(deposit),
        "dateDepotFlux": values.timestamp(deposit.created_at),
        "dateHeureEtatCourantFlux": values.timestamp(deposit.created_at),
        "etatCourantDepotFlux": mapping.flow_state(deposit.status),
        "nomFichier": report_file_name(deposit),
        "listeErreurDP": invoice_errors(deposit),
        "listeErreurTechnique": technical_errors(deposit),
    }


def summary(deposit: Deposit) -> dict:
    """`consulterCR`'s answer: other names for the same facts, and the report as a PDF."""
    return {
        "numeroFluxDepot": mapping.flux_number(deposit),
        "codeInterfaceFlux": interface_code(deposit),
        "nomFichierFlux": report_file_name(deposit),
        "dateDepotFlux": values.timestamp(deposit.created_at),
        "dateHeureEtatCourantFlux": values.timestamp(deposit.created_at),
        "etatCourantFlux": mapping.flow_state(deposit.status),
        "codeAppliPartenaire": PARTNER_CODE,
        "designationPartenaire": "Chorale",
        "fichierCR": base64.b64encode(report_pdf(deposit)).decode("ascii"),
    }


def report_pdf(deposit: Deposit) -> bytes:
    """The report as a one-page-per-need PDF (core fonts): the flow, its state, each file and its errors."""
    from fpdf import FPDF

    def line(text: str, *, size: int = 10, bold: bool = False) -> None:
        document.set_font("helvetica", style="B" if bold else "", size=size)
        document.multi_cell(
            0, 6, text.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT"
        )

    document = FPDF()
    document.add_page()
    line(f"Compte rendu du flux {mapping.flux_number(deposit)}", size=14, bold=True)
    line(f"Déposé le {values.timestamp(deposit.created_at)} - état {mapping.flow_state(deposit.status)}")
    for document_entry in deposit.report.get("documents", []):
        state = "intégrée" if document_entry.get("accepted") else "refusée"
        line(
            f"{document_entry.get('file', '')} : facture {document_entry.get('number') or '?'} {state}",
            bold=True,
        )
        for finding in document_entry.get("findings", []):
            line(f"- [{finding.get('severity')}] {finding.get('rule')} : {_message(finding)}")
    for finding in deposit.report.get("findings", []):
        line(f"- [{finding.get('severity')}] {finding.get('rule')} : {_message(finding)}")
    return bytes(document.output())
