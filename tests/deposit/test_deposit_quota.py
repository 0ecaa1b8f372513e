"""Each supplier structure deposits at most CHORALE_DEPOSIT_DAILY_BYTES a day, refused deposits included; past
it, nothing is kept and the answer says when to come back."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from invoices.deposit import quota
from invoices.models import Deposit, DepositDailyUsage, StoredFile
from tests.concurrently import on_postgresql
from tests.conftest import verified_client
from tests.factories import MembershipFactory, StructureFactory
from tests.factories_deposit import invoice_bytes, token_headers, upload

URL = "/api/v1/invoices/"


def _post(client, world, data, user=None):
    headers = token_headers(user or world.supplier)
    return client.post(URL, {"file": upload("facture.xml", data)}, **headers)


def test_past_the_quota_the_api_answers_429_and_keeps_nothing(client, settings, world):
    first, second = invoice_bytes(world, "cii"), invoice_bytes(world, "cii")
    settings.CHORALE_DEPOSIT_DAILY_BYTES = len(first) + len(second) - 1
    assert _post(client, world, first).status_code == 201
    files, deposits = StoredFile.objects.count(), Deposit.objects.count()

    refused = _post(client, world, second)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 24 * 3600
    assert [f["rule"] for f in refused.json()["findings"]] == ["CHORALE-DEPOSIT-QUOTA"]
    assert "Atelier Durand SARL" in refused.json()["findings"][0]["message"]
    assert (StoredFile.objects.count(), Deposit.objects.count()) == (files, deposits)


def test_refused_deposits_count_in_the_quota(client, settings, world):
    broken = b"<Invoice>not an invoice</Invoice>"
    settings.CHORALE_DEPOSIT_DAILY_BYTES = len(broken) * 2
    assert _post(client, world, broken).status_code == 422
    assert _post(client, world, broken).status_code == 422
    assert _post(client, world, b"<x/>").status_code == 429
    usage = DepositDailyUsage.objects.get()
    assert usage.bytes == len(broken) * 2
    assert usage.day == timezone.localdate()


def test_the_quota_is_per_structure(client, settings, world):
    data = invoice_bytes(world, "cii")
    settings.CHORALE_DEPOSIT_DAILY_BYTES = len(data)
    assert _post(client, world, data).status_code == 201
    other = StructureFactory(name="Autre fournisseur")
    other_data = invoice_bytes(world, "cii", seller_siret=other.identifier)
    assert _post(client, world, other_data, user=other.principal_manager).status_code == 201


def test_a_new_day_starts_a_new_quota(client, settings, world):
    data = invoice_bytes(world, "cii")
    settings.CHORALE_DEPOSIT_DAILY_BYTES = len(data)
    assert _post(client, world, data).status_code == 201
    assert _post(client, world, invoice_bytes(world, "cii")).status_code == 429
    DepositDailyUsage.objects.update(day=timezone.localdate() - timedelta(days=1))
    assert _post(client, world, invoice_bytes(world, "cii")).status_code == 201


def test_a_quota_of_zero_means_no_quota(client, settings, world):
    settings.CHORALE_DEPOSIT_DAILY_BYTES = 0
    assert _post(client, world, invoice_bytes(world, "cii")).status_code == 201
    assert not DepositDailyUsage.objects.exists()


def test_the_quota_follows_the_chosen_supplier(client, settings, world):
    second = StructureFactory(name="Seconde société")
    MembershipFactory(structure=second, user=world.supplier, can_deposit=True)
    data = invoice_bytes(world, "cii")
    settings.CHORALE_DEPOSIT_DAILY_BYTES = len(data)
    assert _post(client, world, data).status_code == 201
    mine = invoice_bytes(world, "cii", seller_siret=second.identifier)
    headers = token_headers(world.supplier)
    response = client.post(URL, {"file": upload("f.xml", mine), "supplier": str(second.uuid)}, **headers)
    assert response.status_code == 201


def test_the_deposit_page_says_the_quota_is_reached(settings, world):
    data = invoice_bytes(world, "cii")
    settings.CHORALE_DEPOSIT_DAILY_BYTES = len(data)
    browser = verified_client(Client(), world.supplier)
    assert browser.post("/factures/deposer/", {"files": [upload("a.xml", data)]}).status_code == 302
    response = browser.post("/factures/deposer/", {"files": [upload("b.xml", invoice_bytes(world, "cii"))]})
    assert response.status_code == 429
    assert "Quota journalier" in response.content.decode()


def test_once_the_day_has_begun_a_charge_is_one_statement(db, settings, django_assert_num_queries):
    settings.CHORALE_DEPOSIT_DAILY_BYTES = 1000
    quota.charge("structure:1", 300)  # the day's first charge creates its row
    with django_assert_num_queries(1):
        quota.charge("structure:1", 300)
    with pytest.raises(quota.QuotaExceeded):
        quota.charge("structure:1", 500)
    assert DepositDailyUsage.objects.get().bytes == 600


@on_postgresql
def test_simultaneous_deposits_cannot_together_pass_the_quota(settings):
    settings.CHORALE_DEPOSIT_DAILY_BYTES = 1000
    start = threading.Barrier(8)
    outcomes = []

    def deposit():
        try:
            start.wait()
            quota.charge("structure:1", 300)
            outcomes.append("kept")
        except quota.QuotaExceeded:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deposit) for _i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["kept"] * 3 + ["refused"] * 5
    assert DepositDailyUsage.objects.get().bytes == 900
