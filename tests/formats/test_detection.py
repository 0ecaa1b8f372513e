"""The format is read from the content, never from the file name."""

from invoices.formats import validate_document
from tests.builders import cii_invoice, facturx_pdf, ubl_credit_note, ubl_invoice

ZUGFERD1 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:basic</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
</rsm:CrossIndustryDocument>"""


def test_it_reads_a_cii_invoice_named_like_a_pdf():
    result = validate_document(cii_invoice("EN16931"), filename="facture.pdf")

    assert (result.format, result.profile, result.valid) == ("cii", "EN16931", True)


def test_it_reads_a_facturx_pdf_named_like_an_xml_file():
    result = validate_document(facturx_pdf("BASIC"), filename="facture.xml")

    assert (result.format, result.profile, result.valid) == ("facturx", "BASIC", True)


def test_it_recognises_ubl_invoices_and_credit_notes():
    invoice = validate_document(ubl_invoice(), filename="a.txt")
    credit_note = validate_document(ubl_credit_note(), filename="b")

    assert (invoice.format, invoice.invoice.type_code) == ("ubl", "380")
    assert (credit_note.format, credit_note.invoice.type_code) == ("ubl", "381")


def test_it_refuses_zugferd_1_because_it_predates_en16931():
    result = validate_document(ZUGFERD1)

    assert not result.valid
    assert result.profile == "ZUGFeRD1-BASIC"
    assert [f.rule for f in result.errors] == ["CHORALE-ZUGFERD1"]
    assert "EN 16931" in result.errors[0].message
    assert "predates EN 16931" in result.errors[0].message_en


def test_it_refuses_an_xml_that_is_not_an_invoice():
    result = validate_document(b"<?xml version='1.0'?><order xmlns='urn:example'><id>1</id></order>")

    assert result.format == "unknown"
    assert [f.rule for f in result.errors] == ["CHORALE-XML-NOT-INVOICE"]


def test_it_refuses_a_file_that_is_neither_pdf_nor_xml():
    result = validate_document(b"PK\x03\x04 this is a zip archive", filename="facture.xml")

    assert (result.format, [f.rule for f in result.errors]) == ("unknown", ["CHORALE-FORMAT-UNKNOWN"])


def test_it_refuses_an_empty_file():
    assert [f.rule for f in validate_document(b"").errors] == ["CHORALE-EMPTY"]


def test_it_refuses_malformed_xml_with_the_parser_message():
    result = validate_document(b"<rsm:CrossIndustryInvoice xmlns:rsm='x'><unclosed>")

    assert [f.rule for f in result.errors] == ["SAFE-XML"]
    assert "XML illisible" in result.errors[0].message
