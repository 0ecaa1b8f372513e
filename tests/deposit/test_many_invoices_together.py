"""A deposit of many invoices (a ZIP, several files, a Chorus Pro flux) records them together.

Issue 11's deposit benchmark measured the deposit path at a third of the bare validation's throughput for UBL
on PostgreSQL: every invoice paid its own dozen round trips (original, lock, company check, row, counters,
history). Counted, not timed: the statements of a deposit no longer grow with its invoices, and what each
invoice owns (its original, history rows, counters) is the same as when deposited alone; a number taken by
another establishment, or by a concurrent deposit, refuses that invoice only.
"""

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from invoices.deposit.operations import deposit_files
from invoices.models import Deposit, DepositStatus, Invoice, InvoiceEvent, InvoiceStatus
from tests.concurrently import at_once, on_postgresql
from tests.factories import MembershipFactory
from tests.factories_deposit import (
    error_rules_of,
    invoice_bytes,
    invoice_upload,
    make_world,
    sibling_establishment,
    upload,
)

# Transaction control, which pytest-django's test transaction turns into savepoints on every database.
_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")


def _files(world, count: int, prefix: str) -> list:
    kinds = ("cii", "ubl", "facturx")
    return [
        invoice_upload(
            world, kinds[i % 3], name=f"{prefix}-{i}.{'pdf' if i % 3 == 2 else 'xml'}", number=f"{prefix}-{i}"
        )
        for i in range(count)
    ]


def _statements(world, count: int, prefix: str) -> list[str]:
    files = _files(world, count, prefix)
    with CaptureQueriesContext(connection) as captured:
        deposit = deposit_files(world.supplier, files, channel=Deposit.Channel.API)
    assert deposit.status == DepositStatus.INTEGRE, deposit.report
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(_CONTROL)]


def test_the_statements_of_a_deposit_do_not_grow_with_its_invoices(world, settings):
    settings.CHORALE_DEPOSIT_DAILY_BYTES = 100_000_000
    deposit_files(world.supplier, [invoice_upload(world, "cii")])  # the day's quota row exists from now on

    two = _statements(world, 2, "DEUX")
    twelve = _statements(world, 12, "DOUZE")

    assert len(twelve) == len(two), "\n".join(s[:120] for s in twelve)
    assert Invoice.objects.count() == 15


def test_each_invoice_of_a_deposit_owns_what_it_would_alone(world):
    files = _files(world, 6, "ENSEMBLE")
    originals = {f.name: f.read() for f in files}
    for f in files:
        f.seek(0)

    deposit = deposit_files(world.supplier, files, channel=Deposit.Channel.WEB)

    assert deposit.status == DepositStatus.INTEGRE
    invoices = Invoice.objects.select_related("original").order_by("number")
    assert [i.number for i in invoices] == sorted(f"ENSEMBLE-{i}" for i in range(6))
    for invoice in invoices:
        assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
        assert invoice.recipient == world.recipient and invoice.service == world.service
        with invoice.original.file.open("rb") as kept:
            assert kept.read() == originals[invoice.original.original_name]
        history = InvoiceEvent.objects.filter(invoice=invoice).order_by("pk")
        assert [(e.from_status, e.to_status) for e in history] == [
            ("", InvoiceStatus.DEPOSEE),
            (InvoiceStatus.DEPOSEE, InvoiceStatus.MISE_A_DISPOSITION),
        ]
    # The report keeps the files' order, whatever order their validations finished in.
    entries = [(d["file"], d["number"]) for d in deposit.report["documents"]]
    assert entries == [(f.name, f"ENSEMBLE-{i}") for i, f in enumerate(files)]
    call_command("recount_statuses", "--check")


def test_a_number_another_establishment_used_refuses_that_invoice_only(world):
    sibling = sibling_establishment(world.supplier_structure)
    deposit_files(
        sibling.principal_manager,
        [invoice_upload(world, "cii", number="PRIS-1", seller_siret=sibling.identifier)],
    )

    deposit = deposit_files(
        world.supplier,
        [
            invoice_upload(world, "cii", name="a.xml", number="LIBRE-1"),
            invoice_upload(world, "ubl", name="b.xml", number="PRIS-1"),
            invoice_upload(world, "cii", name="c.xml", number="LIBRE-2"),
        ],
    )

    assert deposit.status == DepositStatus.INTEGRE_PARTIELLEMENT
    assert [d["accepted"] for d in deposit.report["documents"]] == [True, False, True]
    assert "CHORALE-DUPLICATE-NUMBER-SIREN" in error_rules_of(deposit, 1)
    assert set(
        Invoice.objects.filter(supplier=world.supplier_structure).values_list("number", flat=True)
    ) == {
        "LIBRE-1",
        "LIBRE-2",
    }


def test_two_establishments_of_one_company_cannot_both_take_a_number_in_one_deposit(world):
    sibling = sibling_establishment(world.supplier_structure)
    MembershipFactory(user=world.supplier, structure=sibling, role=Membership.Role.MANAGER)

    deposit = deposit_files(
        world.supplier,
        [
            invoice_upload(world, "cii", name="siege.xml", number="MEME-1"),
            invoice_upload(world, "ubl", name="agence.xml", number="MEME-1", seller_siret=sibling.identifier),
            invoice_upload(world, "cii", name="autre.xml", number="AUTRE-1", seller_siret=sibling.identifier),
        ],
    )

    assert [d["accepted"] for d in deposit.report["documents"]] == [True, False, True]
    assert "CHORALE-DUPLICATE-NUMBER-SIREN" in error_rules_of(deposit, 1)
    assert Invoice.objects.filter(number="MEME-1").get().supplier == world.supplier_structure


@on_postgresql
def test_two_deposits_sharing_one_number_at_once_lose_nothing_else():
    world = make_world()
    for attempt in range(3):
        shared = invoice_bytes(world, "cii", number=f"COMMUN-{attempt}")
        batches = [
            [
                upload(f"{side}-{i}.xml", invoice_bytes(world, "cii", number=f"{side}-{attempt}-{i}"))
                for i in range(3)
            ]
            + [upload("commun.xml", shared)]
            for side in ("A", "B")
        ]
        results = at_once(
            *[
                lambda files=files: deposit_files(world.supplier, files, channel=Deposit.Channel.API)
                for files in batches
            ]
        )

        assert sorted(r.status for r in results) == [
            DepositStatus.INTEGRE,
            DepositStatus.INTEGRE_PARTIELLEMENT,
        ]
        partial = next(r for r in results if r.status == DepositStatus.INTEGRE_PARTIELLEMENT)
        assert [d["accepted"] for d in partial.report["documents"]] == [True, True, True, False]
        assert error_rules_of(partial, 3) == {"CHORALE-DUPLICATE-NUMBER"}
        assert Invoice.objects.filter(number=f"COMMUN-{attempt}").count() == 1
        for side in ("A", "B"):
            assert Invoice.objects.filter(number__startswith=f"{side}-{attempt}-").count() == 3
    call_command("recount_statuses", "--check")
