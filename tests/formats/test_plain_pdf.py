"""A PDF without structured data: refused unless the deposit allows it, and never when it is only an image."""

from invoices.formats import validate_document
from tests.builders import image_pdf, plain_pdf


def test_a_plain_pdf_is_refused_by_default():
    result = validate_document(plain_pdf())

    assert (result.format, result.invoice, result.has_text) == ("pdf", None, True)
    assert [f.rule for f in result.errors] == ["CHORALE-PDF-NO-XML"]


def test_a_plain_pdf_with_text_passes_when_the_deposit_allows_it():
    result = validate_document(plain_pdf(), allow_plain_pdf=True)

    assert result.valid
    assert result.findings == []


def test_an_image_only_pdf_is_refused_even_when_plain_pdfs_are_allowed():
    result = validate_document(image_pdf(), allow_plain_pdf=True)

    assert result.has_text is False
    assert [f.rule for f in result.errors] == ["CHORALE-PDF-IMAGE"]
    assert "numérisation" in result.errors[0].message


def test_an_image_only_pdf_gets_both_reasons_by_default():
    result = validate_document(image_pdf())

    assert [f.rule for f in result.errors] == ["CHORALE-PDF-NO-XML", "CHORALE-PDF-IMAGE"]
