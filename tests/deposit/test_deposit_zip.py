"""A ZIP of invoices is one deposit: each invoice integrated or refused on its own; zip bombs are stopped."""

import io
import struct
import zipfile

from invoices.deposit.operations import deposit_files
from invoices.models import Deposit, DepositDocument, DepositStatus, Invoice
from tests.factories_deposit import error_rules_of, invoice_bytes, upload, zip_of


def deposit_zip(world, data, name="factures.zip"):
    return deposit_files(world.supplier, [upload(name, data)], channel=Deposit.Channel.WEB)


def test_a_zip_of_invoices_is_integrated_partly_with_a_report_for_each(world):
    archive = zip_of(
        {
            "a.pdf": invoice_bytes(world, "facturx"),
            "dossier/b.xml": invoice_bytes(world, "ubl"),
            "c.xml": invoice_bytes(world, "cii", service_code="NOPE"),
            "__MACOSX/._a.pdf": b"resource fork",
        }
    )

    result = deposit_zip(world, archive)

    assert result.status == DepositStatus.INTEGRE_PARTIELLEMENT
    documents = result.report["documents"]
    assert [(d["file"], d["container"], d["accepted"]) for d in documents] == [
        ("a.pdf", "factures.zip", True),
        ("b.xml", "factures.zip", True),
        ("c.xml", "factures.zip", False),
    ]
    assert error_rules_of(result, 2) == {"CHORALE-SERVICE-UNKNOWN"}
    assert Invoice.objects.count() == 2
    # The archive itself is kept too, as deposited.
    kept = DepositDocument.objects.get(deposit=result, format="zip").stored_file
    assert kept.file.read() == archive
    assert result.report["archives"][0]["file"] == "factures.zip"


def test_a_zip_with_too_many_files_is_refused(world, settings):
    settings.CHORALE_MAX_ZIP_MEMBERS = 2

    result = deposit_zip(world, zip_of({f"{i}.xml": b"<x/>" for i in range(3)}))

    assert result.status == DepositStatus.REJETE
    assert [f["rule"] for f in result.report["findings"]] == ["CHORALE-ZIP-TOO-MANY"]


def test_a_zip_bomb_is_refused_from_its_declared_size(world, settings):
    settings.CHORALE_MAX_ZIP_BYTES = 5 * 1024 * 1024
    bomb = zip_of({f"{i}.xml": b"\0" * 3 * 1024 * 1024 for i in range(2)})
    assert len(bomb) < 50_000

    result = deposit_zip(world, bomb)

    assert [f["rule"] for f in result.report["findings"]] == ["CHORALE-ZIP-TOO-LARGE"]


def lying_zip(real_size: int, claimed_size: int) -> bytes:
    """A ZIP whose member claims to be smaller than it inflates to."""
    data = bytearray(zip_of({"facture.xml": b"<a>" + b" " * real_size + b"</a>"}))
    real = real_size + 7
    packed_real, packed_claim = struct.pack("<I", real), struct.pack("<I", claimed_size)
    # The uncompressed size is in the local header (offset 22) and the central directory entry (offset 24).
    assert data[22:26] == packed_real
    data[22:26] = packed_claim
    central = data.rindex(b"PK\x01\x02")
    assert data[central + 24 : central + 28] == packed_real
    data[central + 24 : central + 28] = packed_claim
    return bytes(data)


def test_a_member_lying_about_its_size_is_never_inflated_past_it(world):
    result = deposit_zip(world, lying_zip(real_size=20 * 1024 * 1024, claimed_size=1000))

    assert error_rules_of(result) == {"CHORALE-ZIP-MEMBER-UNREADABLE"}


def test_a_member_over_the_file_limit_is_refused_unread(world, settings):
    settings.CHORALE_MAX_FILE_BYTES = 100_000

    result = deposit_zip(world, zip_of({"gros.xml": b"<a>" + b" " * 200_000 + b"</a>"}))

    assert error_rules_of(result) == {"CHORALE-FILE-TOO-LARGE"}


def test_an_archive_in_the_archive_is_refused(world):
    result = deposit_zip(world, zip_of({"inner.zip": zip_of({"a.xml": invoice_bytes(world, "cii")})}))

    assert "CHORALE-ZIP-NESTED" in error_rules_of(result)
    assert not Invoice.objects.exists()


def test_a_broken_zip_is_refused_with_a_message(world):
    result = deposit_zip(world, b"PK\x03\x04" + b"garbage" * 100)

    assert result.status == DepositStatus.REJETE
    assert [f["rule"] for f in result.report["findings"]] == ["CHORALE-ZIP-UNREADABLE"]


def test_an_encrypted_member_is_refused(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", b"<a/>")
    data = bytearray(buffer.getvalue())
    data[6] |= 0x1  # the encryption flag, in the local header and the central directory
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1

    assert error_rules_of(deposit_zip(world, bytes(data))) == {"CHORALE-ZIP-ENCRYPTED"}
