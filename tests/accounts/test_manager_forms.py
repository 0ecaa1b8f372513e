"""The managers' forms guide: service codes checked and stored in upper case, routing flags as one choice."""

import re

import pytest

from accounts import services
from accounts.models import Service
from tests.conftest import verified_client
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _create(client, structure, code):
    verified_client(client, structure.principal_manager)
    return client.post(
        f"/comptes/structures/{structure.uuid}/services/nouveau/", {"code": code, "name": "Piscine"}
    )


def test_a_service_code_with_spaces_is_refused_with_the_code_it_could_be(client, public_structure):
    response = _create(client, public_structure, "piscine municipale")
    assert response.status_code == 200
    page = response.content.decode()
    assert "ne peut contenir que des lettres sans accent" in page
    assert "Proposition : PISCINE_MUNICIPALE" in page
    assert not Service.objects.filter(structure=public_structure).exists()


def test_accents_and_signs_are_refused_too(client, public_structure):
    page = _create(client, public_structure, "Écoles/Crèches").content.decode()
    assert "Proposition : ECOLES_CRECHES" in page
    assert not Service.objects.filter(structure=public_structure).exists()


def test_a_lower_case_code_is_stored_in_upper_case(client, public_structure):
    response = _create(client, public_structure, "  piscine_2-b ")
    assert response.status_code == 302
    assert list(Service.objects.filter(structure=public_structure).values_list("code", flat=True)) == [
        "PISCINE_2-B"
    ]


def test_a_code_longer_than_chorus_pro_allows_is_refused(client, public_structure):
    page = _create(client, public_structure, "A" * 101).content.decode()
    assert "Le code service compte 101 caractères ; il en admet au plus 100." in page


def test_the_operation_checks_the_code_as_the_form_does(public_structure):
    with pytest.raises(services.StructureError) as refused:
        services.create_service(
            public_structure, actor=public_structure.principal_manager, code="piscine municipale", name="P"
        )
    assert refused.value.field == "code" and "PISCINE_MUNICIPALE" in refused.value.message


def _routing(client, structure, **data):
    verified_client(client, structure.principal_manager)
    data.setdefault("requirement", "aucun")
    response = client.post(f"/comptes/structures/{structure.uuid}/parametres/", data)
    structure.refresh_from_db()
    return response


def _flags(structure):
    return (
        structure.code_service_obligatoire,
        structure.engagement_obligatoire,
        structure.service_ou_engagement_obligatoire,
    )


def test_the_routing_requirement_is_one_choice_among_five(client, public_structure):
    ServiceFactory(structure=public_structure, code="VOIRIE")
    verified_client(client, public_structure.principal_manager)
    page = client.get(f"/comptes/structures/{public_structure.uuid}/parametres/").content.decode()
    assert page.count('type="radio" name="requirement"') == 5
    assert 'name="code_service_obligatoire"' not in page
    assert 'name="service_ou_engagement_obligatoire"' not in page
    expected = {
        "aucun": (False, False, False),
        "service": (True, False, False),
        "engagement": (False, True, False),
        "service_et_engagement": (True, True, False),
        "service_ou_engagement": (False, False, True),
    }
    for choice, flags in expected.items():
        assert _routing(client, public_structure, requirement=choice).status_code == 302
        assert _flags(public_structure) == flags, choice


def test_service_and_service_or_engagement_can_no_longer_be_asked_together(client, public_structure):
    ServiceFactory(structure=public_structure, code="VOIRIE")
    _routing(client, public_structure, code_service_obligatoire="on", service_ou_engagement_obligatoire="on")
    assert _flags(public_structure) == (False, False, False)


def test_the_form_opens_on_the_structure_s_current_requirement(client, public_structure):
    public_structure.code_service_obligatoire = public_structure.engagement_obligatoire = True
    public_structure.save()
    verified_client(client, public_structure.principal_manager)
    page = client.get(f"/comptes/structures/{public_structure.uuid}/parametres/").content.decode()
    radios = re.findall(r'<input type="radio" name="requirement"[^>]*>', page)
    assert [re.search(r'value="(\w+)"', r).group(1) for r in radios if " checked" in r] == [
        "service_et_engagement"
    ]


def test_requiring_a_service_code_without_any_service_is_refused_on_the_form(client, public_structure):
    response = _routing(client, public_structure, requirement="service")
    assert response.status_code == 200
    assert "Créez au moins un service actif" in response.content.decode()
    assert _flags(public_structure) == (False, False, False)
