"""The user's structures, services and rights are read once per request, and never kept past it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import access
from accounts.models import Membership
from tests.conftest import verified_client
from tests.factories import MembershipFactory, PublicStructureFactory, ServiceFactory


@pytest.fixture
def accountant(db):
    structure = PublicStructureFactory()
    ServiceFactory(structure=structure)
    return MembershipFactory(structure=structure, role=Membership.Role.USER, can_triage=True).user


def _membership_reads(sqls):
    return [sql for sql in sqls if 'FROM "accounts_membership"' in sql]


def test_a_page_reads_the_memberships_once(accountant, client):
    verified_client(client, accountant)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/factures/recues/").status_code == 200
    assert len(_membership_reads([q["sql"] for q in queries.captured_queries])) == 1


def test_outside_a_request_every_call_reads_afresh(accountant):
    structure = accountant.memberships.get().structure
    assert access.access_of(accountant).has_right(structure.pk, access.TRIAGE)
    Membership.objects.filter(user=accountant).update(can_triage=False)
    assert not access.access_of(accountant).has_right(structure.pk, access.TRIAGE)


def test_a_change_made_during_the_request_is_seen_by_the_rest_of_it(accountant):
    membership = accountant.memberships.get()
    with access.request_scope():
        assert access.access_of(accountant).has_right(membership.structure_id, access.TRIAGE)
        with CaptureQueriesContext(connection) as queries:
            access.access_of(accountant)
        assert len(queries) == 0
        membership.can_triage = False
        membership.save()
        assert not access.access_of(accountant).has_right(membership.structure_id, access.TRIAGE)


def test_an_outsider_has_no_structure(db, client):
    from tests.factories import UserFactory

    stranger = UserFactory()
    assert access.access_of(stranger).structure_ids(access.TRIAGE) == []
    verified_client(client, stranger)
    assert client.get(f"/factures/tableau-de-bord/{PublicStructureFactory().uuid}/").status_code == 404
