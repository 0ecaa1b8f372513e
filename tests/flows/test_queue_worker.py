"""Acceptance 2: a flow goes through real Celery workers and the Redis server on 127.0.0.1; its worker is
killed with SIGKILL in the middle, another starts, and every invoice of the flow exists exactly once or is
reported failed, and the flow ends. Skipped when Redis is unreachable, except under CI=true where it fails."""

import pytest

from invoices.models import Deposit, DepositStatus, FlowItem, Invoice, InvoiceEvent
from tests.factories_deposit import invoice_bytes, make_world, token_headers, upload, zip_of
from tests.flows.conftest import wait_until

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]

INVOICES = 60
# A dead worker's claim on the file it held expires this fast here (minutes in production).
WORKER_ENV = {
    "CHORALE_FLOW_LEASE_SECONDS": "3",
    "CHORALE_WORKER_WARM_UP": "false",
    "CHORALE_FLOW_CHUNK": "10",
}


def test_a_flow_goes_through_a_real_worker_and_redis(client, workers):
    world = make_world()
    archive = zip_of({f"{i}.xml": invoice_bytes(world, "cii", number=f"Q-{i}") for i in range(3)})
    workers.start(**WORKER_ENV)

    response = client.post(
        "/api/v1/flows/", {"file": upload("lot.zip", archive)}, **token_headers(world.supplier)
    )

    assert response.status_code == 202
    deposit = Deposit.objects.get(uuid=response.json()["id"])
    wait_until(
        lambda: Deposit.objects.get(pk=deposit.pk).status != DepositStatus.EN_COURS,
        timeout=120,
        what="the flow to finish",
        workers=workers,
    )
    body = client.get(response["Location"], **token_headers(world.supplier)).json()
    assert body["status"] == "integre" and body["progress"] == {"done": 3, "total": 3}
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["Q-0", "Q-1", "Q-2"]


def test_a_worker_killed_mid_flow_loses_nothing_and_creates_no_invoice_twice(client, workers):
    world = make_world()
    members = {f"{i:03d}.xml": invoice_bytes(world, "cii", number=f"KILL-{i:03d}") for i in range(INVOICES)}
    members["refusee.xml"] = invoice_bytes(world, "cii", number="KILL-NOPE", service_code="NOPE")
    first = workers.start(**WORKER_ENV)

    response = client.post(
        "/api/v1/flows/", {"file": upload("lot.zip", zip_of(members))}, **token_headers(world.supplier)
    )
    deposit = Deposit.objects.get(uuid=response.json()["id"])
    holding = FlowItem.objects.filter(deposit=deposit, done=False, claim__isnull=False)
    wait_until(
        lambda: Invoice.objects.count() >= 3 and holding.exists(),
        timeout=120,
        what="the first invoices, and the worker holding the next files",
        workers=workers,
    )
    first.kill()
    at_kill, held = Invoice.objects.count(), holding.count()
    workers.start(**WORKER_ENV)
    wait_until(
        lambda: Deposit.objects.get(pk=deposit.pk).status != DepositStatus.EN_COURS,
        timeout=180,
        what="the flow to finish after the kill",
        workers=workers,
    )

    assert 3 <= at_kill < INVOICES, "the worker was to be killed in the middle of the flow"
    assert held <= int(WORKER_ENV["CHORALE_FLOW_CHUNK"])  # the files the dead worker held, taken over
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.INTEGRE_PARTIELLEMENT
    documents = deposit.report["documents"]
    assert len(documents) == INVOICES + 1
    numbers = list(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)), "an invoice was created twice"
    for number in [f"KILL-{i:03d}" for i in range(INVOICES)]:
        [entry] = [d for d in documents if d["number"] == number]
        if entry["accepted"]:
            assert Invoice.objects.filter(uuid=entry["invoice"], number=number).count() == 1
        else:
            assert [f["rule"] for f in entry["findings"]] == ["CHORALE-FLOW-FAILED"], entry
            assert not Invoice.objects.filter(number=number).exists()
    [refused] = [d for d in documents if d["file"] == "refusee.xml"]
    assert not refused["accepted"] and "CHORALE-SERVICE-UNKNOWN" in {f["rule"] for f in refused["findings"]}
    assert deposit.report["integrated"] == Invoice.objects.count()
    assert InvoiceEvent.objects.count() == 2 * Invoice.objects.count()
    assert deposit.documents.exclude(format="zip").count() == INVOICES + 1
