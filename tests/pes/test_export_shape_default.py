"""The PES page opens on the export shape that holds the invoices the user can export, counts shown."""

import re

import pytest
from django.urls import reverse

from tests.conftest import verified_client
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    pes_accountant,
    pes_commune,
)

pytestmark = pytest.mark.django_db


def _page(client, accountant, structure, **params):
    verified_client(client, accountant)
    return client.get(reverse("invoices:pes_structure", args=[structure.uuid]), params).content.decode()


def _checked_shape(page: str) -> list[str]:
    radios = re.findall(r'<input type="radio" name="shape"[^>]*>', page)
    return [re.search(r'value="(\w+)"', r).group(1) for r in radios if " checked" in r]


def test_only_mandated_invoices_open_the_refcompta_shape(client, accountant, structure):
    mandated = accepted_invoice(structure, number="MANDAT-1", mandated=True)
    page = _page(client, accountant, structure)
    assert _checked_shape(page) == ["refcompta"]
    assert f"{mandated.number}</label>" in page
    assert "(RefCompta) — 1" in page and "PJRef du logiciel financier — 0" in page


def test_invoices_without_mandat_open_the_list_shape(client, accountant, structure):
    accepted_invoice(structure, number="LISTE-1")
    accepted_invoice(structure, number="LISTE-2")
    accepted_invoice(structure, number="MANDAT-1", mandated=True)
    page = _page(client, accountant, structure)
    assert _checked_shape(page) == ["pj_list"]
    assert "LISTE-1</label>" in page and "MANDAT-1</label>" not in page


def test_a_shape_asked_for_is_kept_even_when_empty(client, accountant, structure):
    accepted_invoice(structure, number="MANDAT-1", mandated=True)
    page = _page(client, accountant, structure, shape="pj_list")
    assert _checked_shape(page) == ["pj_list"]
    assert "MANDAT-1</label>" not in page


def test_other_filters_without_a_shape_still_open_on_the_fullest_shape(client, accountant, structure):
    accepted_invoice(structure, number="MANDAT-1", mandated=True)
    page = _page(client, accountant, structure, number="MANDAT")
    assert _checked_shape(page) == ["refcompta"]
    assert "MANDAT-1</label>" in page
