"""POST /api/v1/principal-claims/ files a claim with its PDF; a claim exists only for its author."""

import pytest

from accounts.models import PrincipalClaim
from tests.accounts.claim_helpers import PDF, awaiting_claim, upload
from tests.conftest import token_client
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/principal-claims/"


def _claim(api, structure, **fields):
    data = {"id_type": "siret", "identifier": structure.identifier, "function": "DGS", "document": upload()}
    return api.post(URL, {**data, **fields}, format="multipart")


def test_a_claim_is_filed_with_its_document_and_listed_for_its_author():
    structure = awaiting_claim(name="Commune de Villebelle")
    claimant = UserFactory()
    api = token_client(claimant)

    response = _claim(api, structure)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["structure"]["id"] == str(structure.uuid)
    assert (body["status"], body["function"], body["document_size"]) == ("en_attente", "DGS", len(PDF))
    assert PrincipalClaim.objects.get(uuid=body["id"]).document.read() == PDF
    assert [c["id"] for c in api.get(URL).json()] == [body["id"]]
    assert api.get(f"{URL}{body['id']}/").json()["structure"]["name"] == "Commune de Villebelle"


def test_another_persons_claim_is_404_and_absent_from_the_list():
    mine = _claim(token_client(UserFactory()), awaiting_claim()).json()
    outsider = token_client(UserFactory())

    assert outsider.get(f"{URL}{mine['id']}/").status_code == 404
    assert outsider.get(URL).json() == []


def test_refusals_are_422_with_the_field():
    api = token_client(UserFactory())
    structure = awaiting_claim()

    not_pdf = _claim(api, structure, document=upload(b"<html>", "x.pdf"))
    private = _claim(api, StructureFactory())

    assert not_pdf.status_code == 422 and not_pdf.json()["field"] == "document"
    assert private.status_code == 422 and private.json()["field"] == "identifier"
    assert not PrincipalClaim.objects.exists()


def test_a_document_over_the_limit_is_refused_before_being_read(settings):
    settings.CHORALE_CLAIM_MAX_BYTES = 100
    response = _claim(token_client(UserFactory()), awaiting_claim(), document=upload(PDF + b"0" * 200))

    assert response.status_code == 413 and "dépasse" in response.json()["detail"]


def test_the_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/principal-claims/"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
