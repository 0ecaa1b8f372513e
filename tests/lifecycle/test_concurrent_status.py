"""Two accountants acting on one invoice at once: one change wins, the other is told, nothing is lost.

Runs on PostgreSQL (row locks); SQLite ignores `select_for_update`, so there the test skips. CI runs it on
PostgreSQL.
"""

import pytest
from django.db import connection

from invoices import lifecycle
from invoices.lifecycle import VersionConflict
from invoices.models import Invoice, InvoiceEvent, InvoiceStatus
from tests.concurrently import at_once
from tests.factories_lifecycle import accountant_of, invoice_in, world

S = InvoiceStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks need PostgreSQL (SQLite ignores select_for_update); CI runs this on PostgreSQL"
        )


def _race(attempts):
    """Run each callable in its own thread and database connection, released together; their outcomes ("ok",
    or the error it met)."""
    return [r if isinstance(r, Exception) else "ok" for r in at_once(*attempts, timeout=60)]


def test_two_accountants_answering_the_same_version_one_wins_the_other_gets_a_conflict():
    w = world()
    colleague = accountant_of(w["recipient"])
    for _round in range(5):
        invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
        seen = invoice.version

        def suspend(pk=invoice.pk, seen=seen):
            lifecycle.set_status(
                Invoice.objects.get(pk=pk),
                S.SUSPENDUE,
                actor=w["accountant"],
                reason="JUSTIF_ABS",
                comment="Le PV",
                expected_version=seen,
            )

        def reject(pk=invoice.pk, seen=seen):
            lifecycle.set_status(
                Invoice.objects.get(pk=pk),
                S.REJETEE,
                actor=colleague,
                reason="DOUBLON",
                expected_version=seen,
            )

        outcomes = _race([suspend, reject])
        assert outcomes.count("ok") == 1, outcomes
        loser = next(o for o in outcomes if o != "ok")
        assert isinstance(loser, VersionConflict)
        assert "vient d" in loser.message
        invoice.refresh_from_db()
        assert invoice.version == seen + 1
        assert InvoiceEvent.objects.filter(invoice=invoice).count() == 1


def test_many_simultaneous_identical_changes_are_applied_once():
    w = world()
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    accountants = [w["accountant"]] + [accountant_of(w["recipient"]) for _ in range(5)]
    outcomes = _race(
        [
            (
                lambda who=who: lifecycle.set_status(
                    Invoice.objects.get(pk=invoice.pk), S.PRISE_EN_COMPTE, actor=who
                )
            )
            for who in accountants
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    refused = [o for o in outcomes if o != "ok"]
    assert all(isinstance(o, lifecycle.IllegalTransition) for o in refused)
    assert all("« Prise en compte par le destinataire »" in o.message for o in refused)
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("to_status", flat=True)) == [
        S.PRISE_EN_COMPTE
    ]
    invoice.refresh_from_db()
    assert invoice.version == 1
