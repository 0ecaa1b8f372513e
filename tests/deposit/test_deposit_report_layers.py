"""The stored deposit report carries, per file, the findings in three layers for the supplier (issue 13)."""

from decimal import Decimal

from invoices.deposit.operations import deposit_files
from invoices.models import Deposit
from tests.factories_deposit import invoice_upload


def test_a_refused_invoice_reports_why_in_one_sentence_with_the_values_involved(world):
    upload = invoice_upload(world, "facturx", grand_total_delta=Decimal("5.00"))

    deposit = deposit_files(world.supplier, [upload], channel=Deposit.Channel.WEB)

    layers = deposit.report["documents"][0]["layers"]
    assert layers["refused"] is True
    assert layers["summary"]["fr"] == "Refusée : le total TTC ne correspond pas au total HT plus la TVA."
    [error] = layers["errors"]
    assert error["rule"] == "BR-CO-15"
    assert error["check"]["fr"].startswith("TTC (BT-112) : ")
    assert {"BT-112", "BT-109", "BT-110"} <= {value["term"] for value in error["values"]}


def test_an_accepted_invoice_reports_it_too(world):
    deposit = deposit_files(world.supplier, [invoice_upload(world, "cii")], channel=Deposit.Channel.WEB)

    layers = deposit.report["documents"][0]["layers"]
    assert layers["refused"] is False
    assert layers["errors"] == []
    assert layers["summary"]["fr"].startswith("Acceptée")
