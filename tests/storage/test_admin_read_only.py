"""Evidence cannot be added, changed or deleted in the admin: support sees it and that is all."""

import pytest
from django.urls import reverse

from tests.conftest import verified_client
from tests.factories import UserFactory
from tests.factories_lifecycle import invoice_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    return verified_client(client, UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize("model", ["invoice", "storedfile", "deposit", "pesexport", "invoiceevent"])
def test_the_admin_offers_no_add_for_evidence(support, model):
    assert support.get(reverse(f"admin:invoices_{model}_add")).status_code == 403


def test_an_invoice_and_its_original_are_shown_but_cannot_be_changed_or_deleted(support):
    invoice = invoice_in()
    page = support.get(reverse("admin:invoices_invoice_change", args=[invoice.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert (
        support.post(reverse("admin:invoices_invoice_delete", args=[invoice.pk]), {"post": "yes"}).status_code
        == 403
    )
    stored = invoice.original
    posted = support.post(
        reverse("admin:invoices_storedfile_change", args=[stored.pk]), {"sha256": "0" * 64, "size": 1}
    )
    assert posted.status_code == 403
    stored.refresh_from_db()
    assert stored.sha256 != "0" * 64
