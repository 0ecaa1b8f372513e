"""Bulk status changes are set-based: a few statements per chunk whatever its size, one e-mail per supplier
user per batch, and still one result per invoice (version conflicts and illegal transitions included)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.lifecycle.bulk import StatusChange, change_statuses
from invoices.lifecycle.queries import visible_invoices_for
from invoices.models import Invoice, InvoiceEvent, InvoiceStatus
from tests.conftest import verified_client
from tests.factories import StructureFactory, UserFactory
from tests.factories_lifecycle import invoice_in, supplier_member, world

S = InvoiceStatus


@pytest.fixture
def w(db):
    data = world()
    data["colleague"] = supplier_member(data["supplier"])
    data["other_supplier"] = StructureFactory(name="Menuiserie Bois SAS")
    return data


def _fresh(w, n, supplier=None):
    return [invoice_in(supplier=supplier or w["supplier"], recipient=w["recipient"]) for _ in range(n)]


def _bulk_queries(w, invoices) -> int:
    changes = [StatusChange(i.uuid, S.PRISE_EN_COMPTE) for i in invoices]
    with CaptureQueriesContext(connection) as queries:
        report = change_statuses(changes, actor=w["accountant"])
    assert all(r.ok for r in report)
    return len(queries)


def test_the_statements_of_a_bulk_change_do_not_grow_with_its_size(w):
    assert _bulk_queries(w, _fresh(w, 40)) == _bulk_queries(w, _fresh(w, 3))


def test_the_web_bulk_action_does_not_grow_with_the_selection(w, client):
    verified_client(client, w["accountant"])

    def post(invoices):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/factures/recues/actions/",
                {"target": "service_fait", "invoices": [str(i.uuid) for i in invoices]},
            )
        assert response.status_code == 200 and response.context["succeeded"] == len(invoices)
        return len(queries)

    assert post(_fresh(w, 30)) == post(_fresh(w, 2))


def test_the_api_bulk_change_does_not_grow_with_its_size(w, client):
    verified_client(client, w["accountant"])

    def post(invoices):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/invoices/statuses/",
                {"changes": [{"id": str(i.uuid), "status": "service_fait"} for i in invoices]},
                content_type="application/json",
            )
        assert all(r["ok"] for r in response.json()["results"])
        return len(queries)

    assert post(_fresh(w, 30)) == post(_fresh(w, 2))


def test_history_rows_are_written_for_every_invoice_changed(w):
    invoices = _fresh(w, 5)
    change_statuses([StatusChange(i.uuid, S.SERVICE_FAIT) for i in invoices], actor=w["accountant"])
    events = InvoiceEvent.objects.filter(invoice__in=invoices, to_status=S.SERVICE_FAIT)
    assert events.count() == 5 and {e.actor_id for e in events} == {w["accountant"].pk}
    assert set(Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list("version", flat=True)) == {
        1
    }


def test_one_mail_per_supplier_user_per_batch(w, mailoutbox, django_capture_on_commit_callbacks):
    ours = _fresh(w, 3)
    theirs = _fresh(w, 2, supplier=w["other_supplier"])
    with django_capture_on_commit_callbacks(execute=True):
        change_statuses(
            [StatusChange(i.uuid, S.SERVICE_FAIT) for i in ours + theirs], actor=w["accountant"], chunk_size=2
        )
    recipients = sorted(m.to[0] for m in mailoutbox)
    expected = [w["supplier_user"].email, w["colleague"].email, w["other_supplier"].principal_manager.email]
    assert recipients == sorted(expected)
    to_colleague = next(m for m in mailoutbox if m.to == [w["colleague"].email])
    assert all(i.number in to_colleague.body for i in ours)
    assert not any(i.number in to_colleague.body for i in theirs)
    assert "Service fait" in to_colleague.body


def test_no_mail_leaves_before_the_changes_are_committed(w, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change_statuses([StatusChange(i.uuid, S.SERVICE_FAIT) for i in _fresh(w, 2)], actor=w["accountant"])
        assert mailoutbox == []
    assert callbacks


def test_each_invoice_gets_its_own_result(w):
    fresh, stale, mandated = _fresh(w, 3)
    Invoice.objects.filter(pk=mandated.pk).update(status=S.MANDATEE)
    foreign = invoice_in(supplier=w["supplier"])
    unknown = "00000000-0000-0000-0000-000000000000"
    changes = [
        StatusChange(fresh.uuid, S.SERVICE_FAIT, version=0),
        StatusChange(stale.uuid, S.SERVICE_FAIT, version=7),
        StatusChange(mandated.uuid, S.SERVICE_FAIT),
        StatusChange(foreign.uuid, S.SERVICE_FAIT),
        StatusChange(unknown, S.SERVICE_FAIT),
        StatusChange(fresh.uuid, S.REJETEE),  # no reason: refused, and the first change stands
    ]
    report = change_statuses(changes, actor=w["accountant"], among=visible_invoices_for(w["accountant"]))
    assert [(r.ok, r.error) for r in report] == [
        (True, None),
        (False, "conflict"),
        (False, "illegal_transition"),
        (False, "not_found"),
        (False, "not_found"),
        (False, "invalid"),
    ]
    assert "Mandatée" in report[2].detail
    assert report[0].version == 1 and report[0].status == S.SERVICE_FAIT
    fresh.refresh_from_db()
    assert fresh.status == S.SERVICE_FAIT


def test_an_outsider_changes_nothing(w):
    invoice = _fresh(w, 1)[0]
    outsider = UserFactory()
    report = change_statuses([StatusChange(invoice.uuid, S.SERVICE_FAIT)], actor=outsider)
    assert report[0].error == "not_found"
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_the_batch_mail_speaks_its_reader_s_language(w, mailoutbox, django_capture_on_commit_callbacks):
    w["colleague"].language = "en"
    w["colleague"].save()
    invoices = _fresh(w, 2)
    with django_capture_on_commit_callbacks(execute=True):
        change_statuses([StatusChange(i.uuid, S.SERVICE_FAIT) for i in invoices], actor=w["accountant"])
    english = next(m for m in mailoutbox if m.to == [w["colleague"].email])
    assert english.subject == "Chorale: 2 invoices changed status"
    assert "The status of 2 of your invoices has changed:" in english.body
    assert f"Invoice {invoices[0].number} addressed to" in english.body
