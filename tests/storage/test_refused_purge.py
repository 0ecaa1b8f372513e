"""Refused uploads are kept for a set period, then their bytes go; what was refused stays on record, and files
that back an invoice are never touched."""

import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from invoices.deposit.operations import deposit_files
from invoices.models import Deposit, StoredFile
from tests.conftest import verified_client
from tests.factories_deposit import invoice_bytes, make_world, upload

pytestmark = pytest.mark.django_db

NOT_AN_INVOICE = b"<?xml version='1.0'?><not-an-invoice/>"


def _age(stored: StoredFile, days: int) -> None:
    StoredFile.objects.filter(pk=stored.pk).update(created_at=timezone.now() - timedelta(days=days))


def _refused(world, data=NOT_AN_INVOICE, name="refusee.xml") -> StoredFile:
    deposit = deposit_files(world.supplier, [upload(name, data)], channel=Deposit.Channel.WEB)
    return deposit.documents.get().stored_file


def test_a_refused_upload_past_the_period_loses_its_bytes_but_keeps_its_record(settings):
    settings.CHORALE_REFUSED_RETENTION_DAYS = 30
    world = make_world()
    old, recent = _refused(world), _refused(world, NOT_AN_INVOICE + b" ", "recente.xml")
    _age(old, 31)
    _age(recent, 29)
    old_path, recent_path = old.file.path, recent.file.path

    call_command("purge_refused_deposits")

    old.refresh_from_db()
    assert not os.path.exists(old_path) and old.purged_at is not None
    assert old.sha256 and old.size == len(NOT_AN_INVOICE)
    assert os.path.exists(recent_path)
    call_command("verify_archive")  # a purged file is not reported missing


def test_bytes_that_also_back_an_invoice_are_never_purged():
    world = make_world()
    data = invoice_bytes(world, "cii")
    accepted = deposit_files(world.supplier, [upload("facture.xml", data)]).documents.get().stored_file
    _age(accepted, 400)

    call_command("purge_refused_deposits")

    accepted.refresh_from_db()
    assert accepted.purged_at is None and os.path.exists(accepted.file.path)


def test_the_deposit_report_says_how_long_refused_files_are_kept(client, settings):
    settings.CHORALE_REFUSED_RETENTION_DAYS = 45
    world = make_world()
    deposit = deposit_files(world.supplier, [upload("refusee.xml", NOT_AN_INVOICE)])
    page = verified_client(client, world.supplier).get(
        reverse("invoices:deposit_detail", args=[deposit.uuid])
    )
    assert "conservés 45 jours" in page.content.decode()
