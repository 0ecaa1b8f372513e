"""Depositing invoices through the deposit service: each format accepted, routed, recorded with its report."""

from datetime import date
from decimal import Decimal

import pytest

from invoices.deposit.operations import deposit_files
from invoices.models import (
    Deposit,
    DepositDocument,
    DepositStatus,
    Invoice,
    InvoiceEvent,
    InvoiceStatus,
    StoredFile,
)
from tests.builders import image_pdf, plain_pdf
from tests.factories_deposit import error_rules_of, invoice_upload, upload


@pytest.mark.parametrize("kind", ["facturx", "cii", "ubl"])
def test_a_valid_invoice_is_integrated_and_delivered(world, kind):
    deposit = deposit_files(
        world.supplier,
        [invoice_upload(world, kind, number="F-1", amount="250.00")],
        channel=Deposit.Channel.WEB,
    )

    assert deposit.status == DepositStatus.INTEGRE, deposit.report["documents"][0]["findings"]
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.delivered_at is not None
    assert (invoice.number, invoice.year, invoice.format) == ("F-1", 2025, kind)
    assert invoice.supplier == world.supplier_structure
    assert invoice.recipient == world.recipient
    assert invoice.service == world.service
    assert str(invoice.total_without_vat) == "250.00"
    assert str(invoice.total_with_vat) == "300.00"
    assert invoice.data["number"] == "F-1"
    assert [e.to_status for e in InvoiceEvent.objects.filter(invoice=invoice)] == [
        InvoiceStatus.DEPOSEE,
        InvoiceStatus.MISE_A_DISPOSITION,
    ]
    document = DepositDocument.objects.get(deposit=deposit)
    assert document.invoice == invoice and document.valid
    assert deposit.report["documents"][0]["invoice"] == str(invoice.uuid)


def test_a_refused_deposit_is_recorded_with_its_report(world):
    deposit = deposit_files(
        world.supplier,
        [invoice_upload(world, "cii", buyer_siret="73282932000074")],
        channel=Deposit.Channel.WEB,
    )

    assert deposit.status == DepositStatus.REJETE
    assert "CHORALE-BUYER-UNKNOWN" in error_rules_of(deposit)
    assert not Invoice.objects.exists()
    assert StoredFile.objects.count() == 1
    assert Deposit.objects.get() == deposit


def test_a_deposit_of_several_files_is_integrated_partly(world):
    files = [
        invoice_upload(world, "facturx", name="bon.pdf"),
        invoice_upload(world, "cii", name="bon.xml"),
        invoice_upload(world, "ubl", name="mauvais.xml", buyer_siret="73282932000074"),
        upload("notes.txt", b"not an invoice"),
    ]

    deposit = deposit_files(world.supplier, files, channel=Deposit.Channel.WEB)

    assert deposit.status == DepositStatus.INTEGRE_PARTIELLEMENT
    assert [(d["file"], d["accepted"]) for d in deposit.report["documents"]] == [
        ("bon.pdf", True),
        ("bon.xml", True),
        ("mauvais.xml", False),
        ("notes.txt", False),
    ]
    assert error_rules_of(deposit, 3) == {"CHORALE-FORMAT-UNKNOWN"}
    assert (deposit.report["integrated"], deposit.report["refused"]) == (2, 2)
    assert Invoice.objects.count() == 2
    assert DepositDocument.objects.filter(deposit=deposit).count() == 4


def test_a_deposit_with_nothing_in_it_is_refused(world):
    deposit = deposit_files(world.supplier, [], channel=Deposit.Channel.WEB)

    assert deposit.status == DepositStatus.REJETE
    assert [f["rule"] for f in deposit.report["findings"]] == ["CHORALE-DEPOSIT-EMPTY"]


def test_the_invoice_keeps_every_extracted_field(world):
    deposit_files(
        world.supplier,
        [
            invoice_upload(
                world,
                "ubl",
                number="F-9",
                engagement="EJ-42",
                issue_date=date(2025, 6, 2),
                due_date=date(2025, 7, 2),
            )
        ],
        channel=Deposit.Channel.API,
    )

    invoice = Invoice.objects.get()
    assert (invoice.issue_date, invoice.due_date) == (date(2025, 6, 2), date(2025, 7, 2))
    assert (invoice.code_service, invoice.engagement, invoice.currency) == ("VOIRIE", "EJ-42", "EUR")
    assert invoice.seller_siret == world.supplier_structure.identifier
    assert invoice.seller_vat.startswith("FR")
    assert invoice.buyer_identifier == world.recipient.identifier
    assert invoice.amount_due == invoice.total_with_vat
    assert invoice.data["vat_breakdown"] == [
        {"category": "S", "rate": "20.00", "base": "100.00", "amount": "20.00"}
    ]
    assert invoice.data["lines"][0]["name"] == "Prestation de maintenance"
    assert invoice.data["payment_iban"].startswith("FR76")


# Plain PDFs, with the data typed in.

PDF_FORM = {
    "number": "PDF-1",
    "issue_date": date(2025, 5, 1),
    "total_without_vat": Decimal("100.00"),
    "total_vat": Decimal("20.00"),
    "total_with_vat": Decimal("120.00"),
    "currency": "EUR",
    "type_code": "380",
    "service_code": "VOIRIE",
    "engagement": "",
}


def test_a_plain_pdf_with_its_typed_data_is_integrated(world):
    form = {**PDF_FORM, "recipient_siret": world.recipient.identifier}

    deposit = deposit_files(
        world.supplier, [upload("scan.pdf", plain_pdf())], routing_form=form, channel=Deposit.Channel.WEB
    )

    assert deposit.status == DepositStatus.INTEGRE, deposit.report["documents"][0]["findings"]
    invoice = Invoice.objects.get()
    assert (invoice.format, invoice.number, invoice.issue_date) == ("pdf", "PDF-1", date(2025, 5, 1))
    assert (invoice.recipient, invoice.service, invoice.supplier) == (
        world.recipient,
        world.service,
        world.supplier_structure,
    )
    assert invoice.total_with_vat == Decimal("120.00")
    assert invoice.seller_name == world.supplier_structure.name


def test_a_plain_pdf_without_typed_data_is_refused_with_a_message(world):
    deposit = deposit_files(world.supplier, [upload("facture.pdf", plain_pdf())], channel=Deposit.Channel.WEB)

    assert error_rules_of(deposit) == {"CHORALE-PDF-FORM-REQUIRED"}
    assert "formulaire" in deposit.report["documents"][0]["findings"][0]["message"]


def test_an_image_only_pdf_is_refused_even_with_its_data(world):
    form = {**PDF_FORM, "recipient_siret": world.recipient.identifier}

    deposit = deposit_files(
        world.supplier, [upload("scan.pdf", image_pdf())], routing_form=form, channel=Deposit.Channel.WEB
    )

    assert "CHORALE-PDF-IMAGE" in error_rules_of(deposit)
    assert not Invoice.objects.exists()


def test_typed_data_routes_a_plain_pdf_by_the_same_rules(world):
    form = {**PDF_FORM, "recipient_siret": world.recipient.identifier, "service_code": "NOPE"}

    deposit = deposit_files(
        world.supplier, [upload("f.pdf", plain_pdf())], routing_form=form, channel=Deposit.Channel.WEB
    )

    [finding] = [
        f for f in deposit.report["documents"][0]["findings"] if f["rule"] == "CHORALE-SERVICE-UNKNOWN"
    ]
    assert finding["location"] == "service_code"


def test_typed_data_are_ignored_for_a_structured_invoice(world):
    form = {**PDF_FORM, "recipient_siret": "73282932000074"}

    deposit = deposit_files(
        world.supplier, [invoice_upload(world, "facturx")], routing_form=form, channel=Deposit.Channel.WEB
    )

    assert deposit.status == DepositStatus.INTEGRE
    assert "CHORALE-FORM-IGNORED" in {f["rule"] for f in deposit.report["documents"][0]["findings"]}
    assert Invoice.objects.get().recipient == world.recipient
