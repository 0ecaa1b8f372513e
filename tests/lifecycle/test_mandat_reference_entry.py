"""The mandat reference is checked at entry against the PES expense formats: operation, page and API."""

import pytest

from invoices import lifecycle
from invoices.lifecycle import LifecycleError
from invoices.models import InvoiceStatus
from invoices.pes.core.mandat import number_pattern
from tests.api_schema import api_schema
from tests.conftest import verified_client
from tests.factories_lifecycle import invoice_in, world

pytestmark = pytest.mark.django_db
S = InvoiceStatus
GOOD = {"exercice": "2026", "bordereau": "0012", "numero": "0345", "ligne": "1"}


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def invoice(w):
    return invoice_in(S.SERVICE_FAIT, supplier=w["supplier"], recipient=w["recipient"])


@pytest.mark.parametrize(
    ("part", "value", "field"),
    [
        ("numero", "12A", "mandat_numero"),
        ("numero", "123456789", "mandat_numero"),
        ("bordereau", "0", "mandat_bordereau"),
        ("ligne", "1-2", "mandat_ligne"),
        ("exercice", "2099", "mandat_exercice"),
        ("exercice", "26", "mandat_exercice"),
    ],
)
def test_the_operation_refuses_a_reference_the_pes_flow_cannot_carry(w, invoice, part, value, field):
    with pytest.raises(LifecycleError) as refused:
        lifecycle.set_status(invoice, S.MANDATEE, actor=w["accountant"], mandat={**GOOD, part: value})
    assert refused.value.field == field
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT


def test_the_reference_is_kept_as_the_pes_flow_writes_it(w, invoice):
    lifecycle.set_status(invoice, S.MANDATEE, actor=w["accountant"], mandat=GOOD)
    invoice.refresh_from_db()
    assert (
        invoice.mandat_exercice,
        invoice.mandat_bordereau,
        invoice.mandat_numero,
        invoice.mandat_ligne,
    ) == (
        2026,
        "12",
        "345",
        "1",
    )


def test_the_page_shows_the_refusal_next_to_the_field(client, w, invoice):
    verified_client(client, w["accountant"])
    response = client.post(
        f"/factures/{invoice.uuid}/statut/",
        {
            "target": "mandatee",
            "mandatee-target": "mandatee",
            "mandatee-version": invoice.version,
            "mandatee-mandat_exercice": "2026",
            "mandatee-mandat_bordereau": "12",
            "mandatee-mandat_numero": "12A",
        },
    )
    assert response.status_code == 400
    form = next(f for f in response.context["status_forms"] if f.transition.target == S.MANDATEE)
    assert "IdPce" in " ".join(form.errors["mandat_numero"])
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT


def test_the_api_refuses_a_bad_reference_naming_the_field(client, w, invoice):
    api = verified_client(client, w["accountant"])
    response = api.post(
        f"/api/v1/invoices/{invoice.uuid}/status",
        {
            "status": "mandatee",
            "mandat_exercice": 2026,
            "mandat_bordereau": "12",
            "mandat_numero": "1234567890",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "mandat_numero"
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT


def test_the_api_refuses_an_incomplete_reference_on_its_merits(client, w, invoice):
    """A reference missing a part matches the schema (each part is optional there): refused on its meaning,
    422, as a missing reason is, not 400."""
    api = verified_client(client, w["accountant"])
    response = api.post(
        f"/api/v1/invoices/{invoice.uuid}/status",
        {"status": "mandatee", "mandat_exercice": 2026, "mandat_bordereau": "", "mandat_numero": "12"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "mandat_bordereau"
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT


def test_the_schema_documents_the_format_of_each_part():
    change = api_schema()["components"]["schemas"]["StatusChangeRequest"]["properties"]
    for part in ("bordereau", "numero", "ligne"):
        pattern, blank = change[f"mandat_{part}"]["oneOf"]
        assert number_pattern(part) in pattern["pattern"]
        assert blank["maxLength"] == 0
