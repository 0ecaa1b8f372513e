"""What goes into a PES file for one invoice: its pièces justificatives, built from the stored originals.

Each document carries the invoice's revision (a new IdUnique once a mandat or a file was rejected), the
attachments their own names (`_PJ<n>`), and a credit note the codes of the expense side for an avoir
(`invoices.pes.core.credit_note`): TypePJ 003, RefCompta TypeObjet 02 (annulation/réduction mandat).
"""

from collections.abc import Iterator

from django.utils import timezone

from invoices.lifecycle.clock import is_credit_note
from invoices.models import Invoice
from invoices.pes import core as pes
from invoices.pes.core.credit_note import (
    CREDIT_NOTE_TYPE_PJ,
    LEFT_OUT_PREVIOUS_EXERCICE,
    reduces_closed_exercice,
    type_objet,
)
from invoices.pes.scope import TYPE_PJ_INVOICE, XML_FORMATS


def document_key(invoice: Invoice, part: str = "") -> str:
    """The stable identity of one document of an invoice; IdUnique derives from it (same on re-export)."""
    return f"{invoice.uuid}/{part}" if part else str(invoice.uuid)


def invoice_of_key(key: str) -> str:
    return str(key).split("/", 1)[0]


def _ref_compta(invoice: Invoice) -> pes.RefCompta:
    """The RefCompta naming the invoice's mandat (the latest: a rejected one was replaced)."""
    return pes.mandat_ref_compta(
        invoice.mandat_exercice,
        invoice.mandat_numero,
        invoice.mandat_ligne,
        type_bordereau=type_objet(is_credit_note(invoice)),
    )


def reduced_mandat_exercice(credit_note: Invoice) -> int | None:
    """The exercice of the mandat of the invoice a credit note corrects (BT-25), when Chorale knows it."""
    number = str((credit_note.data or {}).get("preceding_invoice") or "").strip()
    if not number:
        return None
    corrected = (
        Invoice.objects.filter(supplier_id=credit_note.supplier_id, recipient_id=credit_note.recipient_id)
        .filter(number=number, mandat_exercice__isnull=False)
        .order_by("-year")
        .values_list("mandat_exercice", flat=True)
        .first()
    )
    return corrected


def left_out_reason(invoice: Invoice) -> tuple[str, str] | None:
    """(fr, en) why the invoice cannot travel on the expense side, or None.

    A credit note reducing a mandat of a closed exercice takes a revenue titre, not an annulation/réduction
    mandat (`credit_note.LEFT_OUT_PREVIOUS_EXERCICE`).
    """
    if not is_credit_note(invoice):
        return None
    reduced = reduced_mandat_exercice(invoice)
    exercice = invoice.mandat_exercice or timezone.localdate().year
    if reduced is not None and reduces_closed_exercice(reduced, exercice):
        return LEFT_OUT_PREVIOUS_EXERCICE
    return None


def _opener(stored_file):
    # Storage.open returns a fresh file object each call; the writer reads it in chunks and closes it.
    return lambda: stored_file.file.storage.open(stored_file.file.name, "rb")


def _extension(name: str, default: str) -> str:
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return ext if ext.isalnum() and 2 <= len(ext) <= 4 else default


def _mime(stored_file, default: str) -> str:
    return (stored_file.content_type or "").split(";")[0].strip() or default


def renderer():
    """The portal's readable PDF rendering of an invoice (`lifecycle.rendering`), or None if absent."""
    try:
        from invoices.lifecycle.rendering import render_invoice_pdf
    except ImportError:
        return None
    return render_invoice_pdf


def _rendered_pdf(invoice: Invoice):
    rendered = renderer()(invoice)
    if isinstance(rendered, bytes | bytearray):
        return [bytes(rendered)]
    return rendered


def pj_documents(invoice: Invoice, *, with_ref_compta: bool, attachments=None) -> Iterator[pes.PjDocument]:
    """The PJ of one invoice, original first.

    A Factur-X or PDF deposit goes as its original PDF byte-for-byte; a CII or UBL deposit as its original
    XML plus the portal's readable PDF rendering (Hélios agreements ask for a document a person can read).
    Then the invoice's attachments, each as a further PJ (`attachments`: already fetched, else queried).
    """
    ref = _ref_compta(invoice) if with_ref_compta else None
    common = {
        "invoice_number": invoice.number,
        "year": invoice.year,
        "supplier_name": invoice.seller_name or invoice.supplier.name,
        "type_pj": CREDIT_NOTE_TYPE_PJ if is_credit_note(invoice) else TYPE_PJ_INVOICE,
        "ref_compta": ref,
        "revision": invoice.revision,
    }
    original = invoice.original
    supplier = common["supplier_name"]
    if invoice.format in XML_FORMATS:
        yield pes.PjDocument(
            key=document_key(invoice),
            open=_opener(original),
            extension="xml",
            mime_type="application/xml",
            size=original.size,
            description=f"Facture {invoice.number} {supplier} ({invoice.format.upper()} d'origine)",
            **common,
        )
        if renderer() is not None:
            yield pes.PjDocument(
                key=document_key(invoice, "pdf"),
                open=lambda: _rendered_pdf(invoice),
                extension="pdf",
                mime_type="application/pdf",
                description=f"Facture {invoice.number} {supplier} (version lisible)",
                **common,
            )
    else:
        yield pes.PjDocument(
            key=document_key(invoice),
            open=_opener(original),
            extension=_extension(original.original_name, "pdf"),
            mime_type=_mime(original, "application/pdf"),
            size=original.size,
            description=f"Facture {invoice.number} {supplier}",
            **common,
        )
    if attachments is None:
        attachments = invoice.attachments.select_related("stored_file").order_by("pk")
    for index, attachment in enumerate(attachments, start=1):
        stored = attachment.stored_file
        yield pes.PjDocument(
            attachment_index=index,
            key=document_key(invoice, f"pj/{stored.uuid}"),
            open=_opener(stored),
            extension=_extension(stored.original_name, "bin"),
            mime_type=_mime(stored, "application/octet-stream"),
            size=stored.size,
            description=f"Pièce jointe {stored.original_name} de la facture {invoice.number} {supplier}",
            **common,
        )
