"""Factur-X / ZUGFeRD 2 PDFs: the embedded XML, its attachment name and the XMP profile declaration."""

from invoices.formats import validate_document
from invoices.formats.samples import cii_invoice as raw_cii
from tests.builders import facturx_pdf, pdf_with_attachment, spec


def test_it_returns_the_embedded_xml_itself():
    invoice_spec = spec(number="FX-1")
    result = validate_document(facturx_pdf("EN16931", spec=invoice_spec))

    assert result.xml == raw_cii("EN16931", spec=invoice_spec)
    assert result.has_text is None


def test_an_xmp_profile_that_contradicts_the_xml_is_an_error():
    result = validate_document(facturx_pdf("EN16931", xmp_profile="BASIC"))

    assert [f.rule for f in result.errors] == ["CHORALE-FX-XMP-PROFILE"]
    assert "« BASIC »" in result.errors[0].message and "« EN16931 »" in result.errors[0].message


def test_the_zugferd_2_attachment_name_is_accepted_with_a_warning():
    result = validate_document(facturx_pdf("EN16931", attachment_name="zugferd-invoice.xml"))

    assert result.valid
    assert result.attachment_name == "zugferd-invoice.xml"
    assert [f.rule for f in result.warnings] == ["CHORALE-FX-ATTACHMENT-ZUGFERD"]


def test_xrechnung_xml_name_is_not_the_factur_x_name_outside_the_xrechnung_profile():
    result = validate_document(facturx_pdf("EN16931", attachment_name="xrechnung.xml"))

    assert result.valid
    assert [f.rule for f in result.warnings] == ["CHORALE-FX-ATTACHMENT-ZUGFERD"]


def test_an_invoice_xml_under_another_name_is_refused_for_its_name():
    result = validate_document(facturx_pdf("EN16931", attachment_name="facture.xml"))

    assert result.format == "facturx"
    assert [f.rule for f in result.errors] == ["CHORALE-FX-ATTACHMENT-NAME"]
    assert "facture.xml" in result.errors[0].message


def test_a_pdf_with_an_unrelated_xml_annex_is_a_plain_pdf():
    result = validate_document(
        pdf_with_attachment("bordereau.xml", b"<bordereau><ligne/></bordereau>"), allow_plain_pdf=True
    )

    assert (result.format, result.valid, result.has_text) == ("pdf", True, True)


def test_a_pdf_without_xmp_declaration_warns():
    result = validate_document(pdf_with_attachment("factur-x.xml", raw_cii("BASIC")))

    assert result.valid
    assert "CHORALE-FX-XMP-MISSING" in {f.rule for f in result.warnings}
