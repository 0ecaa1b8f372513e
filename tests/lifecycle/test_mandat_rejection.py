"""The public accountant rejects a mandat: back to *service fait* with the history, a new revision, then a
new mandat is recorded."""

import pytest

from invoices import lifecycle
from invoices.lifecycle import LifecycleError
from invoices.models import InvoiceEvent, InvoiceStatus
from tests.conftest import token_client, verified_client
from tests.factories_lifecycle import comptable_of, invoice_in, public_structure, statuses_of, world

pytestmark = pytest.mark.django_db
S = InvoiceStatus
FIRST = {"exercice": 2026, "bordereau": "12", "numero": "345", "ligne": "1"}
SECOND = {"exercice": 2026, "bordereau": "14", "numero": "377", "ligne": "1"}


@pytest.fixture
def w(db):
    data = world()
    data["comptable"] = comptable_of(data["recipient"])
    return data


@pytest.fixture
def mandated(w):
    invoice = invoice_in(S.SERVICE_FAIT, supplier=w["supplier"], recipient=w["recipient"])
    return lifecycle.set_status(invoice, S.MANDATEE, actor=w["accountant"], mandat=FIRST)


def test_a_rejected_mandat_sends_the_invoice_back_to_service_fait_with_its_history(w, mandated):
    invoice = lifecycle.reject_mandat(
        mandated, actor=w["comptable"], reason="MANDAT_PJ", comment="Le PV de réception manque."
    )
    invoice.refresh_from_db()

    assert invoice.status == S.SERVICE_FAIT
    assert (invoice.mandat_exercice, invoice.mandat_numero, invoice.revision) == (None, "", 1)
    assert statuses_of(invoice) == [S.MANDATEE, S.SERVICE_FAIT]
    event = InvoiceEvent.objects.filter(invoice=invoice).latest("at", "id")
    assert (event.actor, event.reason, event.comment) == (
        w["comptable"],
        "MANDAT_PJ",
        "Le PV de réception manque.",
    )
    assert event.data["rejected_mandat"] == {
        "exercice": 2026,
        "bordereau": "12",
        "numero": "345",
        "ligne": "1",
    }


def test_a_new_mandat_is_then_recorded(w, mandated):
    invoice = lifecycle.reject_mandat(mandated, actor=w["comptable"], reason="MANDAT_IMPUTATION")
    invoice = lifecycle.set_status(invoice, S.MANDATEE, actor=w["accountant"], mandat=SECOND)
    invoice.refresh_from_db()
    assert (invoice.mandat_bordereau, invoice.mandat_numero, invoice.revision) == ("14", "377", 1)
    assert statuses_of(invoice) == [S.MANDATEE, S.SERVICE_FAIT, S.MANDATEE]


@pytest.mark.parametrize(
    ("reason", "comment", "field"),
    [("", "", "reason"), ("DOUBLON", "", "reason"), ("MANDAT_PJ", "", "comment")],
)
def test_the_rejection_needs_a_reason_of_its_own_list(w, mandated, reason, comment, field):
    with pytest.raises(LifecycleError) as refused:
        lifecycle.reject_mandat(mandated, actor=w["comptable"], reason=reason, comment=comment)
    assert refused.value.field == field
    mandated.refresh_from_db()
    assert (mandated.status, mandated.revision) == (S.MANDATEE, 0)


def test_only_a_mandated_invoice_has_a_mandat_to_reject(w):
    invoice = invoice_in(S.SERVICE_FAIT, supplier=w["supplier"], recipient=w["recipient"])
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.reject_mandat(invoice, actor=w["comptable"], reason="MANDAT_IMPUTATION")


def test_the_supplier_cannot_reject_a_mandat(w, mandated):
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.reject_mandat(mandated, actor=w["supplier_user"], reason="MANDAT_IMPUTATION")


def test_the_comptable_rejects_from_the_invoice_page(client, w, mandated):
    verified_client(client, w["comptable"])
    page = client.get(f"/factures/{mandated.uuid}/")
    assert page.status_code == 200
    assert 'data-testid="reject-mandat-form"' in page.content.decode()

    response = client.post(
        f"/factures/{mandated.uuid}/rejeter-mandat/",
        {"reject-version": mandated.version, "reject-reason": "MANDAT_CREDITS", "reject-comment": ""},
    )
    assert response.status_code == 302
    mandated.refresh_from_db()
    assert (mandated.status, mandated.revision) == (S.SERVICE_FAIT, 1)


def test_a_refused_rejection_on_the_page_says_why(client, w, mandated):
    verified_client(client, w["comptable"])
    response = client.post(
        f"/factures/{mandated.uuid}/rejeter-mandat/",
        {"reject-version": mandated.version, "reject-reason": "MANDAT_AUTRE", "reject-comment": ""},
    )
    assert response.status_code == 400
    assert response.context["reject_mandat_form"].errors["comment"]


def test_the_comptable_rejects_through_the_api(w, mandated):
    api = token_client(w["comptable"])
    response = api.post(
        f"/api/v1/invoices/{mandated.uuid}/reject-mandat",
        {"reason": "MANDAT_LIQUIDATION", "comment": "Montant erroné.", "version": mandated.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["revision"]) == ("service_fait", 1)
    refused = api.post(
        f"/api/v1/invoices/{mandated.uuid}/reject-mandat", {"reason": "MANDAT_CREDITS"}, format="json"
    )
    assert refused.status_code == 409


def test_outsiders_and_another_poste_s_comptable_get_404(client, w, mandated):
    verified_client(client, w["outsider"])
    response = client.post(f"/factures/{mandated.uuid}/rejeter-mandat/", {"reject-reason": "MANDAT_CREDITS"})
    assert response.status_code == 404
    url = f"/api/v1/invoices/{mandated.uuid}/reject-mandat"
    assert token_client(w["outsider"]).post(url, {}, format="json").status_code == 404
    elsewhere = comptable_of(public_structure(name="Commune voisine"))
    assert token_client(elsewhere).post(url, {"reason": "MANDAT_CREDITS"}, format="json").status_code == 404
    mandated.refresh_from_db()
    assert mandated.status == S.MANDATEE
