"""Attachments and deposit limits: an allow-list of types checked against the content, sizes and names
capped by the settings (Chorus Pro's limits by default), and those limits shown to the user."""

import io

import pytest
from openpyxl import Workbook

from invoices.deposit.operations import deposit_files
from invoices.models import Deposit, DepositStatus, Invoice, InvoiceAttachment
from tests.builders import plain_pdf
from tests.conftest import verified_client
from tests.factories_deposit import PNG, error_rules_of, invoice_upload, upload, zip_of


def deposit(world, attachments, **fields):
    return deposit_files(
        world.supplier,
        [invoice_upload(world, "cii", **fields)],
        attachments=attachments,
        channel=Deposit.Channel.WEB,
    )


def attachment_rules(result, index=0):
    return {f["rule"] for f in result.report["documents"][0]["attachments"][index]["findings"]}


class UnreadableUpload:
    """An upload announcing its size; reading it would be the bug under test."""

    def __init__(self, name, size):
        self.name, self.size = name, size

    def read(self, *args):
        raise AssertionError("an oversized upload was read")

    chunks = read


def xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def test_accepted_attachments_are_kept_with_the_invoice(world):
    files = {
        "bon-de-commande.png": PNG,
        "pv-reception.pdf": plain_pdf(),
        "detail.xlsx": xlsx(),
        "releve.csv": b"date;montant\n2025-01-01;12,50\n",
        "annexe.xml": b"<?xml version='1.0'?><a/>",
    }

    result = deposit(world, [upload(name, data) for name, data in files.items()])

    assert result.status == DepositStatus.INTEGRE, result.report["documents"][0]["findings"]
    kept = {a.stored_file.original_name: a.stored_file.file.read() for a in InvoiceAttachment.objects.all()}
    assert kept == files


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("virus.exe", b"MZ\x90\x00", "CHORALE-ATTACHMENT-TYPE"),
        ("page.html", b"<html></html>", "CHORALE-ATTACHMENT-TYPE"),
        ("photo.png", plain_pdf(), "CHORALE-ATTACHMENT-CONTENT"),
        ("devis.pdf", b"MZ\x90\x00 not a pdf", "CHORALE-ATTACHMENT-CONTENT"),
        ("tableau.xlsx", zip_of({"a.txt": b"x"}), "CHORALE-ATTACHMENT-CONTENT"),
        ("notes.txt", b"\x00\x01\x02binary", "CHORALE-ATTACHMENT-CONTENT"),
        (
            "annexe.xml",
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
            "CHORALE-ATTACHMENT-DOCTYPE",
        ),
    ],
)
def test_an_attachment_of_the_wrong_type_refuses_its_invoice(world, name, data, rule):
    result = deposit(world, [upload(name, data)])

    assert result.status == DepositStatus.REJETE
    assert error_rules_of(result) == {"CHORALE-ATTACHMENT-REFUSED"}
    assert attachment_rules(result) == {rule}
    assert not Invoice.objects.exists()


def test_file_names_longer_than_the_limit_are_refused(world):
    long_name = "x" * 47 + ".png"  # 51 characters

    result = deposit(world, [upload(long_name, PNG)])

    assert attachment_rules(result) == {"CHORALE-FILENAME-TOO-LONG"}
    named = deposit_files(
        world.supplier, [invoice_upload(world, "cii", name="f" * 47 + ".xml")], channel=Deposit.Channel.WEB
    )
    assert "CHORALE-FILENAME-TOO-LONG" in error_rules_of(named)


def test_a_file_over_the_limit_is_refused_without_being_read(world, settings):
    settings.CHORALE_MAX_FILE_BYTES = 50_000

    result = deposit_files(
        world.supplier,
        [UnreadableUpload("enorme.pdf", 50_001)],
        attachments=[UnreadableUpload("scan.pdf", 10**9)],
        channel=Deposit.Channel.WEB,
    )

    assert result.status == DepositStatus.REJETE
    assert error_rules_of(result) == {"CHORALE-FILE-TOO-LARGE", "CHORALE-ATTACHMENT-REFUSED"}
    assert attachment_rules(result) == {"CHORALE-FILE-TOO-LARGE"}
    assert "48,8 Ko" in result.report["documents"][0]["findings"][0]["message"]


def test_an_invoice_with_its_attachments_over_the_limit_is_refused(world, settings):
    settings.CHORALE_MAX_INVOICE_BYTES = 60_000
    big = plain_pdf() + b"%" + b"0" * 40_000

    result = deposit(world, [upload("a.pdf", big), upload("b.pdf", big)])

    assert error_rules_of(result) == {"CHORALE-INVOICE-TOO-LARGE"}


def test_attachments_go_with_a_single_invoice(world):
    result = deposit_files(
        world.supplier,
        [invoice_upload(world, "cii"), invoice_upload(world, "ubl")],
        attachments=[upload("bon.png", PNG)],
        channel=Deposit.Channel.WEB,
    )

    assert result.status == DepositStatus.REJETE
    assert {f["rule"] for f in result.report["findings"]} == {"CHORALE-ATTACHMENTS-ONE-INVOICE"}
    assert not Invoice.objects.exists()


def test_the_deposit_page_shows_the_limits(client, world, settings):
    settings.CHORALE_MAX_FILENAME_CHARS = 42

    page = verified_client(client, world.supplier).get("/factures/deposer/").content.decode()

    assert "10 Mo au plus par fichier" in page
    assert "120 Mo au plus par facture" in page
    assert "42 caractères au plus" in page
    assert "xlsx" in page
