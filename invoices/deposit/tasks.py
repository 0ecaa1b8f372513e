"""The flow tasks: read a flow's files, check them range by range on every worker, finish it, resume the lost.

Each task is idempotent (the work is claimed in the database, `invoices.deposit.flows`), acknowledged once
done, requeued if its worker dies, and retried on transient failures (portal/celery.py's task class).
"""

import logging

from celery import shared_task
from django.db import transaction

from invoices.deposit import flows

log = logging.getLogger(__name__)

# A range whose files another worker holds waits for their claims to end: seconds of slack over the lease.
WAIT_SLACK = 1
MAX_WAITS = 50


def queue_flow(deposit) -> None:
    """Send a flow just started to the workers, once its transaction has committed."""
    deposit_id = deposit.pk
    transaction.on_commit(lambda: expand_flow.delay(deposit_id))


@shared_task(bind=True)
def expand_flow(self, deposit_id: int) -> int:
    """Read the flow's files, then spread its remaining files over range tasks; returns how many were sent."""
    try:
        if not flows.expand_flow(deposit_id):
            return 0
    except Exception as exc:
        _give_up(self, exc, deposit_id)
    return _send_ranges(deposit_id)


def _give_up(task, exc: Exception, deposit_id: int, first: int = 0, last: int | None = None) -> None:
    """A transient failure is retried (the task class's policy); any other ends the files it was on, refused,
    rather than leave the flow running for ever."""
    if isinstance(exc, task.autoretry_for):
        raise exc
    log.exception("flow task %s failed on deposit %s [%s, %s)", task.name, deposit_id, first, last)
    flows.abandon_files(deposit_id, first, last)


def _send_ranges(deposit_id: int) -> int:
    ranges = flows.pending_ranges(deposit_id)
    for first, last in ranges:
        run_flow_items.delay(deposit_id, first, last)
    if not ranges:
        flows.finish_flow(deposit_id)
    return len(ranges)


@shared_task(bind=True)
def run_flow_items(self, deposit_id: int, first: int, last: int) -> int:
    """Check and record the files [first, last) of a flow, then finish the flow if they were its last."""
    try:
        run = flows.run_flow_items(deposit_id, first, last)
    except Exception as exc:
        _give_up(self, exc, deposit_id, first, last)
        run = flows.ChunkRun()
    if run.wait > 0:
        # Another worker holds some of these files: if it is dead, its claims expire and this task takes them.
        raise self.retry(countdown=run.wait + WAIT_SLACK, max_retries=MAX_WAITS)
    flows.finish_flow(deposit_id)
    return run.processed


@shared_task
def resume_flows() -> int:
    """Send again every unfinished flow (a worker starting after others died); duplicates are harmless."""
    sent = 0
    for deposit_id, expanded in flows.unfinished_flows():
        if expanded:
            sent += _send_ranges(deposit_id)
        else:
            expand_flow.delay(deposit_id)
            sent += 1
    if sent:
        log.info("resumed unfinished flows: %d task(s) sent", sent)
    return sent
