"""Structure identifiers: the SIRET Luhn key and the other identifier types (known-answer vectors)."""

import pytest
from stdnum import luhn

from accounts import identifiers, services
from accounts.identifiers import check, normalise, siren_of
from accounts.models import Structure
from tests.conftest import verified_client
from tests.factories import UserFactory

VALID_SIRET = "73282932000074"


def test_a_siret_with_a_correct_luhn_key_is_accepted():
    assert luhn.is_valid(VALID_SIRET)
    assert check("siret", VALID_SIRET) is None


def test_a_siret_with_a_wrong_luhn_key_is_refused():
    assert check("siret", "73282932000079") == identifiers.SIRET_KEY


@pytest.mark.parametrize("value", ["7328293200007", "732829320000741", "7328293200007A", ""])
def test_a_siret_must_be_fourteen_digits(value):
    assert check("siret", value) in (identifiers.SIRET_LENGTH, identifiers.REQUIRED)


def test_spaces_and_dots_are_separators():
    assert normalise("siret", " 732 829 320.00074 ") == VALID_SIRET
    assert check("siret", "732 829 320 00074") is None


def test_the_siren_is_derived_from_the_siret():
    assert siren_of(VALID_SIRET) == "732829320"
    assert siren_of("73282932000079") == ""


def test_la_poste_establishments_use_their_own_key():
    # La Poste's SIRETs (SIREN 356 000 000) are checked by the sum of digits modulo 5, not Luhn.
    assert not luhn.is_valid("35600000049837")
    assert check("siret", "35600000049837") is None
    assert check("siret", "35600000049838") == identifiers.SIRET_KEY


def test_eu_vat_numbers_are_checked_per_country():
    assert check("tva_ue", "DE 136 695 976") is None
    assert check("tva_ue", "BE0403170701") is None
    assert check("tva_ue", "DE136695977") == identifiers.VAT_INVALID


def test_a_french_vat_number_is_refused_in_favour_of_the_siret():
    assert check("tva_ue", "FR44732829320") == identifiers.VAT_FRENCH


@pytest.mark.parametrize(
    ("id_type", "value", "ok"),
    [
        ("ridet", "1234567", True),
        ("ridet", "1234567.001", True),
        ("ridet", "123456", True),
        ("ridet", "12345", False),
        ("ridet", "12345A7", False),
        ("tahiti", "A12345", True),
        ("tahiti", "A12345001", True),
        ("tahiti", "A1234", False),
        ("hors_ue", "CHE-123.456.788", True),
        ("hors_ue", "<script>", False),
        ("particulier", "Jean Dupont 1970", True),
        ("unknown", "x", False),
    ],
)
def test_other_identifier_types(id_type, value, ok):
    assert (check(id_type, value) is None) is ok


@pytest.mark.django_db
def test_creating_a_structure_refuses_a_bad_siret():
    with pytest.raises(services.StructureError) as raised:
        services.create_structure(
            UserFactory(), kind="private", id_type="siret", identifier="73282932000079", name="Mauvaise clé"
        )
    assert raised.value.field == "identifier"
    assert not Structure.objects.exists()


@pytest.mark.django_db
def test_the_creation_form_shows_the_luhn_error_next_to_the_field(client):
    user = UserFactory()
    response = verified_client(client, user).post(
        "/comptes/structures/nouvelle/",
        {"kind": "private", "id_type": "siret", "identifier": "73282932000079", "name": "Mauvaise clé"},
    )
    assert response.status_code == 200
    assert "clé de contrôle de Luhn" in response.content.decode()
    assert 'class="field has-error' in response.content.decode()
    assert not Structure.objects.exists()
