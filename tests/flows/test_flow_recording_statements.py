"""A flow's worker records the files of a range together: its statements do not grow with the files.

Counted, not timed (issue 11: every file of a flow paid its own dozen round trips to the database, the claim
check, the invoice with its lock, counters and history, the report entry). What each file ends with is the
same as before: its invoice, its report entry, its DepositDocument.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.deposit import flows
from invoices.deposit.flows import start_flow
from invoices.models import Deposit, DepositDocument, FlowItem, Invoice
from tests.factories_deposit import invoice_bytes, upload, zip_of


def _statements_of_a_range(world, count: int, prefix: str) -> int:
    members = {f"{prefix}-{i}.xml": invoice_bytes(world, "ubl", number=f"{prefix}-{i}") for i in range(count)}
    deposit = start_flow(world.supplier, [upload("lot.zip", zip_of(members))], channel=Deposit.Channel.API)
    flows.expand_flow(deposit.pk)
    with CaptureQueriesContext(connection) as captured:
        run = flows.run_flow_items(deposit.pk, 0, count)
    assert run.processed == count
    items = FlowItem.objects.filter(deposit=deposit).order_by("position")
    assert [(i.done, i.entry["accepted"], i.entry["number"]) for i in items] == [
        (True, True, f"{prefix}-{i}") for i in range(count)
    ]
    assert all(i.invoice_id is not None for i in items)
    assert DepositDocument.objects.filter(deposit=deposit).count() == count + 1  # and the ZIP itself
    return len(captured.captured_queries)


def test_recording_a_range_costs_the_same_statements_for_two_files_or_ten(world, settings):
    settings.CHORALE_FLOW_CHUNK = 10

    two = _statements_of_a_range(world, 2, "DEUX")
    ten = _statements_of_a_range(world, 10, "DIX")

    assert ten == two
    assert Invoice.objects.count() == 12
