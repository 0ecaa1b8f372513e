"""Parsing untrusted XML: no DTD, no entities, no network, bounded size and depth."""

from lxml import etree

from invoices.formats.findings import Finding, finding

NS_CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_ZUGFERD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
NS_UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

ROOT_KINDS = {
    f"{{{NS_CII}}}CrossIndustryInvoice": "cii",
    f"{{{NS_ZUGFERD1}}}CrossIndustryDocument": "zugferd1",
    f"{{{NS_UBL_INVOICE}}}Invoice": "ubl",
    f"{{{NS_UBL_CREDIT_NOTE}}}CreditNote": "ubl",
}

_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be"))


class UnsafeXML(Exception):
    """The document was refused before or while parsing; `finding` says why."""

    def __init__(self, finding: Finding, detail: str = ""):
        super().__init__(finding.message_en)
        self.finding = finding
        self.detail = detail


def _parser() -> etree.XMLParser:
    # A parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
    )


def parse(data: bytes, *, max_bytes: int) -> etree._Element:
    """Parse untrusted bytes; raise UnsafeXML on a size excess, a DOCTYPE or malformed XML.

    A DOCTYPE is refused outright: an invoice never needs one, and it is the door to entity expansion
    (billion laughs) and external entities (XXE). libxml2 also caps expansion, so a bomb cannot run away
    even before our check sees the parsed DOCTYPE.
    """
    if len(data) > max_bytes:
        raise UnsafeXML(finding("SAFE-SIZE", size=len(data), limit=max_bytes))
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if any(marker in data for marker in _DOCTYPE_MARKERS):
            raise UnsafeXML(finding("SAFE-DOCTYPE")) from exc
        raise UnsafeXML(finding("SAFE-XML", detail=str(exc)), str(exc)) from exc
    except ValueError as exc:
        raise UnsafeXML(finding("SAFE-XML", detail=str(exc)), str(exc)) from exc
    if root is None:
        raise UnsafeXML(finding("SAFE-XML", detail="document vide / empty document"))
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXML(finding("SAFE-DOCTYPE"))
    return root


def root_kind(root: etree._Element) -> str | None:
    """ "cii", "ubl", "zugferd1" or None, from the root element's qualified name."""
    return ROOT_KINDS.get(root.tag) if isinstance(root.tag, str) else None


def serialize(root: etree._Element) -> str:
    """The checked tree as text for Saxon: re-serialised, so no DOCTYPE or raw bytes ever reach it."""
    return etree.tostring(root, encoding="unicode")
