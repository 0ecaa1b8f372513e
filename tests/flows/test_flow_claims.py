"""A flow's work is claimed in the database: whatever runs twice, dies or comes back late, every invoice of
the flow is created once or reported failed, and the flow ends."""

import uuid
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from invoices.deposit import flows, tasks
from invoices.deposit.flows import start_flow
from invoices.models import (
    Deposit,
    DepositDocument,
    DepositStatus,
    FlowItem,
    Invoice,
    InvoiceEvent,
    StoredFile,
)
from tests.factories_deposit import invoice_bytes, upload, zip_of


def started(world, members: dict[str, bytes]) -> Deposit:
    return start_flow(world.supplier, [upload("lot.zip", zip_of(members))], channel=Deposit.Channel.API)


def four(world) -> dict[str, bytes]:
    return {f"{i}.xml": invoice_bytes(world, "cii", number=f"CLAIM-{i}") for i in range(4)}


def counts():
    return (Invoice.objects.count(), InvoiceEvent.objects.count(), DepositDocument.objects.count())


def test_every_task_of_a_finished_flow_can_run_again_and_creates_nothing(world):
    deposit = started(world, four(world))
    tasks.expand_flow(deposit.pk)
    before = counts()
    report = Deposit.objects.get(pk=deposit.pk).report

    tasks.expand_flow(deposit.pk)
    tasks.run_flow_items(deposit.pk, 0, 10)
    tasks.resume_flows()

    assert before == (4, 8, 5)
    assert counts() == before
    assert Deposit.objects.get(pk=deposit.pk).report == report


def test_the_files_are_read_into_items_once_however_often_asked(world):
    deposit = started(world, four(world))

    assert flows.expand_flow(deposit.pk) and flows.expand_flow(deposit.pk)

    assert FlowItem.objects.filter(deposit=deposit).count() == 4
    assert Deposit.objects.get(pk=deposit.pk).documents_total == 4
    assert flows.pending_ranges(deposit.pk, chunk=3) == [(0, 3), (3, 6)]


def test_a_file_held_by_a_dead_worker_is_taken_over_once_its_claim_expires_and_recorded_once(world):
    deposit = started(world, four(world))
    flows.expand_flow(deposit.pk)
    dead_token = uuid.uuid4()
    [item] = flows.claim_files(deposit, 0, 1, dead_token)
    FlowItem.objects.filter(pk=item.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))

    run = flows.run_flow_items(deposit.pk, 0, 4)
    # The dead worker comes back (a paused process, a partitioned one) and tries to record its result.
    late = flows.record_files(
        Deposit.objects.get(pk=deposit.pk), dead_token, [(item, flows._document_of(item))]
    )

    assert run.processed == 4 and run.wait == 0
    assert late == 0
    assert Invoice.objects.filter(number="CLAIM-0").count() == 1
    assert FlowItem.objects.get(pk=item.pk).attempts == 2
    assert flows.finish_flow(deposit.pk)
    assert Deposit.objects.get(pk=deposit.pk).status == DepositStatus.INTEGRE


def test_a_file_a_live_worker_holds_is_left_to_it_and_the_range_is_tried_again_later(world, settings):
    deposit = started(world, four(world))
    flows.expand_flow(deposit.pk)
    flows.claim_files(deposit, 1, 2, uuid.uuid4())

    run = flows.run_flow_items(deposit.pk, 0, 4)

    assert run.processed == 3
    assert 0 < run.wait <= settings.CHORALE_FLOW_LEASE_SECONDS
    assert not FlowItem.objects.get(deposit=deposit, position=1).done
    assert flows.finish_flow(deposit.pk) is False
    assert Deposit.objects.get(pk=deposit.pk).status == DepositStatus.EN_COURS


def test_a_file_whose_workers_kept_dying_is_reported_failed_and_the_flow_ends(world, settings):
    deposit = started(world, four(world))
    flows.expand_flow(deposit.pk)
    FlowItem.objects.filter(deposit=deposit, position=2).update(attempts=settings.CHORALE_FLOW_MAX_ATTEMPTS)

    tasks.run_flow_items(deposit.pk, 0, 4)

    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.INTEGRE_PARTIELLEMENT
    failed = deposit.report["documents"][2]
    assert failed["accepted"] is False
    assert [f["rule"] for f in failed["findings"]] == ["CHORALE-FLOW-FAILED"]
    assert "interrompu 3 fois" in failed["findings"][0]["message"]
    assert failed["sha256"]  # the file is still named and kept, for whoever looks into it
    assert not Invoice.objects.filter(number="CLAIM-2").exists()


def test_a_kept_file_that_cannot_be_read_back_is_refused_alone_and_the_flow_ends(world):
    deposit = started(world, four(world))
    flows.expand_flow(deposit.pk)
    lost = FlowItem.objects.get(deposit=deposit, position=1).stored_file
    default_storage.delete(lost.file.name)

    tasks.run_flow_items(deposit.pk, 0, 4)

    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.INTEGRE_PARTIELLEMENT
    assert [d["accepted"] for d in deposit.report["documents"]] == [True, False, True, True]
    assert [f["rule"] for f in deposit.report["documents"][1]["findings"]] == ["CHORALE-VALIDATION-FAILED"]


def test_a_flow_whose_upload_cannot_be_read_back_ends_refused(world):
    deposit = started(world, four(world))
    default_storage.delete(StoredFile.objects.get().file.name)

    tasks.expand_flow(deposit.pk)

    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.REJETE
    assert [f["rule"] for f in deposit.report["findings"]] == ["CHORALE-VALIDATION-FAILED"]
    assert not Invoice.objects.exists()


def test_the_same_number_twice_in_a_flow_is_a_duplicate_within_the_deposit(world):
    twice = invoice_bytes(world, "cii", number="TWICE-1")
    deposit = started(world, {"premier.xml": twice, "second.xml": twice})

    tasks.expand_flow(deposit.pk)

    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.INTEGRE_PARTIELLEMENT
    [finding] = [f for f in deposit.report["documents"][1]["findings"] if f["severity"] == "error"]
    assert finding["rule"] == "CHORALE-DUPLICATE-IN-DEPOSIT"
    assert "premier.xml" in finding["message"]
    assert Invoice.objects.filter(number="TWICE-1").count() == 1


def test_a_flow_whose_messages_were_lost_is_resumed_by_a_starting_worker(world):
    waiting = started(world, four(world))
    half = started(world, {"x.xml": invoice_bytes(world, "cii", number="HALF-1")})
    flows.expand_flow(half.pk)

    tasks.resume_flows()

    assert {d.status for d in Deposit.objects.filter(pk__in=[waiting.pk, half.pk])} == {DepositStatus.INTEGRE}
    assert Invoice.objects.count() == 5


def test_every_task_is_acknowledged_late_requeued_on_a_lost_worker_and_retried_on_transient_errors():
    for task in (tasks.expand_flow, tasks.run_flow_items, tasks.resume_flows):
        assert task.acks_late and task.reject_on_worker_lost
        assert {OperationalError, InterfaceError} <= set(task.autoretry_for)
        assert task.retry_backoff and task.max_retries
