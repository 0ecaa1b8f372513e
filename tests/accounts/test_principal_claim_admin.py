"""Support reviews claims in the admin: read-only evidence, approval and refusal as journaled actions."""

import pytest

from accounts import claims
from accounts.models import PrincipalClaim, SecurityEvent
from tests.accounts.claim_helpers import PDF, awaiting_claim
from tests.conftest import verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/accounts/principalclaim/"


@pytest.fixture
def claim(db):
    structure = awaiting_claim(name="Commune de Villebelle")
    return claims.submit_claim(
        UserFactory(email="maire@villebelle.test"),
        structure,
        function="Maire",
        document_name="arrêté.pdf",
        document=PDF,
    )


def test_support_approves_from_the_admin_after_seeing_the_claim(
    client, support, claim, mailoutbox, django_capture_on_commit_callbacks
):
    verified_client(client, support)
    page = client.post(LIST_URL, {"action": "approve_claim", "_selected_action": [claim.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert "maire@villebelle.test" in html and claim.document_sha256 in html and "arrêté.pdf" in html
    # The confirmation posts back to the same action, on the same claim.
    assert f'name="_selected_action" value="{claim.pk}"' in html
    assert 'name="action" value="approve_claim"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            LIST_URL, {"action": "approve_claim", "_selected_action": [claim.pk], "apply": "1"}
        )

    assert response.status_code == 302
    claim.refresh_from_db()
    claim.structure.refresh_from_db()
    assert claim.status == PrincipalClaim.Status.APPROVED
    assert claim.structure.principal_manager == claim.claimant
    assert SecurityEvent.objects.filter(kind="claim_approved", actor=support, user=claim.claimant).exists()
    assert [mail.to for mail in mailoutbox] == [["maire@villebelle.test"]]


def test_support_refuses_with_a_reason(client, support, claim):
    verified_client(client, support)
    no_reason = client.post(
        LIST_URL, {"action": "refuse_claim", "_selected_action": [claim.pk], "apply": "1"}
    )
    assert no_reason.status_code == 200
    claim.refresh_from_db()
    assert claim.status == PrincipalClaim.Status.PENDING

    client.post(
        LIST_URL,
        {
            "action": "refuse_claim",
            "_selected_action": [claim.pk],
            "apply": "1",
            "reason": "Pièce non signée.",
        },
    )

    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.decided_by) == (
        PrincipalClaim.Status.REFUSED,
        "Pièce non signée.",
        support,
    )


def test_support_downloads_the_document_as_deposited(client, support, claim):
    response = verified_client(client, support).get(f"{LIST_URL}{claim.pk}/document/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_user_who_is_not_staff_reaches_neither_the_claims_nor_their_documents(client, claim):
    verified_client(client, claim.claimant)

    for url in (LIST_URL, f"{LIST_URL}{claim.pk}/change/", f"{LIST_URL}{claim.pk}/document/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_claims_are_never_added_changed_or_deleted_in_the_admin(client, support, claim):
    verified_client(client, support)

    assert client.get(f"{LIST_URL}add/").status_code == 403
    assert client.post(f"{LIST_URL}{claim.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{LIST_URL}{claim.pk}/change/", {"status": "approuvee", "document_sha256": "0" * 64})
    client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"})

    claim.refresh_from_db()
    assert claim.status == PrincipalClaim.Status.PENDING
    assert claim.document_sha256 != "0" * 64
    change_page = client.get(f"{LIST_URL}{claim.pk}/change/").content.decode()
    assert 'name="document_sha256"' not in change_page
