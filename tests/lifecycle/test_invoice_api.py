"""The invoices API: lists with cursors, details with history, status changes single and bulk, answers."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.api.authentication import hash_token, new_token
from accounts.models import ApiToken, Membership, User
from invoices import lifecycle
from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories import MembershipFactory, UserFactory
from tests.factories_lifecycle import invoice_in, pdf_upload, world

S = InvoiceStatus


@pytest.fixture
def w(db):
    data = world()
    data["recipient"].gestion_mise_en_paiement = True
    data["recipient"].save()
    return data


@pytest.fixture
def api(w, client):
    return verified_client(client, w["accountant"])


def _post(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def technical_account(structure, **rights):
    robot = UserFactory(email=f"logiciel-financier-{structure.pk}@example.test", kind=User.Kind.TECHNICAL)
    MembershipFactory(user=robot, structure=structure, role=Membership.Role.USER, can_triage=True, **rights)
    raw = new_token()
    ApiToken.objects.create(user=robot, name="Logiciel financier", prefix=raw[:12], key_hash=hash_token(raw))
    return robot, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_list_filters_by_direction_and_status_and_pages_by_cursor(w, api):
    for i in range(7):
        invoice_in(
            supplier=w["supplier"], recipient=w["recipient"], number=f"R-{i}", total_with_vat=Decimal(i)
        )
    invoice_in(S.SUSPENDUE, supplier=w["supplier"], recipient=w["recipient"], number="R-S")
    sent_elsewhere = invoice_in(supplier=w["supplier"], number="OTHER")
    with CaptureQueriesContext(connection) as queries:
        first = api.get(
            "/api/v1/invoices/?direction=received&status=mise_a_disposition&sort=number&page_size=5"
        )
        assert first.status_code == 200
        body = first.json()
        second = api.get(body["next"]).json()
    assert [i["number"] for i in body["results"]] == ["R-0", "R-1", "R-2", "R-3", "R-4"]
    assert [i["number"] for i in second["results"]] == ["R-5", "R-6"]
    assert second["next"] is None and second["previous"]
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)
    assert body["results"][0]["status_code"] == "203"
    assert body["results"][0]["payment_clock"]["days_remaining"] == 30
    assert api.get("/api/v1/invoices/?direction=sent").json()["results"] == []
    assert api.get("/api/v1/invoices/?direction=sideways").status_code == 400
    assert api.get("/api/v1/invoices/?amount_min=abc").status_code == 400
    assert sent_elsewhere.number not in str(api.get("/api/v1/invoices/").json())


def test_the_supplier_lists_its_sent_invoices(w, client):
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="SENT-1")
    verified_client(client, w["supplier_user"])
    body = client.get(f"/api/v1/invoices/?direction=sent&recipient={w['recipient'].identifier}").json()
    assert [i["number"] for i in body["results"]] == ["SENT-1"]
    assert client.get("/api/v1/invoices/?direction=received").json()["results"] == []


def test_the_detail_carries_the_history_in_the_lifecycle_vocabulary(w, api):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    lifecycle.set_status(invoice, S.SUSPENDUE, actor=w["accountant"], reason="JUSTIF_ABS", comment="PV")
    body = api.get(f"/api/v1/invoices/{invoice.uuid}/").json()
    assert body["status"] == "suspendue" and body["status_code"] == "208"
    assert body["history"] == [
        {
            "from_status": "mise_a_disposition",
            "to_status": "suspendue",
            "status_code": "208",
            "actor": w["accountant"].email,
            "at": body["history"][0]["at"],
            "reason": "JUSTIF_ABS",
            "reason_label": "Justificatif absent ou insuffisant",
            "comment": "PV",
        }
    ]
    assert body["original"].endswith(f"/api/v1/invoices/{invoice.uuid}/original")
    original = api.get(body["original"])
    assert original.status_code == 200 and b"".join(original.streaming_content).startswith(b"%PDF")
    history = api.get(f"/api/v1/invoices/{invoice.uuid}/history").json()
    assert history["vocabulary"] == "AFNOR XP Z12-012" and history["events"][0]["status_code"] == "208"


def test_a_status_change_through_the_api(w, api):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    url = f"/api/v1/invoices/{invoice.uuid}/status/"
    missing = _post(api, url, {"status": "rejetee"})
    assert missing.status_code == 422 and missing.json()["field"] == "reason"
    done = _post(
        api,
        url,
        {
            "status": "mandatee",
            "version": invoice.version,
            "mandat_exercice": 2026,
            "mandat_bordereau": "7",
            "mandat_numero": "70",
        },
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["mandat_numero"]) == ("mandatee", "70")
    illegal = _post(api, f"/api/v1/invoices/{invoice.uuid}/status", {"status": "prise_en_compte"})
    assert illegal.status_code == 409
    assert illegal.json()["error"] == "illegal_transition"
    assert illegal.json()["status"] == "mandatee"
    assert illegal.json()["allowed"] == [
        "mise_a_disposition_comptable",
        "comptabilisee",
        "mise_en_paiement",
        "service_fait",
    ]
    stale = _post(api, url, {"status": "comptabilisee", "version": invoice.version})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"


def test_the_financial_software_sets_statuses_in_bulk_with_a_technical_token(w, client):
    robot, auth = technical_account(w["recipient"])
    ready = invoice_in(S.SERVICE_FAIT, supplier=w["supplier"], recipient=w["recipient"], number="M-1")
    early = invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="M-2")
    foreign = invoice_in(supplier=w["supplier"], number="M-3")
    mandat = {"mandat_exercice": 2026, "mandat_bordereau": "12", "mandat_numero": "345"}
    response = _post(
        client,
        "/api/v1/invoices/statuses/",
        {
            "changes": [
                {"id": str(ready.uuid), "status": "mandatee", **mandat},
                {"id": str(early.uuid), "status": "mise_en_paiement"},
                {"id": str(foreign.uuid), "status": "mandatee", **mandat},
            ]
        },
        **auth,
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["id"], r["ok"]) for r in results] == [
        (str(ready.uuid), True),
        (str(early.uuid), False),
        (str(foreign.uuid), False),
    ]
    assert results[0]["status"] == "mandatee"
    assert [r.get("error") for r in results[1:]] == ["illegal_transition", "not_found"]
    ready.refresh_from_db()
    assert (ready.status, ready.mandat_bordereau) == (S.MANDATEE, "12")
    assert ready.events.get().actor == robot
    then = _post(
        client,
        "/api/v1/invoices/statuses/",
        {"changes": [{"id": str(ready.uuid), "status": "mise_en_paiement", "version": ready.version}]},
        **auth,
    )
    assert then.json()["results"][0]["ok"] is True


def test_the_supplier_recycles_completes_and_acknowledges_through_the_api(w, client):
    recycle_me = invoice_in(supplier=w["supplier"], recipient=w["recipient"], code_service="VOIRIE")
    lifecycle.set_status(recycle_me, S.A_RECYCLER, actor=w["accountant"], reason="CODE_ROUTAGE_ERR")
    complete_me = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    lifecycle.set_status(complete_me, S.SUSPENDUE, actor=w["accountant"], reason="JUSTIF_ABS", comment="RIB")
    reject_me = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    lifecycle.set_status(reject_me, S.REJETEE, actor=w["accountant"], reason="DOUBLON")
    verified_client(client, w["supplier_user"])

    url = f"/api/v1/invoices/{recycle_me.uuid}/recycle/"
    refused = _post(client, url, {"recipient_siret": w["recipient"].identifier, "service_code": "PISCINE"})
    assert refused.status_code == 422
    assert refused.json()["findings"][0]["rule"] == "CHORALE-SERVICE-UNKNOWN"
    done = _post(client, url, {"recipient_siret": w["recipient"].identifier, "service_code": "ECOLES"})
    assert done.status_code == 200 and done.json()["code_service"] == "ECOLES"
    assert [e["to_status"] for e in done.json()["history"]][-2:] == ["deposee", "mise_a_disposition"]

    completed = client.post(
        f"/api/v1/invoices/{complete_me.uuid}/complete/",
        {"attachments": [pdf_upload("rib.pdf")], "comment": "RIB joint"},
    )
    assert completed.status_code == 200
    assert completed.json()["status"] == "completee"
    assert [a["name"] for a in completed.json()["attachments"]] == ["rib.pdf"]

    acknowledged = _post(client, f"/api/v1/invoices/{reject_me.uuid}/acknowledge/")
    assert acknowledged.status_code == 200 and acknowledged.json()["rejection_acknowledged_at"]


def test_the_supplier_cannot_triage_its_own_invoice(w, client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    verified_client(client, w["supplier_user"])
    response = _post(client, f"/api/v1/invoices/{invoice.uuid}/status/", {"status": "service_fait"})
    assert response.status_code == 409 and response.json()["allowed"] == []


def test_outsiders_get_404_on_every_endpoint(w, client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    verified_client(client, w["outsider"])
    base = f"/api/v1/invoices/{invoice.uuid}"
    for url in (f"{base}/", f"{base}/original", f"{base}/history"):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/status/", f"{base}/recycle/", f"{base}/complete/", f"{base}/acknowledge/"):
        assert _post(client, url, {"status": "service_fait"}).status_code == 404, url
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_an_anonymous_caller_is_refused(w, client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    assert client.get("/api/v1/invoices/").status_code in (401, 403)
    assert client.get(f"/api/v1/invoices/{invoice.uuid}/").status_code in (401, 403)


def test_posting_to_the_collection_is_the_deposit(w, client):
    verified_client(client, w["supplier_user"])
    response = client.post("/api/v1/invoices/", {})
    assert response.status_code in (400, 422)


def test_the_schema_documents_the_invoice_endpoints(db, client):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/invoices/",
        "/api/v1/invoices/{id}/",
        "/api/v1/invoices/{id}/status/",
        "/api/v1/invoices/statuses/",
        "/api/v1/invoices/{id}/recycle/",
        "/api/v1/invoices/{id}/complete/",
        "/api/v1/invoices/{id}/original/",
    ):
        assert any(p.rstrip("/") == path.rstrip("/") for p in schema["paths"]), path
