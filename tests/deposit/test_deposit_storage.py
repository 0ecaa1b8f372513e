"""Originals are kept byte-for-byte through Django's storage, with size and SHA-256, never overwritten;
the same file deposited twice is recognised."""

import hashlib

from invoices.deposit.operations import deposit_files
from invoices.models import Deposit, StoredFile
from invoices.storage import store_file
from tests.factories_deposit import invoice_bytes, upload


def test_the_original_is_kept_byte_for_byte_with_its_size_and_sha256(world):
    data = invoice_bytes(world, "facturx")

    deposit_files(world.supplier, [upload("Facture Mars.pdf", data)], channel=Deposit.Channel.WEB)

    stored = StoredFile.objects.get()
    with stored.file.open("rb") as original:
        assert original.read() == data
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert stored.original_name == "Facture Mars.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.uploaded_by == world.supplier


def test_a_refused_file_is_kept_too(world):
    data = b"<?xml version='1.0'?><not-an-invoice/>"

    deposit = deposit_files(world.supplier, [upload("x.xml", data)], channel=Deposit.Channel.WEB)

    assert deposit.documents.get().stored_file.file.read() == data


def test_the_same_file_deposited_twice_is_recognised_and_kept_once(world):
    data = invoice_bytes(world, "cii")
    first = deposit_files(world.supplier, [upload("a.xml", data)], channel=Deposit.Channel.WEB)

    second = deposit_files(world.supplier, [upload("b.xml", data)], channel=Deposit.Channel.WEB)

    assert StoredFile.objects.count() == 1
    [again] = [
        f for f in second.report["documents"][0]["findings"] if f["rule"] == "CHORALE-ALREADY-DEPOSITED"
    ]
    assert again["severity"] == "warning"
    assert str(first.uuid)[:8] in again["message"] and "déjà été déposé" in again["message"]
    assert second.report["documents"][0]["already_deposited"]["deposit"] == str(first.uuid)


def test_another_supplier_is_not_told_who_deposited_a_file_before(world):
    data = invoice_bytes(world, "cii")
    deposit_files(world.supplier, [upload("a.xml", data)], channel=Deposit.Channel.WEB)

    other = deposit_files(world.accountant, [upload("a.xml", data)], channel=Deposit.Channel.WEB)

    assert "CHORALE-ALREADY-DEPOSITED" not in {f["rule"] for f in other.report["documents"][0]["findings"]}


def test_a_stored_file_is_never_overwritten(world):
    one = store_file(b"one", name="same-name.pdf", user=world.supplier)
    two = store_file(b"two", name="same-name.pdf", user=world.supplier)

    assert one.file.name != two.file.name
    assert (one.file.read(), two.file.read()) == (b"one", b"two")
