"""A readable PDF of an invoice deposited as CII or UBL XML, generated from the data extracted from it.

An XML invoice has no picture of itself: accountants (and the PES export, which needs a PDF pièce
justificative) get this rendering instead. It says plainly that the deposited file is the one that counts.
The built-in PDF fonts cover Latin-1 only, so other characters are transliterated (€ becomes EUR) rather than
shipping a font file.
"""

from anyascii import anyascii
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from invoices.lifecycle import display
from invoices.models import Invoice

# UNTDID 1001 document type codes (BT-3) the portal names.
TYPE_NAMES = {
    "380": _("Facture"),
    "381": _("Avoir"),
    "383": _("Note de débit"),
    "384": _("Facture rectificative"),
    "386": _("Facture d'acompte"),
    "389": _("Autofacture"),
    "393": _("Facture affacturée"),
    "751": _("Facture (information comptable)"),
}


def type_name(code: str | None) -> str:
    return TYPE_NAMES.get(code or "", TYPE_NAMES["380"])


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value)
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        return "".join(ch if ord(ch) < 256 else anyascii(ch) for ch in text)


def _amount(value, currency: str = "") -> str:
    """French amounts (`2 208,00 €`; the built-in fonts lack €, which `_text` writes EUR)."""
    return display.amount(value, currency) if currency else display.number(value, 2)


def _number(value) -> str:
    return display.number(value)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", size=7)
        self.set_text_color(110, 110, 120)
        self.multi_cell(0, 3.5, self.footer_text, align="C")
        self.set_y(-6)
        self.cell(0, 3, f"{self.page_no()}/{{nb}}", align="R")


def invoice_context(invoice: Invoice) -> dict:
    """The fields the rendering shows, from the extracted data, falling back on the invoice's own columns."""
    data = invoice.data or {}
    currency = data.get("currency") or invoice.currency
    return {
        "type": type_name(data.get("type_code") or invoice.type_code),
        "number": data.get("number") or invoice.number,
        "issue_date": data.get("issue_date")
        or (invoice.issue_date.isoformat() if invoice.issue_date else ""),
        "due_date": data.get("due_date") or (invoice.due_date.isoformat() if invoice.due_date else ""),
        "currency": currency,
        "seller_name": data.get("seller_name") or invoice.seller_name,
        "seller_siret": data.get("seller_siret") or invoice.seller_siret,
        "seller_vat": data.get("seller_vat") or invoice.seller_vat,
        "buyer_name": invoice.buyer_name or data.get("buyer_name"),
        "buyer_identifier": invoice.buyer_identifier or data.get("buyer_siret"),
        "code_service": invoice.code_service,
        "engagement": invoice.engagement,
        "preceding_invoice": data.get("preceding_invoice") or "",
        "lines": data.get("lines") or [],
        "vat_breakdown": data.get("vat_breakdown") or [],
        "total_without_vat": data.get("total_without_vat") or invoice.total_without_vat,
        "total_vat": data.get("total_vat") or invoice.total_vat,
        "total_with_vat": data.get("total_with_vat") or invoice.total_with_vat,
        "amount_due": data.get("amount_due") or invoice.amount_due,
        "payment_terms": data.get("payment_terms") or "",
        "payment_iban": data.get("payment_iban") or "",
        "note": data.get("note") or "",
        "format": invoice.format,
        "profile": invoice.profile,
    }


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """A PDF rendering of the invoice (any format; meant for CII and UBL deposits).

    Always in French, whoever asks: it is a document (the PES export's pièce justificative for the French
    public accountant), not a page, and its other labels are French."""
    with translation.override("fr"):
        return _render_pdf(invoice)


def _render_pdf(invoice: Invoice) -> bytes:
    ctx = invoice_context(invoice)
    currency = ctx["currency"]
    pdf = _Pdf(format="A4")
    pdf.footer_text = _text(
        f"Rendu lisible généré par Chorale à partir des données du fichier "
        f"{display.format_label(ctx['format'], ctx['profile'])} déposé. Seul le fichier déposé fait foi."
    )
    pdf.set_title(_text(f"{ctx['type']} {ctx['number']}"))
    pdf.set_creator("Chorale")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _text(f"{ctx['type']} n° {ctx['number']}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    dates = f"Date d'émission : {display.day(ctx['issue_date'])}"
    if ctx["due_date"]:
        dates += f"    Échéance : {display.day(ctx['due_date'])}"
    if ctx["preceding_invoice"]:
        dates += f"    Facture d'origine : {ctx['preceding_invoice']}"
    pdf.cell(0, 5, _text(dates), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    top = pdf.get_y()
    column = (width - 6) / 2

    def party(x, title, lines):
        pdf.set_xy(x, top)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(column, 5, _text(title), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=9)
        for line in lines:
            if line:
                pdf.set_x(x)
                pdf.multi_cell(column, 4.5, _text(line), new_x=XPos.LEFT, new_y=YPos.NEXT)
        return pdf.get_y()

    left_end = party(
        pdf.l_margin,
        "Fournisseur",
        [
            ctx["seller_name"],
            f"SIRET : {ctx['seller_siret']}" if ctx["seller_siret"] else "",
            f"TVA : {ctx['seller_vat']}" if ctx["seller_vat"] else "",
        ],
    )
    right_end = party(
        pdf.l_margin + column + 6,
        "Destinataire",
        [
            ctx["buyer_name"],
            f"Identifiant : {ctx['buyer_identifier']}" if ctx["buyer_identifier"] else "",
            f"Code service : {ctx['code_service']}" if ctx["code_service"] else "",
            f"N° d'engagement : {ctx['engagement']}" if ctx["engagement"] else "",
        ],
    )
    pdf.set_xy(pdf.l_margin, max(left_end, right_end) + 5)

    if ctx["lines"]:
        widths = (10, width - 10 - 18 - 14 - 26 - 14 - 30, 18, 14, 26, 14, 30)
        rows = [("N°", "Désignation", "Qté", "Unité", "PU HT", "TVA %", "Montant HT")]
        rows += [
            (
                line.get("id") or "",
                line.get("name") or "",
                _number(line.get("quantity")),
                display.unit_label(line.get("unit")),
                _amount(line.get("unit_price")),
                _number(line.get("vat_rate")),
                _amount(line.get("net_amount")),
            )
            for line in ctx["lines"]
        ]
        pdf.set_font("Helvetica", size=8)
        with pdf.table(
            col_widths=widths,
            text_align=("LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
            line_height=4.5,
            width=width,
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 251)),
        ) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(_text(value))
        pdf.ln(3)

    if ctx["vat_breakdown"]:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(0, 6, "TVA", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=8)
        for vat in ctx["vat_breakdown"]:
            pdf.cell(
                0,
                4.5,
                _text(
                    f"Catégorie {vat.get('category') or ''}  taux {_number(vat.get('rate'))} %  "
                    f"base {_amount(vat.get('base'), currency)}  "
                    f"montant {_amount(vat.get('amount'), currency)}"
                ),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        pdf.ln(2)

    pdf.set_font("Helvetica", size=10)
    for label, key, bold in (
        ("Total HT", "total_without_vat", False),
        ("Total TVA", "total_vat", False),
        ("Total TTC", "total_with_vat", True),
        ("Net à payer", "amount_due", True),
    ):
        if ctx[key] in (None, ""):
            continue
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.set_x(pdf.l_margin + width - 90)
        pdf.cell(50, 6, _text(label))
        pdf.cell(40, 6, _text(_amount(ctx[key], currency)), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # Notes keep their subject (UNTDID 4451) as a heading: `#PMT#…` reads "Informations de paiement".
    extra = [
        ("Conditions de paiement", ctx["payment_terms"]),
        ("IBAN", ctx["payment_iban"]),
        *((note["label"] or "Note", note["text"]) for note in display.notes(ctx["note"])),
    ]
    for label, value in extra:
        if value:
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 9)
            pdf.cell(0, 5, _text(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font("Helvetica", size=9)
            pdf.multi_cell(0, 4.5, _text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
