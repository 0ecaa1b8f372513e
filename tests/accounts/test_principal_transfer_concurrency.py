"""Two transfers of the same structure at once: the row lock makes one win and the other see the new state.

Row locks need PostgreSQL (SQLite ignores `select_for_update`), so this test skips elsewhere.
"""

import threading

import pytest
from django.db import connection, connections

from accounts import services
from accounts.models import SecurityEvent, Structure
from tests.factories import StructureFactory, UserFactory
from tests.factories_structures import attach

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://…)")


def test_concurrent_transfers_leave_one_principal_and_one_winner():
    structure = StructureFactory()
    principal = structure.principal_manager
    first, second = UserFactory(), UserFactory()
    attach(first, structure)
    attach(second, structure)
    barrier = threading.Barrier(2)
    outcomes = []

    def transfer(target):
        try:
            barrier.wait()
            services.transfer_principal_manager(principal, {structure: target})
            outcomes.append(("ok", target))
        except services.StructureError as error:
            outcomes.append(("refused", error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=transfer, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [target for status, target in outcomes if status == "ok"]
    assert len(winners) == 1, outcomes
    assert [status for status, _ in outcomes].count("refused") == 1
    assert Structure.objects.get(pk=structure.pk).principal_manager == winners[0]
    assert SecurityEvent.objects.filter(user=principal, kind="principal_transfer").count() == 1
