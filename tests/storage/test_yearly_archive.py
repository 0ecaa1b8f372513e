"""A structure's managers and accountants download a year of vouchers: originals, attachments, an index and a
SHA-256 manifest that matches the files; with a fresh second factor, journaled; 404 to anyone else."""

import hashlib
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import SecurityEvent
from invoices.models import InvoiceAttachment
from tests.conftest import verified_client
from tests.factories import StoredFileFactory
from tests.factories_lifecycle import accountant_of, fresh_otp_client, invoice_in, world

pytestmark = pytest.mark.django_db


def _year_of_invoices(w):
    first = invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="F-1/2026")
    InvoiceAttachment.objects.create(
        invoice=first, stored_file=StoredFileFactory(), added_by=first.deposited_by
    )
    second = invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="=cmd|calc")
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], year=2025, number="OLD")
    return first, second


def _download(client, w, year=2026):
    url = reverse("invoices:archive_download", args=[w["recipient"].uuid, year])
    return client.get(url)


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_manifest_matches_every_file_of_the_archive(client):
    w = world()
    first, _second = _year_of_invoices(w)
    response = _download(fresh_otp_client(client, w["accountant"]), w)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = _zip(response)
    manifest = archive.read("SHA256SUMS").decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in manifest)
    assert set(listed) == set(archive.namelist()) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    originals = [n for n in listed if n.startswith("originaux/")]
    assert len(originals) == 2 and len([n for n in listed if n.startswith("pieces_jointes/")]) == 1
    assert first.original.sha256 in listed.values()


def test_the_index_lists_the_years_invoices_without_running_formulas(client):
    w = world()
    _year_of_invoices(w)
    archive = _zip(_download(fresh_otp_client(client, w["accountant"]), w))
    index = archive.read("index.csv").decode("utf-8-sig")
    assert "F-1/2026" in index and "'=cmd|calc" in index and "OLD" not in index
    assert archive.read("index.xlsx")[:2] == b"PK"


def test_the_download_asks_for_a_fresh_second_factor_and_is_journaled(client):
    w = world()
    _year_of_invoices(w)
    stale = _download(verified_client(client, w["accountant"]), w)
    assert stale.status_code == 302 and stale["Location"].startswith(reverse("accounts:reverify"))
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_DOWNLOAD).exists()
    _download(fresh_otp_client(client, w["accountant"]), w)
    assert SecurityEvent.objects.filter(
        user=w["accountant"], kind=SecurityEvent.Kind.EXPORT_DOWNLOAD, detail__contains="Archive 2026"
    ).exists()


@pytest.mark.parametrize("who", ["outsider", "stranger", "supplier_user", "limited"])
def test_anyone_but_a_manager_or_an_accountant_of_all_services_gets_404(client, who):
    w = world()
    _year_of_invoices(w)
    w["limited"] = accountant_of(w["recipient"], services=[w["voirie"]])
    response = _download(fresh_otp_client(client, w[who]), w)
    assert response.status_code == 404


def test_archive_year_writes_the_same_archive_into_a_folder(tmp_path):
    w = world()
    _year_of_invoices(w)
    call_command("archive_year", structure=w["recipient"].identifier, year=2026, out=str(tmp_path))
    (written,) = tmp_path.glob("archive_*_2026.zip")
    with zipfile.ZipFile(written) as archive:
        assert len([n for n in archive.namelist() if n.startswith("originaux/")]) == 2


def test_the_archives_page_offers_each_year_with_invoices(client):
    w = world()
    _year_of_invoices(w)
    page = verified_client(client, w["accountant"]).get(reverse("invoices:archives"))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("invoices:archive_download", args=[w["recipient"].uuid, 2025]) in body
    assert reverse("invoices:archive_download", args=[w["recipient"].uuid, 2026]) in body
