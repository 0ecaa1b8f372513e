"""A deposited document whose validation passes a limit is refused with CHORALE-VALIDATION-LIMIT, through the
API and the web deposit, and nobody else waits behind it: every document is validated in a worker process
(issue 11, acceptance 1)."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from invoices.deposit.validation_pool import get_pool
from invoices.models import Deposit, Invoice
from tests.builders.hostile import quadratic_cii
from tests.conftest import verified_client
from tests.factories import StructureFactory
from tests.factories_deposit import error_rules_of, invoice_bytes, make_world, token_headers, upload

pytestmark = pytest.mark.django_db(transaction=True)  # requests run in threads: data must be committed

API_URL = "/api/v1/invoices/"
WEB_URL = "/factures/deposer/"
TIME_LIMIT = 5
# "Within the limit plus a few seconds": the kill is immediate, the rest is a loaded shared test machine.
MARGIN = 5


@pytest.fixture
def world(settings):
    settings.CHORALE_VALIDATION_TIMEOUT = TIME_LIMIT
    world = make_world()
    # Every worker warm and free (a previous test may have had one killed): timings measure validation only.
    assert get_pool().wait_until_idle(300), "the validation workers did not start"
    return world


def _client(channel: str, user) -> Client:
    if channel == "api":
        return Client(**token_headers(user))
    return verified_client(Client(), user)


def _deposit(channel: str, client: Client, name: str, data: bytes):
    if channel == "api":
        return client.post(API_URL, {"file": upload(name, data)})
    return client.post(WEB_URL, {"files": [upload(name, data)]})


def _limit_finding(deposit: Deposit) -> dict:
    findings = deposit.report["documents"][0]["findings"]
    [finding] = [f for f in findings if f["rule"] == "CHORALE-VALIDATION-LIMIT"]
    return finding


@pytest.mark.parametrize("channel", ["api", "web"])
def test_a_quadratic_invoice_is_refused_at_the_time_limit_while_others_are_served(world, channel):
    crafted = quadratic_cii(invoice_bytes(world, "cii"))
    attacker = _client(channel, world.supplier)
    other_supplier = StructureFactory(name="Informatique Services SAS")
    other = _client(channel, other_supplier.principal_manager)
    outcome = {}

    def deposit_the_crafted_invoice():
        started = time.monotonic()
        try:
            outcome["response"] = _deposit(channel, attacker, "piege.xml", crafted)
        finally:
            outcome["elapsed"] = time.monotonic() - started
            connection.close()

    thread = threading.Thread(target=deposit_the_crafted_invoice)
    thread.start()
    _wait_until_a_worker_is_busy()

    started = time.monotonic()
    login_page = Client().get(reverse("accounts:login"))
    login_seconds = time.monotonic() - started
    started = time.monotonic()
    valid = invoice_bytes(world, "cii", seller_siret=other_supplier.identifier, number="OTHER-1")
    answer = _deposit(channel, other, "facture.xml", valid)
    deposit_seconds = time.monotonic() - started
    still_checking = thread.is_alive()
    thread.join(TIME_LIMIT + 60)

    assert login_page.status_code == 200 and login_seconds < 2
    assert answer.status_code == (201 if channel == "api" else 302)
    assert Invoice.objects.get(supplier=other_supplier).number == "OTHER-1"
    assert deposit_seconds < TIME_LIMIT - 1
    assert still_checking, "the crafted invoice was not being checked meanwhile"
    assert outcome["elapsed"] < TIME_LIMIT + MARGIN
    refused = Deposit.objects.get(created_by=world.supplier)
    assert refused.status == "rejete"
    assert error_rules_of(refused) == {"CHORALE-VALIDATION-LIMIT"}
    assert "time limit of 5 s" in _limit_finding(refused)["message_en"]
    assert "durée maximale de 5 s" in _limit_finding(refused)["message"]
    if channel == "api":
        assert outcome["response"].status_code == 422
        assert [f["rule"] for f in outcome["response"].json()["findings"]] == ["CHORALE-VALIDATION-LIMIT"]
    else:
        assert outcome["response"].status_code == 302
        report = attacker.get(outcome["response"]["Location"]).content.decode()
        assert "CHORALE-VALIDATION-LIMIT" in report and "durée maximale de 5 s" in report
    assert not Invoice.objects.filter(supplier=world.supplier_structure).exists()


def test_a_document_past_the_memory_limit_is_refused_naming_it_and_its_worker_replaced(world, settings):
    pool = get_pool()
    before = pool.worker_pids()
    api = _client("api", world.supplier)
    # Below what a warm worker holds: the first sample of any validation is over it.
    settings.CHORALE_VALIDATION_MEMORY_MB = 64

    refused = _deposit("api", api, "facture.xml", invoice_bytes(world, "cii"))
    settings.CHORALE_VALIDATION_MEMORY_MB = 1024
    served = _deposit("api", api, "facture.xml", invoice_bytes(world, "cii", number="NEXT-1"))

    assert refused.status_code == 422
    [finding] = refused.json()["findings"]
    assert finding["rule"] == "CHORALE-VALIDATION-LIMIT"
    assert "mémoire maximale de 64 Mo" in finding["message"]
    assert served.status_code == 201  # by the other worker, while the killed one's replacement warms up
    assert Invoice.objects.get().number == "NEXT-1"
    assert pool.wait_until_idle(300)
    assert len(pool.worker_pids() - before) == 1 and len(pool.worker_pids()) == pool.size


def _wait_until_a_worker_is_busy(timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not get_pool().state()["busy"]:
        assert time.monotonic() < deadline, "the crafted invoice never reached a validation worker"
        time.sleep(0.02)
