"""Two support agents decide the same claim at once: the row lock lets exactly one decision through.

Row locks need PostgreSQL (SQLite ignores `select_for_update`), so this test skips elsewhere.
"""

import threading

import pytest
from django.db import connection, connections

from accounts import claims, services
from accounts.models import PrincipalClaim, SecurityEvent, Structure
from tests.accounts.claim_helpers import PDF, awaiting_claim
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://…)")


def test_an_approval_and_a_refusal_racing_leave_one_decision():
    structure = awaiting_claim()
    claimant = UserFactory()
    claim = claims.submit_claim(claimant, structure, function="Maire", document_name="d.pdf", document=PDF)
    agents = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(agent, approve):
        try:
            barrier.wait()
            if approve:
                claims.approve_claim(claim, actor=agent)
            else:
                claims.refuse_claim(claim, actor=agent, reason="Pièce illisible.")
            outcomes.append(("ok", approve))
        except services.StructureError as error:
            outcomes.append(("refused", error.message))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(agents[i], i == 0)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(status for status, _ in outcomes) == ["ok", "refused"], outcomes
    approved = next(detail for status, detail in outcomes if status == "ok")
    claim.refresh_from_db()
    assert claim.status == (PrincipalClaim.Status.APPROVED if approved else PrincipalClaim.Status.REFUSED)
    principal = Structure.objects.get(pk=structure.pk).principal_manager
    assert (principal == claimant) is approved
    decisions = SecurityEvent.objects.filter(user=claimant, kind__in=["claim_approved", "claim_refused"])
    assert decisions.count() == 1
