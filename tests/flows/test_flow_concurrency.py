"""Two workers on the same files at the same moment (a message delivered twice): each file is claimed by one,
each invoice created once, the flow finished once. Row locks: PostgreSQL only."""

from invoices.deposit import flows
from invoices.models import Deposit, DepositDocument, DepositStatus, Invoice
from tests.concurrently import at_once, on_postgresql
from tests.factories_deposit import invoice_bytes, make_world, upload, zip_of

FILES = 20


@on_postgresql
def test_two_workers_on_the_same_range_record_each_file_once():
    world = make_world()
    members = {f"{i}.xml": invoice_bytes(world, "cii", number=f"RACE-{i}") for i in range(FILES)}
    deposit = flows.start_flow(world.supplier, [upload("lot.zip", zip_of(members))])
    flows.expand_flow(deposit.pk)

    def work():
        return flows.run_flow_items(deposit.pk, 0, FILES), flows.finish_flow(deposit.pk)

    runs, finished = zip(*at_once(work, work), strict=True)

    assert sum(run.processed for run in runs) == FILES
    assert sorted(finished) == [False, True] or any(run.wait for run in runs)
    assert Invoice.objects.count() == FILES
    assert DepositDocument.objects.exclude(format="zip").count() == FILES
    assert Deposit.objects.get(pk=deposit.pk).status == DepositStatus.INTEGRE
