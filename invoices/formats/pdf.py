"""Reading PDFs with pypdf: embedded files, the Factur-X XMP declaration, and whether text can be read."""

import logging
from dataclasses import dataclass, field
from io import BytesIO

from lxml import etree
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError

from invoices.formats import xml_safe

log = logging.getLogger(__name__)

# The embedded file names Factur-X 1.0x and ZUGFeRD 2.x define for the invoice XML (lower-cased).
FACTURX_NAME = "factur-x.xml"
ZUGFERD_NAME = "zugferd-invoice.xml"
XRECHNUNG_NAME = "xrechnung.xml"
INVOICE_XML_NAMES = (FACTURX_NAME, ZUGFERD_NAME, XRECHNUNG_NAME)
# Text extraction is only a yes/no signal: a few pages are enough and bound the cost on hostile files.
TEXT_PAGES = 5
EOF_WINDOW = 1024
# Only XML attachments are decoded, and only this many: a PDF may carry any number of annexes.
MAX_XML_ATTACHMENTS = 10


class PdfUnreadable(Exception):
    pass


class PdfEncrypted(Exception):
    pass


@dataclass
class PdfContent:
    attachments: list[tuple[str, bytes | None]] = field(default_factory=list)
    """(name, bytes) of the embedded *.xml files; bytes is None when decoding it exceeded the size cap."""
    attachment_names: list[str] = field(default_factory=list)
    conformance_level: str | None = None
    """fx:ConformanceLevel (or the ZUGFeRD equivalent) from the XMP metadata, upper-cased."""
    xmp_document_name: str | None = None
    reader: PdfReader | None = None
    max_bytes: int = 0


def looks_like_pdf(data: bytes) -> bool:
    # PDF readers accept the header anywhere in the first kilobyte.
    return b"%PDF-" in data[:1024]


def read(data: bytes, *, max_bytes: int) -> PdfContent:
    # pypdf repairs what it can, so a cut-off upload could pass for a whole one: like PDF readers, require the
    # end-of-file marker near the end.
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise PdfUnreadable(
            "no %%EOF marker: the file is truncated / pas de marqueur %%EOF : fichier tronqué"
        )
    with _limits(max_bytes):
        try:
            reader = PdfReader(BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise PdfEncrypted()
            content = PdfContent(reader=reader, max_bytes=max_bytes)
            for attachment in reader.attachment_list:
                name = attachment.name or ""
                content.attachment_names.append(name)
                if name.lower().endswith(".xml") and len(content.attachments) < MAX_XML_ATTACHMENTS:
                    content.attachments.append((name, _decoded(attachment)))
            # Touch the page tree now, so that a truncated file fails here and not in a later step.
            len(reader.pages)
        except PdfEncrypted:
            raise
        except Exception as exc:  # pypdf raises many kinds of errors on damaged files
            raise PdfUnreadable(f"{type(exc).__name__}: {exc}") from exc
        _read_xmp(content, reader, max_bytes)
    return content


def _limits(max_bytes: int):
    """pypdf's decompression caps lowered to our size cap, for this thread only (a zip bomb stops there)."""
    return apply_configuration(
        zlib_maximum_output_length=max_bytes,
        lzw_maximum_output_length=max_bytes,
        run_length_maximum_output_length=max_bytes,
        brotli_maximum_output_length=max_bytes,
        array_based_stream_maximum_output_length=max_bytes,
        maximum_declared_stream_length=max_bytes,
    )


def _decoded(attachment) -> bytes | None:
    try:
        return attachment.content or b""
    except LimitReachedError:
        return None


def _read_xmp(content: PdfContent, reader: PdfReader, max_bytes: int) -> None:
    """fx:ConformanceLevel and fx:DocumentFileName, as elements or attributes, of a Factur-X or ZUGFeRD XMP.

    The XMP packet is untrusted XML: it goes through the same safe parser as invoices, and a bad packet only
    means "no declaration".
    """
    try:
        metadata = reader.trailer["/Root"].get("/Metadata")
        raw = metadata.get_object().get_data() if metadata is not None else None
    except Exception:  # a damaged metadata stream is reported as a missing declaration
        log.info("unreadable XMP metadata stream", exc_info=True)
        return
    if not raw:
        return
    try:
        root = xml_safe.parse(raw.strip(), max_bytes=max_bytes)
    except xml_safe.UnsafeXML:
        return
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        values = [(etree.QName(node).namespace, etree.QName(node).localname, node.text)]
        values += [(etree.QName(k).namespace, etree.QName(k).localname, v) for k, v in node.attrib.items()]
        for namespace, name, value in values:
            if not namespace or "CrossIndustryDocument" not in namespace or not value or not value.strip():
                continue
            if name == "ConformanceLevel" and content.conformance_level is None:
                content.conformance_level = value.strip().upper()
            elif name == "DocumentFileName" and content.xmp_document_name is None:
                content.xmp_document_name = value.strip()


def has_text(content: PdfContent) -> bool:
    with _limits(content.max_bytes):
        try:
            for page in content.reader.pages[:TEXT_PAGES]:
                if (page.extract_text() or "").strip():
                    return True
        except Exception:  # text extraction failing on a damaged page is a "no text" answer
            log.info("text extraction failed", exc_info=True)
    return False
