"""Damaged or deceptive PDFs are refused with a clear reason, never with an exception."""

from io import BytesIO

from pypdf import PdfReader, PdfWriter

from invoices.formats import validate_document
from tests.builders import facturx_pdf, pdf_with_attachment, plain_pdf


def test_a_truncated_facturx_pdf_is_refused_as_damaged():
    data = facturx_pdf("EN16931")

    for cut in (len(data) // 2, len(data) - 200, 100):
        result = validate_document(data[:cut])
        assert [f.rule for f in result.errors] == ["CHORALE-PDF-UNREADABLE"]
        assert "tronqué" in result.errors[0].message


def test_garbage_after_the_pdf_header_is_refused_as_damaged():
    result = validate_document(b"%PDF-1.7\n" + b"\x00\xff garbage " * 500 + b"\n%%EOF\n")

    assert [f.rule for f in result.errors] == ["CHORALE-PDF-UNREADABLE"]


def test_a_password_protected_pdf_is_refused():
    writer = PdfWriter(clone_from=PdfReader(BytesIO(plain_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = BytesIO()
    writer.write(out)

    assert [f.rule for f in validate_document(out.getvalue()).errors] == ["CHORALE-PDF-ENCRYPTED"]


def test_an_embedded_factur_x_xml_that_is_not_an_invoice_is_refused():
    result = validate_document(
        pdf_with_attachment("factur-x.xml", b"<?xml version='1.0'?><recette><oeufs/></recette>")
    )

    assert result.format == "facturx"
    assert [f.rule for f in result.errors] == ["CHORALE-FX-XML-NOT-INVOICE"]
    assert "factur-x.xml" in result.errors[0].message


def test_an_unreadable_embedded_xml_is_not_mistaken_for_a_missing_one():
    result = validate_document(
        pdf_with_attachment(
            "factur-x.xml", b'<?xml version="1.0" encoding="UTF-8-W/O-BOM"?><rsm:CrossIndustryInvoice/>'
        )
    )

    assert result.format == "facturx"
    assert [f.rule for f in result.errors] == ["CHORALE-FX-XML-UNREADABLE"]
    assert "contient le fichier factur-x.xml" in result.errors[0].message
    assert "CHORALE-PDF-NO-XML" not in {f.rule for f in result.findings}


def test_an_empty_embedded_file_is_unreadable_xml():
    result = validate_document(pdf_with_attachment("factur-x.xml", b""))

    assert [f.rule for f in result.errors] == ["CHORALE-FX-XML-UNREADABLE"]
