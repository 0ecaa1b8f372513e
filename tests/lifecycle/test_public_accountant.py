"""The public accountant (comptable DGFiP) of a structure's poste comptable: reads its invoices, sets the
statuses that are his through the web and the API, and nothing else; 404 everywhere else."""

import pytest

from accounts import access
from accounts.comptables import attach_public_accountant
from accounts.models import Membership
from invoices import lifecycle
from invoices.models import InvoiceStatus
from tests.conftest import token_client, verified_client
from tests.factories import UserFactory
from tests.factories_lifecycle import comptable_of, invoice_in, public_structure, world

pytestmark = pytest.mark.django_db
S = InvoiceStatus


@pytest.fixture
def w(db):
    data = world()
    data["comptable"] = comptable_of(data["recipient"])
    return data


def _invoice(w, status=S.MANDATEE, **fields):
    return invoice_in(status, supplier=w["supplier"], recipient=w["recipient"], **fields)


def test_he_holds_no_right_of_the_structure_whatever_his_flags_say(w):
    membership = Membership.objects.get(user=w["comptable"])
    membership.can_triage = membership.can_deposit = membership.can_export_pes = membership.can_admin = True
    membership.save()
    for right in access.RIGHTS:
        assert not access.has_right(w["comptable"], w["recipient"], right)
    assert access.has_right(w["comptable"], w["recipient"], access.PUBLIC_ACCOUNTANT)
    assert not access.has_right(w["accountant"], w["recipient"], access.PUBLIC_ACCOUNTANT)


def test_he_reads_the_invoice_and_is_offered_only_his_statuses(client, w):
    invoice = _invoice(w)
    verified_client(client, w["comptable"])
    page = client.get(f"/factures/{invoice.uuid}/")
    assert page.status_code == 200
    offered = {t.target for t in lifecycle.available_actions(invoice, w["comptable"])}
    assert offered == {S.COMPTABILISEE, S.MISE_EN_PAIEMENT, S.SERVICE_FAIT}
    html = page.content.decode()
    assert 'data-testid="form-comptabilisee"' in html
    assert 'data-testid="form-mise_a_disposition_comptable"' not in html


def test_he_sets_comptabilisee_on_the_page_and_mise_en_paiement_through_the_api(client, w):
    invoice = _invoice(w)
    verified_client(client, w["comptable"])
    response = client.post(
        f"/factures/{invoice.uuid}/statut/",
        {
            "target": "comptabilisee",
            "comptabilisee-target": "comptabilisee",
            "comptabilisee-version": invoice.version,
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.COMPTABILISEE

    api = token_client(w["comptable"])
    done = api.post(f"/api/v1/invoices/{invoice.uuid}/status", {"status": "mise_en_paiement"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "mise_en_paiement"


def test_he_cannot_take_the_body_s_steps(w):
    invoice = _invoice(w, S.MISE_A_DISPOSITION)
    assert lifecycle.available_actions(invoice, w["comptable"]) == []
    api = token_client(w["comptable"])
    refused = api.post(f"/api/v1/invoices/{invoice.uuid}/status", {"status": "service_fait"}, format="json")
    assert refused.status_code == 409


def test_his_workspace_lists_the_invoices_of_his_structures_only(client, w):
    mine = _invoice(w, number="C-1")
    other = invoice_in(S.MANDATEE, number="C-2")
    verified_client(client, w["comptable"])
    page = client.get("/factures/comptable/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "C-1" in html and "C-2" not in html
    assert client.get(f"/factures/{other.uuid}/").status_code == 404
    assert mine.uuid


def test_the_workspace_and_the_api_list_are_empty_for_others(client, w):
    _invoice(w, number="C-1")
    verified_client(client, w["outsider"])
    assert "C-1" not in client.get("/factures/comptable/").content.decode()
    body = token_client(w["outsider"]).get("/api/v1/invoices/").json()
    assert body["results"] == []


def test_the_api_lists_his_invoices(w):
    _invoice(w, number="C-1")
    body = token_client(w["comptable"]).get("/api/v1/invoices/").json()
    assert [i["number"] for i in body["results"]] == ["C-1"]


def test_outsiders_get_404_on_the_invoice_he_may_read(client, w):
    invoice = _invoice(w)
    elsewhere = comptable_of(public_structure(name="Commune voisine"))
    for user in (w["outsider"], w["stranger"], elsewhere):
        verified_client(client, user)
        assert client.get(f"/factures/{invoice.uuid}/").status_code == 404
        api = token_client(user)
        assert api.get(f"/api/v1/invoices/{invoice.uuid}/").status_code == 404


def test_support_attaches_him_to_every_structure_of_his_poste_comptable(db):
    a = public_structure(name="Commune A", pes_id_post="034000")
    b = public_structure(name="Syndicat B", pes_id_post="034000")
    public_structure(name="Commune C", pes_id_post="013000")
    support = UserFactory(is_staff=True)
    comptable = UserFactory()

    attached = attach_public_accountant(comptable, id_post="034000", actor=support)

    assert {m.structure for m in attached} == {a, b}
    assert all(m.role == Membership.Role.PUBLIC_ACCOUNTANT for m in attached)
    assert set(access.user_structures(comptable, right=access.PUBLIC_ACCOUNTANT)) == {a, b}
    assert comptable.security_events.filter(kind="other", actor=support).exists()


def test_the_navigation_leads_him_to_his_workspace_and_nowhere_else(client, w):
    import re

    html = verified_client(client, w["comptable"]).get("/").content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    entries = set(re.findall(r'data-nav="([a-z]+)"', nav))
    assert "accountant" in entries
    assert not entries & {"deposit", "sent", "received", "pes"}
