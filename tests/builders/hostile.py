"""Hostile XML documents, shared by the reader tests and the upload-path tests."""

from lxml import etree

CII_OPEN = (
    b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">'
)

XXE = (
    b'<?xml version="1.0"?><!DOCTYPE rsm:CrossIndustryInvoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + CII_OPEN
    + b"<rsm:ExchangedDocument>&xxe;</rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
    + CII_OPEN
    + b"<rsm:ExchangedDocument>&lol9;</rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"
)

RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"


def quadratic_cii(cii: bytes, empty_elements: int = 16_000) -> bytes:
    """The CII invoice `cii` with empty elements inside its number (rsm:ExchangedDocument/ram:ID).

    Well-formed, safe to parse and small (16,000 elements: ~170 KB), yet the official schematrons take a time
    growing with the square of the count on it: 2,000 take ~1.5 s, 16,000 about 70 s."""
    root = etree.fromstring(cii)
    number = root.find(f"{{{RSM}}}ExchangedDocument/{{{RAM}}}ID")
    for _ in range(empty_elements):
        etree.SubElement(number, f"{{{RAM}}}ID")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def huge_number_cii(cii: bytes, characters: int = 5_000_000) -> bytes:
    """The CII invoice `cii` with an invoice number of `characters` characters: each copy the readers and the
    stylesheets make of it costs memory (5 MB of number: ~85 MB more resident memory while it is checked)."""
    root = etree.fromstring(cii)
    root.find(f"{{{RSM}}}ExchangedDocument/{{{RAM}}}ID").text = "F" * characters
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
