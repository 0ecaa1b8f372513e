"""Reading the values a finding is about: only plain location paths, next to the location, bounded."""

from decimal import Decimal

import pytest

from invoices.formats import values, xml_safe
from tests.builders import Line, cii_invoice, ubl_invoice

CII = "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]"
SETTLEMENT = f"{CII}/ram:ApplicableHeaderTradeSettlement[1]"
NBSP = "\u00a0"


def tree(data: bytes):
    return xml_safe.parse(data, max_bytes=10**7)


@pytest.fixture(scope="module")
def two_rates():
    return tree(
        cii_invoice(
            lines=[Line(unit_price=Decimal("100.00")), Line(unit_price=Decimal("50"), vat_rate=Decimal("10"))]
        )
    )


@pytest.mark.parametrize(
    "location",
    [
        "",
        "facture.pdf",
        "//ram:ID",
        f"{CII}/..",
        f"{CII}/ram:IncludedSupplyChainTradeLineItem[position()=1]",
        "count(//*)",
        "/rsm:CrossIndustryInvoice[1]/evil:Thing[1]",
        "/rsm:CrossIndustryInvoice[1] | /rsm:CrossIndustryInvoice[1]",
        f"{CII}/ram:ApplicableHeaderTradeSettlement[1]/@*",
        "/rsm:CrossIndustryInvoice[1]" + "/ram:X[1]" * 300,
    ],
)
def test_anything_but_a_plain_location_path_reads_nothing(location, two_rates):
    assert values.parse_location(location) is None
    assert values.at_location(two_rates, location) == []


def test_a_location_past_the_invoice_reads_nothing(two_rates):
    assert values.at_location(two_rates, f"{CII}/ram:IncludedSupplyChainTradeLineItem[9]") == []
    assert values.at_location(two_rates, "/rsm:Other[1]/ram:ID[1]") == []


def test_the_value_at_a_schematron_location_is_read_with_its_term_and_attributes(two_rates):
    location = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation[1]/ram:GrandTotalAmount[1]"

    [value] = values.at_location(two_rates, location)

    assert value["term"] == "BT-112"
    assert value["label"] == "Montant total TTC"
    assert (value["value"], value["display"], value["display_en"]) == ("175.00", "175,00", "175.00")


def test_an_xsd_path_without_indexes_and_an_attribute_location_are_read(two_rates):
    line_quantity = (
        f"{CII}/ram:IncludedSupplyChainTradeLineItem[2]/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"
    )

    [quantity] = values.at_location(two_rates, line_quantity.replace("[1]", ""))
    [unit] = values.at_location(two_rates, line_quantity + "/@unitCode")

    assert (quantity["term"], quantity["value"], quantity["attributes"]) == (
        "BT-129",
        "1",
        {"unitCode": "C62"},
    )
    assert (unit["term"], unit["value"]) == ("BT-130", "C62")


def test_a_group_location_lists_the_terms_it_holds(two_rates):
    found = {
        v["term"]: v["display"]
        for v in values.at_location(two_rates, f"{SETTLEMENT}/ram:ApplicableTradeTax[2]")
    }

    assert found == {"BT-117": "20,00", "BT-116": "100,00", "BT-118": "S", "BT-119": f"20,00{NBSP}%"}


def test_terms_are_read_next_to_the_location(two_rates):
    second_breakdown = values.parse_location(f"{SETTLEMENT}/ram:ApplicableTradeTax[2]/ram:CategoryCode[1]")

    assert values.select(two_rates, "BT-116") == ["50.00", "100.00"]
    assert values.select(two_rates, "BT-116", second_breakdown) == ["100.00"]
    assert values.select(two_rates, "BT-109", second_breakdown) == ["150.00"]


def test_ubl_terms_are_read_too():
    root = tree(ubl_invoice())

    assert values.select(root, "BT-112") == ["120.00"]
    assert values.select(root, "BT-130") == ["C62"]


def test_output_is_bounded():
    long_name = "Désignation " * 50
    root = tree(cii_invoice(lines=[Line(name=long_name) for _ in range(60)]))

    names = values.select(root, "BT-153")
    group = values.at_location(
        root, f"{CII}/ram:IncludedSupplyChainTradeLineItem[1]/ram:SpecifiedTradeProduct[1]"
    )

    assert len(names) <= 50 and all(len(name) <= values.MAX_TEXT for name in names)
    assert len(group) <= values.MAX_VALUES


@pytest.mark.parametrize(
    ("term", "value", "french", "english"),
    [
        ("BT-112", "2208", f"2{NBSP}208,00", "2,208.00"),
        ("BT-146", "12.3456", "12,3456", "12.3456"),
        ("BT-119", "5.5", f"5,5{NBSP}%", f"5.5{NBSP}%"),
        ("BT-2", "20250314", "14/03/2025", "2025-03-14"),
        ("BT-2", "2025-03-14", "14/03/2025", "2025-03-14"),
        ("BT-130", "C62", "C62", "C62"),
    ],
)
def test_values_are_shown_as_people_read_them(term, value, french, english):
    assert values.display(term, value, "fr") == french
    assert values.display(term, value, "en") == english
