"""The fields triage screens and the PES export read from an invoice, in every syntax."""

import json
from datetime import date
from decimal import Decimal

import pytest

from invoices.formats import validate_document
from tests.builders import (
    BUYER_SIRET,
    DEFAULT_IBAN,
    SELLER_SIRET,
    Line,
    cii_invoice,
    facturx_pdf,
    ubl_invoice,
)

LINES = [
    Line("Audit", Decimal("2"), Decimal("450.00"), Decimal("20.00")),
    Line("Livres", Decimal("3"), Decimal("10.00"), Decimal("5.50"), unit="H87"),
]
FIELDS = {
    "number": "FA-2025-042",
    "issue_date": date(2025, 6, 2),
    "service_code": "DSI",
    "engagement": "EJ-9001",
    "lines": LINES,
    "seller_name": "Conseil & Co",
}


@pytest.fixture(params=["cii", "facturx", "ubl"])
def extracted(request):
    data = {
        "cii": lambda: cii_invoice("EN16931", **FIELDS),
        "facturx": lambda: facturx_pdf("EN16931", **FIELDS),
        "ubl": lambda: ubl_invoice(**FIELDS),
    }[request.param]()
    result = validate_document(data)
    assert result.valid
    return result.invoice


def test_it_reads_the_header(extracted):
    assert (extracted.number, extracted.type_code, extracted.currency) == ("FA-2025-042", "380", "EUR")
    assert (extracted.issue_date, extracted.due_date) == (date(2025, 6, 2), date(2025, 7, 2))
    assert (extracted.service_code, extracted.engagement) == ("DSI", "EJ-9001")
    assert extracted.payment_iban == DEFAULT_IBAN
    assert "30 jours" in extracted.payment_terms


def test_it_reads_both_parties(extracted):
    assert (extracted.seller_name, extracted.seller_siret) == ("Conseil & Co", SELLER_SIRET)
    assert extracted.seller_vat == "FR11123456782"
    assert extracted.buyer_siret == BUYER_SIRET
    assert ("0009", BUYER_SIRET) in extracted.buyer_ids


def test_it_reads_totals_and_vat_breakdown(extracted):
    assert (extracted.total_without_vat, extracted.total_vat) == (Decimal("930.00"), Decimal("181.65"))
    assert (extracted.total_with_vat, extracted.amount_due) == (Decimal("1111.65"), Decimal("1111.65"))
    assert extracted.vat_breakdown == [
        {"category": "S", "rate": Decimal("5.50"), "base": Decimal("30.00"), "amount": Decimal("1.65")},
        {"category": "S", "rate": Decimal("20.00"), "base": Decimal("900.00"), "amount": Decimal("180.00")},
    ]


def test_it_reads_the_lines(extracted):
    assert extracted.lines[1] == {
        "id": "2",
        "name": "Livres",
        "quantity": Decimal("3"),
        "unit": "H87",
        "unit_price": Decimal("10.00"),
        "net_amount": Decimal("30.00"),
        "vat_rate": Decimal("5.50"),
    }


def test_to_dict_is_json_serialisable(extracted):
    data = json.loads(json.dumps(extracted.to_dict()))

    assert data["issue_date"] == "2025-06-02"
    assert data["total_with_vat"] == "1111.65"
    assert ["0009", BUYER_SIRET] in data["buyer_ids"]


def test_it_reads_the_preceding_invoice_of_a_credit_note():
    cii = validate_document(cii_invoice("EN16931", type_code="381", preceding_invoice="FA-2025-001")).invoice
    ubl = validate_document(ubl_invoice(credit_note=True, preceding_invoice="FA-2025-001")).invoice

    assert (cii.type_code, cii.preceding_invoice) == ("381", "FA-2025-001")
    assert (ubl.type_code, ubl.preceding_invoice) == ("381", "FA-2025-001")


def test_a_minimum_invoice_gives_the_buyer_siret_from_its_legal_id():
    invoice = validate_document(cii_invoice("MINIMUM")).invoice

    assert invoice.buyer_siret == BUYER_SIRET
    assert invoice.lines == []
    assert invoice.total_with_vat == Decimal("120.00")


def test_a_14_digit_siret_under_scheme_0002_is_read_as_the_siret():
    # French samples put the SIRET where the SIREN belongs (ISO 6523 scheme 0002).
    data = cii_invoice("MINIMUM").replace(
        f'schemeID="0009">{BUYER_SIRET}'.encode(), f'schemeID="0002">{BUYER_SIRET}'.encode()
    )
    invoice = validate_document(data).invoice

    assert invoice.buyer_siret == BUYER_SIRET
    assert invoice.buyer_ids == [("0002", BUYER_SIRET)]


def test_a_9_digit_siren_alone_gives_no_siret():
    data = cii_invoice("MINIMUM").replace(
        f'schemeID="0009">{BUYER_SIRET}'.encode(), f'schemeID="0002">{BUYER_SIRET[:9]}'.encode()
    )

    assert validate_document(data).invoice.buyer_siret is None


def test_ubl_legal_entity_company_id_of_14_digits_is_the_siret():
    data = ubl_invoice().replace(f'schemeID="0009">{BUYER_SIRET}'.encode(), b'schemeID="0088">3000000000009')
    data = data.replace(
        f'schemeID="0002">{BUYER_SIRET[:9]}'.encode(), f'schemeID="0002">{BUYER_SIRET}'.encode()
    )

    assert validate_document(data).invoice.buyer_siret == BUYER_SIRET


def test_an_invoice_with_errors_is_still_read_for_the_triage_screen():
    result = validate_document(cii_invoice("EN16931", number="", engagement="EJ-1"))

    assert not result.valid
    assert result.invoice.number is None
    assert result.invoice.engagement == "EJ-1"
