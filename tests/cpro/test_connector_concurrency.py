"""Two schedulers running at once synchronise a connection once, and deposit a pulled invoice once.

Runs on PostgreSQL (concurrent transactions); SQLite serialises writers, so there the test skips.
"""

import copy
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from invoices.cpro import connector
from invoices.cpro.models import Connection, PulledInvoice
from invoices.cpro.pulling import _claim
from tests.factories import PublicStructureFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (SQLite serialises writers); CI runs this there")


def race(count, attempt):
    start = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            start.wait()
            results[index] = attempt()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_a_due_connection_is_synchronised_by_one_scheduler_only(settings):
    settings.CHORALE_CPRO_API_URL = settings.CHORALE_CPRO_TOKEN_URL = "http://127.0.0.1:9/unreachable"
    structure = PublicStructureFactory()
    current = connector.record_connection(
        structure,
        actor=structure.principal_manager,
        client_id="c",
        client_secret="s",
        login="l",
        password="p",
    )

    done = race(4, connector.sync_due_connections)

    assert sorted(done) == [0, 0, 0, 1]
    current.refresh_from_db()
    assert current.failures == 1  # one synchronisation ran (and could not reach Chorus Pro)


def test_a_pending_invoice_is_claimed_by_one_worker_only():
    structure = PublicStructureFactory()
    current = connector.record_connection(
        structure,
        actor=structure.principal_manager,
        client_id="c",
        client_secret="s",
        login="l",
        password="p",
    )
    item = PulledInvoice.objects.create(connection=current, structure=structure, origin_id=1)

    # Each worker holds the row as it listed it (due), then claims it.
    taken = race(4, lambda: _claim(copy.copy(item), timezone.now()))

    assert sorted(taken) == [False, False, False, True]
    assert PulledInvoice.objects.get(pk=item.pk).attempts == 1
    assert Connection.objects.count() == 1
