"""POST /api/v1/flows/ keeps the upload and answers 202 at once; GET /api/v1/flows/{id}/ gives the flow's
status, progress and, once the workers are done, the same report as a synchronous deposit. 404 to others.

The workers run in-process here (eager tasks, sent once the flow's transaction commits);
tests/flows/test_queue_worker.py runs them in real worker processes.
"""

import os

import pytest
from openapi_schema_validator import OAS30Validator

from invoices.models import Deposit, DepositStatus, FlowItem, Invoice, StoredFile
from invoices.storage import sha256_of
from tests.api_schema import api_schema, assert_documented
from tests.conftest import verified_client
from tests.factories import MembershipFactory
from tests.factories_deposit import invoice_bytes, token_headers, upload, zip_of

URL = "/api/v1/flows/"


@pytest.fixture
def archive(world):
    return zip_of(
        {
            "a.xml": invoice_bytes(world, "cii", number="FLOW-A"),
            "b.xml": invoice_bytes(world, "ubl", number="FLOW-B"),
            "c.xml": invoice_bytes(world, "cii", number="FLOW-C", service_code="NOPE"),
        }
    )


def post_flow(client, user, data, name="factures.zip", **extra):
    return client.post(URL, {"file": upload(name, data)}, **token_headers(user), **extra)


def test_a_zip_is_answered_202_at_once_with_the_flow_id_and_kept_byte_for_byte(
    client, world, archive, django_capture_on_commit_callbacks
):
    headers = token_headers(world.supplier)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = client.post(URL, {"file": upload("factures.zip", archive)}, **headers)

    assert response.status_code == 202, response.json()
    body = response.json()
    deposit = Deposit.objects.get(uuid=body["id"])
    assert body["status"] == "en_cours"
    assert body["progress"] == {"done": 0, "total": None}
    assert body["report"] is None
    assert response["Location"] == body["url"] == f"/api/v1/flows/{deposit.uuid}/"
    assert len(sent) == 1  # the workers are told once the flow is committed, not before
    assert not Invoice.objects.exists()
    kept = StoredFile.objects.get(sha256=sha256_of(archive))
    assert kept.file.read() == archive and kept.size == len(archive)
    assert deposit.report["sources"][0]["sha256"] == sha256_of(archive)


def test_once_the_workers_are_done_the_flow_gives_the_synchronous_deposit_s_report(
    client, world, archive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flow_id = post_flow(client, world.supplier, archive).json()["id"]

    body = client.get(f"{URL}{flow_id}/", **token_headers(world.supplier)).json()

    assert body["status"] == DepositStatus.INTEGRE_PARTIELLEMENT
    assert body["progress"] == {"done": 3, "total": 3}
    report = body["report"]
    assert report == client.get(f"/api/v1/deposits/{flow_id}/", **token_headers(world.supplier)).json()
    assert [(d["file"], d["container"], d["accepted"]) for d in report["documents"]] == [
        ("a.xml", "factures.zip", True),
        ("b.xml", "factures.zip", True),
        ("c.xml", "factures.zip", False),
    ]
    assert {f["rule"] for f in report["documents"][2]["findings"]} >= {"CHORALE-SERVICE-UNKNOWN"}
    assert report["integrated"] == 2 and report["refused"] == 1
    assert set(Invoice.objects.values_list("number", flat=True)) == {"FLOW-A", "FLOW-B"}
    deposit = Deposit.objects.get(uuid=flow_id)
    assert deposit.supplier == world.supplier_structure
    assert (
        deposit.documents.filter(format="zip").count() == 1
    )  # the archive, as a synchronous deposit keeps it
    assert deposit.documents.exclude(format="zip").count() == 3


def test_one_invoice_file_is_a_flow_of_one(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_flow(client, world.supplier, invoice_bytes(world, "cii"), name="facture.xml")

    deposit = Deposit.objects.get(uuid=response.json()["id"])
    assert deposit.status == DepositStatus.INTEGRE
    assert deposit.report["documents"][0]["container"] == ""
    assert Invoice.objects.count() == 1


def test_a_zip_refused_whole_ends_rejected_with_the_archive_s_finding(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.CHORALE_MAX_ZIP_MEMBERS = 2
    archive = zip_of({f"{i}.xml": invoice_bytes(world, "cii") for i in range(3)})

    with django_capture_on_commit_callbacks(execute=True):
        flow_id = post_flow(client, world.supplier, archive).json()["id"]

    body = client.get(f"{URL}{flow_id}/", **token_headers(world.supplier)).json()
    assert body["status"] == DepositStatus.REJETE
    assert body["progress"] == {"done": 0, "total": 0}
    assert [f["rule"] for f in body["report"]["findings"]] == ["CHORALE-ZIP-TOO-MANY"]


def test_a_file_over_the_per_file_limit_is_never_kept_and_the_flow_is_rejected(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.CHORALE_MAX_FILE_BYTES = 50_000
    big = zip_of({"bruit.xml": os.urandom(80_000)})  # incompressible
    assert len(big) > 50_000

    with django_capture_on_commit_callbacks(execute=True):
        flow_id = post_flow(client, world.supplier, big).json()["id"]

    body = client.get(f"{URL}{flow_id}/", **token_headers(world.supplier)).json()
    assert body["status"] == DepositStatus.REJETE
    assert [f["rule"] for f in body["report"]["documents"][0]["findings"]] == ["CHORALE-FILE-TOO-LARGE"]
    assert not StoredFile.objects.exists()


def test_a_retry_with_the_same_idempotency_key_returns_the_first_flow(
    client, world, archive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post_flow(client, world.supplier, archive, HTTP_IDEMPOTENCY_KEY="flow-1")
        second = post_flow(client, world.supplier, archive, HTTP_IDEMPOTENCY_KEY="flow-1")

    assert first.status_code == second.status_code == 202
    assert second.json()["id"] == first.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Deposit.objects.count() == 1
    assert Invoice.objects.count() == 2


def test_another_file_under_a_used_idempotency_key_is_refused(client, world, archive):
    post_flow(client, world.supplier, archive, HTTP_IDEMPOTENCY_KEY="flow-2")

    response = post_flow(client, world.supplier, invoice_bytes(world, "cii"), HTTP_IDEMPOTENCY_KEY="flow-2")

    assert response.status_code == 422
    assert response.json()["findings"][0]["rule"] == "CHORALE-IDEMPOTENCY-MISMATCH"
    assert Deposit.objects.count() == 1


def test_one_file_and_only_one_is_taken(client, world, archive):
    headers = token_headers(world.supplier)

    none = client.post(URL, {}, **headers)
    two = client.post(URL, {"file": [upload("a.zip", archive), upload("b.zip", archive)]}, **headers)

    assert none.status_code == two.status_code == 400
    assert none.json()["field"] == two.json()["field"] == "file"
    assert_documented(none, "/api/v1/flows/", "post")
    assert not Deposit.objects.exists()


def test_a_blank_supplier_is_no_supplier_as_documented(client, world, archive):
    body = api_schema()["paths"][URL]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    request_schema = {**body, "components": api_schema()["components"]}

    response = client.post(
        URL, {"file": upload("f.zip", archive), "supplier": ""}, **token_headers(world.supplier)
    )

    assert response.status_code == 202
    OAS30Validator(request_schema).validate({"file": "f.zip", "supplier": ""})


def test_a_supplier_the_caller_does_not_deposit_for_is_refused_on_its_merits(client, world, archive):
    """Any text is a supplier the schema admits: an unknown one, or someone else's, is a 422."""
    for supplier in ("0", str(world.recipient.uuid), world.recipient.identifier):
        response = client.post(
            URL, {"file": upload("f.zip", archive), "supplier": supplier}, **token_headers(world.supplier)
        )

        assert response.status_code == 422
        assert (response.json()["error"], response.json()["field"]) == ("refused", "supplier")
        assert_documented(response, "/api/v1/flows/", "post")
    assert not Deposit.objects.exists()


def test_an_upload_larger_than_a_deposit_may_be_is_refused_before_reading(client, world, settings):
    settings.CHORALE_MAX_INVOICE_BYTES = 10_000

    response = post_flow(client, world.supplier, b"PK\x03\x04" + b"\0" * 2_000_000)

    assert response.status_code == 413
    assert response.json()["findings"][0]["rule"] == "CHORALE-DEPOSIT-TOO-LARGE"
    assert not Deposit.objects.exists()


def test_a_flow_needs_an_authenticated_caller(client, archive):
    assert client.post(URL, {"file": upload("f.zip", archive)}).status_code in (401, 403)


def test_the_flow_is_seen_by_its_supplier_s_colleagues_and_is_404_to_everyone_else(
    client, world, archive, outsider, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(structure=world.supplier_structure, can_deposit=True).user
    with django_capture_on_commit_callbacks(execute=True):
        flow_id = post_flow(client, world.supplier, archive).json()["id"]
    url = f"{URL}{flow_id}/"

    assert client.get(url, **token_headers(colleague)).status_code == 200
    assert client.get(url, **token_headers(outsider)).status_code == 404
    assert client.get(url, **token_headers(world.accountant)).status_code == 404  # the recipient's side
    assert client.get(url, **token_headers(world.other_accountant)).status_code == 404
    assert (
        client.get(f"{URL}00000000-0000-0000-0000-000000000000/", **token_headers(outsider)).status_code
        == 404
    )


def test_a_browser_session_past_the_second_factor_may_poll_a_flow(client, world, archive):
    flow_id = post_flow(client, world.supplier, archive).json()["id"]

    body = verified_client(client, world.supplier).get(f"{URL}{flow_id}/").json()

    assert body["status"] == "en_cours" and FlowItem.objects.count() == 0


def test_the_flows_are_described_in_the_openapi_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    post, get = paths["/api/v1/flows/"]["post"], paths["/api/v1/flows/{id}/"]["get"]
    assert "202" in post["responses"] and "multipart/form-data" in post["requestBody"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Flow"
    }
