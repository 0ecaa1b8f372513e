"""The web deposit of several files (or a ZIP) is a flow: the report page shows its progress, polled by our
own script (or refreshed without JavaScript), then its report once the workers are done. 404 to others."""

from invoices.models import Deposit, DepositStatus, Invoice
from tests.conftest import verified_client
from tests.factories_deposit import PNG, invoice_bytes, invoice_upload, upload, zip_of

DEPOSIT_URL = "/factures/deposer/"


def two_files(world):
    return [
        invoice_upload(world, "cii", name="bonne.xml", number="WEB-FLOW-1"),
        invoice_upload(world, "ubl", name="sans-service.xml", number="WEB-FLOW-2", service_code="NOPE"),
    ]


def test_several_files_lead_to_the_flow_s_page_showing_its_progress_then_its_report(
    supplier_client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as workers:
        response = supplier_client.post(DEPOSIT_URL, {"files": two_files(world)})
    deposit = Deposit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/factures/depots/{deposit.uuid}/"

    page = supplier_client.get(response["Location"]).content.decode()
    assert deposit.status == DepositStatus.EN_COURS
    assert "Contrôle en cours" in page and "Lecture des fichiers déposés…" in page
    assert f'data-url="/factures/depots/{deposit.uuid}/progression/"' in page
    assert "/static/js/flow.js" in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert "<script>" not in page  # the CSP allows our own script files only

    for worker in workers:
        worker()

    page = supplier_client.get(response["Location"]).content.decode()
    assert "Intégré partiellement" in page
    assert "bonne.xml" in page and "sans-service.xml" in page and "CHORALE-SERVICE-UNKNOWN" in page
    assert "Contrôle en cours" not in page and "flow.js" not in page
    assert f'href="/factures/{Invoice.objects.get().uuid}/"' in page


def test_the_progress_endpoint_counts_the_files_done(
    supplier_client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as workers:
        supplier_client.post(
            DEPOSIT_URL, {"files": [upload("lot.zip", zip_of({"a.xml": invoice_bytes(world, "cii")}))]}
        )
    url = f"/factures/depots/{Deposit.objects.get().uuid}/progression/"

    before = supplier_client.get(url).json()
    for worker in workers:
        worker()
    after = supplier_client.get(url).json()

    assert before == {
        "status": "en_cours",
        "status_label": "En cours de traitement",
        "done": 0,
        "total": None,
        "finished": False,
    }
    assert after == {"status": "integre", "status_label": "Intégré", "done": 1, "total": 1, "finished": True}


def test_the_deposit_form_sent_by_script_is_answered_with_the_flow_s_page(supplier_client, world):
    response = supplier_client.post(
        DEPOSIT_URL, {"files": two_files(world)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )

    assert response.json() == {
        "redirect": f"/factures/depots/{Deposit.objects.get().uuid}/",
        "status": "en_cours",
    }


def test_several_files_with_attachments_stay_a_synchronous_deposit_refused_as_before(supplier_client, world):
    supplier_client.post(DEPOSIT_URL, {"files": two_files(world), "attachments": [upload("bon.png", PNG)]})

    deposit = Deposit.objects.get()
    assert deposit.status == DepositStatus.REJETE
    assert [f["rule"] for f in deposit.report["findings"]] == ["CHORALE-ATTACHMENTS-ONE-INVOICE"]


def test_a_flow_s_page_and_progress_are_404_to_outsiders(client, supplier_client, world, outsider):
    supplier_client.post(DEPOSIT_URL, {"files": two_files(world)})
    uuid = Deposit.objects.get().uuid

    for user in (outsider, world.accountant):
        other = verified_client(client, user)
        assert other.get(f"/factures/depots/{uuid}/").status_code == 404
        assert other.get(f"/factures/depots/{uuid}/progression/").status_code == 404
