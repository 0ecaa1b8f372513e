"""What goes into a PES file for one invoice: its pièces justificatives, built from the stored originals."""

from collections.abc import Iterator

from invoices.models import Invoice
from invoices.pes import core as pes
from invoices.pes.scope import TYPE_PJ_INVOICE, XML_FORMATS


def document_key(invoice: Invoice, part: str = "") -> str:
    """The stable identity of one document of an invoice; IdUnique derives from it (same on re-export)."""
    return f"{invoice.uuid}/{part}" if part else str(invoice.uuid)


def invoice_of_key(key: str) -> str:
    return str(key).split("/", 1)[0]


def _ref_compta(invoice: Invoice) -> pes.RefCompta:
    return pes.RefCompta(
        exercice=invoice.mandat_exercice,
        id_pce=invoice.mandat_numero.strip(),
        id_ligne=invoice.mandat_ligne.strip(),
    )


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
        "type_pj": TYPE_PJ_INVOICE,
        "ref_compta": ref,
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
    for attachment in attachments:
        stored = attachment.stored_file
        yield pes.PjDocument(
            key=document_key(invoice, f"pj/{stored.uuid}"),
            open=_opener(stored),
            extension=_extension(stored.original_name, "bin"),
            mime_type=_mime(stored, "application/octet-stream"),
            size=stored.size,
            description=f"Pièce jointe {stored.original_name} de la facture {invoice.number} {supplier}",
            **common,
        )
