"""A user of another structure, or without the export right, can neither export nor download: 404."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from invoices.models import PesExport
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from tests.conftest import token_client, verified_client
from tests.factories import MembershipFactory, ServiceFactory
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    fresh_second_factor,
    pes_commune,
    pes_schemas_if_present,
    pes_structure,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas_if_present")]


@pytest.fixture
def invoice(structure):
    return accepted_invoice(structure)


@pytest.fixture
def export(structure, invoice):
    accountant = MembershipFactory(structure=structure, can_export_pes=True).user
    return pes_export.export_pes(structure, actor=accountant)


@pytest.fixture
def other_structures_exporter():
    """An accountant with the export right, but in another public structure."""
    return MembershipFactory(structure=pes_structure(name="Autre commune"), can_export_pes=True).user


@pytest.fixture
def member_without_right(structure):
    """A member of the structure (triage) without the PES export right."""
    return MembershipFactory(
        structure=structure, role=Membership.Role.USER, can_triage=True, can_export_pes=False
    ).user


@pytest.fixture(params=["other_structures_exporter", "member_without_right", "outsider"])
def intruder(request):
    return request.getfixturevalue(request.param)


def test_pages_answer_404(client, intruder, structure, invoice, export):
    browser = fresh_second_factor(verified_client(client, intruder))
    selection = {"shape": "pj_list", "invoices": [str(invoice.uuid)]}
    responses = [
        browser.get(reverse("invoices:pes_structure", args=[structure.uuid])),
        browser.post(reverse("invoices:pes_preview", args=[structure.uuid]), selection),
        browser.post(reverse("invoices:pes_run", args=[structure.uuid]), selection),
        browser.get(reverse("invoices:pes_export", args=[export.uuid])),
        browser.post(reverse("invoices:pes_reexport", args=[export.uuid]), {**selection, "reason": "x"}),
        browser.get(reverse("invoices:pes_file", args=[export.uuid, 1])),
        browser.get(reverse("invoices:pes_pj_list_csv", args=[export.uuid])),
        browser.get(reverse("invoices:pes_pj_list_json", args=[export.uuid])),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert PesExport.objects.count() == 1
    assert structure.name not in browser.get(reverse("invoices:pes_home")).content.decode()


def test_the_api_answers_404(intruder, structure, invoice, export):
    api = token_client(intruder)
    responses = [
        api.post("/api/v1/pes-exports/", {"structure": structure.identifier}, format="json"),
        api.post(
            "/api/v1/pes-exports/",
            {"structure": str(structure.uuid), "invoices": [str(invoice.uuid)], "reexport_reason": "x"},
            format="json",
        ),
        api.get(f"/api/v1/pes-exports/{export.uuid}/"),
        api.get(f"/api/v1/pes-exports/{export.uuid}/file"),
        api.get(f"/api/v1/pes-exports/{export.uuid}/files/1"),
        api.get(f"/api/v1/pes-exports/{export.uuid}/pj-list.csv"),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert PesExport.objects.count() == 1


def test_an_invoice_of_another_structure_cannot_be_slipped_into_an_export(client, structure):
    mine = MembershipFactory(structure=structure, can_export_pes=True).user
    elsewhere = accepted_invoice(pes_structure(name="Autre commune"))
    api = token_client(mine)

    response = api.post(
        "/api/v1/pes-exports/",
        {"structure": structure.identifier, "invoices": [str(elsewhere.uuid)]},
        format="json",
    )

    assert response.status_code == 422
    assert not pes_scope.is_exported(elsewhere)


def test_a_member_limited_to_a_service_does_not_see_exports_of_other_services(client, structure):
    roads, schools = ServiceFactory(structure=structure), ServiceFactory(structure=structure)
    accepted_invoice(structure, service=schools)
    export = pes_export.export_pes(structure, actor=None)
    limited = MembershipFactory(structure=structure, can_export_pes=True, services=[roads]).user
    browser = fresh_second_factor(verified_client(client, limited))

    assert browser.get(reverse("invoices:pes_export", args=[export.uuid])).status_code == 404
    assert browser.get(reverse("invoices:pes_file", args=[export.uuid, 1])).status_code == 404
    assert token_client(limited).get(f"/api/v1/pes-exports/{export.uuid}/").status_code == 404
