"""Any input, for every identifier type, gets a clear refusal (4xx or a form error), never a server error."""

import pytest

from accounts import identifiers
from tests.conftest import token_client
from tests.factories_auth import signed_in

# Wrong for every type: empty, invisible, markup, too long, emoji, separators only, a NUL byte.
COMMON = ["", "   ", "\u200b", "<script>", "A" * 41, "\U0001f600", "--", "\x00"]
BAD = {
    identifiers.SIRET: ["XX123456", "12", "73282932000075", "١٢٣٤٥٦٧٨٩٠١٢٣٤", "𝟏" * 14],
    identifiers.EU_VAT: ["XX123456", "12", "EL", "DE123", "FR40303265045", "ZZ 123 456 789", "ÉÉ123"],
    identifiers.RIDET: ["12345", "١٢٣٤٥٦", "ABCDEF", "12345678"],
    identifiers.TAHITI: ["ﬀﬀﬀ", "ÀÉÎÕÜÇ", "12345", "A1B2C3D"],
    identifiers.NON_EU: ["-abc", "a;b", "\x07bell", "a\u200bb"],
    identifiers.PRIVATE_PERSON: ["-abc", "a;b", "\x07bell"],
}
CASES = [(id_type, value) for id_type, values in BAD.items() for value in COMMON + values]
CASE_IDS = [f"{id_type}-{value.encode('unicode_escape').decode()[:20]}" for id_type, value in CASES]


@pytest.mark.parametrize(("id_type", "value"), CASES, ids=CASE_IDS)
def test_the_pure_check_names_the_fault_and_never_raises(id_type, value):
    assert isinstance(identifiers.check(id_type, value), str)
    identifiers.normalise(id_type, value)
    identifiers.vat_country(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("de 136 695 976", "DE136695976"),
        ("XX-12.34", "XX1234"),
        ("", ""),
        ("el094259216", "EL094259216"),
    ],
)
def test_eu_vat_numbers_are_compacted_even_from_unknown_countries(value, expected):
    assert identifiers.normalise(identifiers.EU_VAT, value) == expected


def test_valid_identifiers_still_pass():
    assert identifiers.check(identifiers.SIRET, "732 829 320 00074") is None
    assert identifiers.check(identifiers.EU_VAT, "DE 136 695 976") is None
    assert identifiers.check(identifiers.RIDET, "1234567") is None
    assert identifiers.check(identifiers.TAHITI, "A1B2C3") is None
    assert identifiers.check(identifiers.NON_EU, "CHE-123.456.789") is None
    assert identifiers.vat_country("XX123456") == "XX"
    assert identifiers.vat_country("12") == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("id_type", "value"), CASES, ids=CASE_IDS)
def test_the_attachment_request_api_refuses_naming_the_field(supplier, id_type, value):
    response = token_client(supplier).post(
        "/api/v1/attachment-requests/", {"id_type": id_type, "identifier": value}, format="json"
    )
    # 400 when the value is outside the schema (empty, too long), 422 when its form or key is wrong.
    assert response.status_code in (400, 422)
    assert response.json()["field"] == "identifier", response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("id_type", "value"), CASES, ids=CASE_IDS)
def test_the_attachment_search_puts_the_error_on_the_form(client, supplier, id_type, value):
    signed_in(client, supplier)
    response = client.get("/comptes/structures/rattachement/", {"id_type": id_type, "identifier": value})
    assert response.status_code == 200
    assert response.context["search"].errors.get("identifier"), response.context["search"].errors


@pytest.mark.django_db
@pytest.mark.parametrize(("id_type", "value"), CASES, ids=CASE_IDS)
def test_the_new_structure_form_puts_the_error_on_the_form(client, supplier, id_type, value):
    signed_in(client, supplier)
    response = client.post(
        "/comptes/structures/nouvelle/",
        {"kind": "private", "id_type": id_type, "identifier": value, "name": "Test", "country": "CH"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("identifier"), response.context["form"].errors
