"""The claim page: a person names a public structure, joins a PDF, and follows their own claims only."""

import pytest

from accounts.models import PrincipalClaim
from tests.accounts.claim_helpers import PDF, awaiting_claim, upload
from tests.conftest import verified_client
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/comptes/structures/revendication/"


def _post(client, structure, **fields):
    data = {
        "id_type": "siret",
        "identifier": structure.identifier,
        "function": "Maire",
        "message": "",
        "document": upload(),
        **fields,
    }
    return client.post(URL, data)


def test_a_person_claims_a_public_structure_with_a_pdf(client):
    structure = awaiting_claim(name="Commune de Villebelle")
    claimant = UserFactory()

    response = _post(verified_client(client, claimant), structure)

    assert response.status_code == 302 and response["Location"] == URL
    claim = PrincipalClaim.objects.get()
    assert (claim.claimant, claim.structure, claim.function) == (claimant, structure, "Maire")
    assert claim.document.read() == PDF
    page = client.get(URL).content.decode()
    assert "Commune de Villebelle" in page and "En attente" in page and "délégation.pdf" in page


def test_the_page_is_in_english_for_an_english_speaker(client):
    page = verified_client(client, UserFactory()).get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Claim a public body" in page


def test_a_file_that_is_not_a_pdf_is_refused_on_the_form(client):
    structure = awaiting_claim()

    response = _post(
        verified_client(client, UserFactory()), structure, document=upload(b"MZ\x90\x00", "x.pdf")
    )

    assert response.status_code == 200
    assert "doit être un PDF" in response.content.decode()
    assert not PrincipalClaim.objects.exists()


def test_a_private_company_or_an_unknown_identifier_is_not_found(client):
    verified_client(client, UserFactory())

    for structure in (StructureFactory(), StructureFactory.build(identifier="73282932000074")):
        response = _post(client, structure)
        assert "Aucune entité publique active ne porte cet identifiant" in response.content.decode()
    assert not PrincipalClaim.objects.exists()


def test_nobody_sees_anyone_elses_claims(client):
    structure = awaiting_claim(name="Commune de Villebelle")
    _post(verified_client(client, UserFactory()), structure, function="Maire usurpateur")

    page = verified_client(client, UserFactory()).get(URL).content.decode()

    assert "Maire usurpateur" not in page and "délégation.pdf" not in page


def test_the_attachment_search_offers_to_claim_a_public_structure(client):
    structure = awaiting_claim()
    verified_client(client, UserFactory())

    page = client.get(
        "/comptes/structures/rattachement/", {"id_type": "siret", "identifier": structure.identifier}
    ).content.decode()

    assert f"{URL}?id_type=siret&amp;identifier={structure.identifier}" in page


def test_the_page_needs_the_second_factor(client):
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 302 and "/comptes/second-facteur/" in response["Location"]
