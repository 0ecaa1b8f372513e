"""An invoice number is unique per supplier and year: a duplicate is refused, with a clear report."""

from datetime import date

from invoices.deposit.operations import deposit_files
from invoices.models import Deposit, DepositStatus, Invoice
from tests.concurrently import at_once, on_postgresql
from tests.factories import StructureFactory
from tests.factories_deposit import (
    error_rules_of,
    invoice_bytes,
    invoice_upload,
    make_world,
    sibling_establishment,
    upload,
)


def deposit(world, *files, user=None):
    return deposit_files(user or world.supplier, list(files), channel=Deposit.Channel.WEB)


def test_a_second_invoice_with_the_same_number_the_same_year_is_refused(world):
    deposit(world, invoice_upload(world, "facturx", number="DUP-1"))

    second = deposit(world, invoice_upload(world, "ubl", number="DUP-1", issue_date=date(2025, 11, 30)))

    assert second.status == DepositStatus.REJETE
    [finding] = [
        f for f in second.report["documents"][0]["findings"] if f["rule"] == "CHORALE-DUPLICATE-NUMBER"
    ]
    assert finding["location"] == "/Invoice/cbc:ID"
    assert "DUP-1" in finding["message"] and "2025" in finding["message"]
    assert Invoice.objects.count() == 1


def test_the_same_number_another_year_is_accepted(world):
    deposit(world, invoice_upload(world, "cii", number="DUP-2", issue_date=date(2024, 12, 31)))

    assert deposit(world, invoice_upload(world, "cii", number="DUP-2")).status == DepositStatus.INTEGRE
    assert sorted(Invoice.objects.values_list("year", flat=True)) == [2024, 2025]


def test_the_same_number_from_another_supplier_is_accepted(world):
    deposit(world, invoice_upload(world, "cii", number="DUP-3"))
    other = StructureFactory()

    second = deposit(
        world,
        invoice_upload(world, "cii", number="DUP-3", seller_siret=other.identifier),
        user=other.principal_manager,
    )

    assert second.status == DepositStatus.INTEGRE
    assert Invoice.objects.count() == 2


def test_two_files_of_one_deposit_with_the_same_number_integrate_only_the_first(world):
    result = deposit(
        world,
        upload("a.xml", invoice_bytes(world, "cii", number="DUP-4")),
        upload("b.pdf", invoice_bytes(world, "facturx", number="DUP-4")),
    )

    assert result.status == DepositStatus.INTEGRE_PARTIELLEMENT
    assert [d["accepted"] for d in result.report["documents"]] == [True, False]
    assert error_rules_of(result, 1) == {"CHORALE-DUPLICATE-IN-DEPOSIT"}
    assert Invoice.objects.get().original.original_name == "a.xml"


@on_postgresql
def test_two_simultaneous_deposits_of_one_number_make_one_invoice():
    world = make_world()
    for attempt in range(3):
        data = invoice_bytes(world, "cii", number=f"RACE-{attempt}")
        results = at_once(*[lambda data=data: _deposit(world.supplier, data)] * 2)

        assert sorted(r.status for r in results) == [DepositStatus.INTEGRE, DepositStatus.REJETE]
        refused = next(r for r in results if r.status == DepositStatus.REJETE)
        assert error_rules_of(refused) == {"CHORALE-DUPLICATE-NUMBER"}
        assert Invoice.objects.filter(number=f"RACE-{attempt}").count() == 1


def _deposit(user, data):
    return deposit_files(user, [upload("f.xml", data)], channel=Deposit.Channel.API)


def test_the_same_number_from_another_establishment_of_the_same_company_is_refused(world):
    deposit(world, invoice_upload(world, "cii", number="DUP-SIREN"))
    sibling = sibling_establishment(world.supplier_structure)

    second = deposit(
        world,
        invoice_upload(world, "cii", number="DUP-SIREN", seller_siret=sibling.identifier),
        user=sibling.principal_manager,
    )

    assert second.status == DepositStatus.REJETE
    assert "CHORALE-DUPLICATE-NUMBER-SIREN" in error_rules_of(second)
    [finding] = [f for f in second.report["documents"][0]["findings"] if f["rule"].endswith("SIREN")]
    assert world.supplier_structure.identifier in finding["message"]
    assert world.supplier_structure.identifier[:9] in finding["message"]
    assert Invoice.objects.count() == 1


@on_postgresql
def test_two_establishments_depositing_one_number_at_once_make_one_invoice():
    world = make_world()
    sibling = sibling_establishment(world.supplier_structure)
    for attempt in range(3):
        number = f"RACE-SIREN-{attempt}"
        deposits = [
            (world.supplier, invoice_bytes(world, "cii", number=number)),
            (
                sibling.principal_manager,
                invoice_bytes(world, "cii", number=number, seller_siret=sibling.identifier),
            ),
        ]
        results = at_once(*[lambda user=user, data=data: _deposit(user, data) for user, data in deposits])

        assert sorted(r.status for r in results) == [DepositStatus.INTEGRE, DepositStatus.REJETE]
        refused = next(r for r in results if r.status == DepositStatus.REJETE)
        assert error_rules_of(refused) == {"CHORALE-DUPLICATE-NUMBER-SIREN"}
        assert Invoice.objects.filter(number=number).count() == 1
