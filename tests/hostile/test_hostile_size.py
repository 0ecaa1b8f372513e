"""The size cap applies to the length of the upload, before any parser sees it."""

from facturx import generate_from_binary

from invoices.formats import ValidationConfig, pdf, validate_document, xml_safe
from tests.builders import cii_invoice, facturx_pdf, plain_pdf


def test_an_upload_over_the_cap_is_refused_without_being_parsed(monkeypatch):
    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed an oversized upload")

    monkeypatch.setattr(xml_safe, "parse", must_not_parse)
    monkeypatch.setattr(pdf, "read", must_not_parse)
    config = ValidationConfig(max_bytes=1000)

    for data in (cii_invoice("EN16931"), facturx_pdf("MINIMUM")):
        result = validate_document(data, config=config)
        assert [f.rule for f in result.errors] == ["SAFE-SIZE"]
        assert str(len(data)) in result.errors[0].message


def test_an_upload_at_the_cap_is_read():
    data = cii_invoice("MINIMUM")

    assert validate_document(data, config=ValidationConfig(max_bytes=len(data))).valid


def test_an_embedded_xml_inflating_past_the_cap_is_refused():
    # The XML is stored compressed: the PDF is small, the XML it inflates to is not (a zip bomb in miniature).
    padding = b"<!--" + b"x" * 2_000_000 + b"-->"
    data = generate_from_binary(plain_pdf(), cii_invoice("MINIMUM") + padding, check_xsd=False)
    assert len(data) < 100_000

    result = validate_document(data, config=ValidationConfig(max_bytes=1_000_000))

    assert result.format == "facturx"
    assert [f.rule for f in result.errors] == ["SAFE-SIZE"]


def test_the_default_cap_is_chorus_pro_s_ten_megabytes():
    assert ValidationConfig().max_bytes == 10 * 1024 * 1024
