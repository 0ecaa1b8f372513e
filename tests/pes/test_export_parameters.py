"""A first export needs the structure's PES parameters; the refusal names the missing or wrong ones."""

import pytest

from invoices.models import PesExport
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from tests.factories_pes import accepted_invoice, pes_structure

pytestmark = pytest.mark.django_db


def test_missing_parameters_are_refused_naming_them():
    structure = pes_structure(pes_id_post="", pes_cod_col="", pes_cod_bud="01")
    invoice = accepted_invoice(structure)

    with pytest.raises(pes_scope.MissingPesParameters) as refused:
        pes_export.export_pes(structure, actor=None)

    assert set(refused.value.fields) == {"id_post", "cod_col"}
    assert "poste comptable (IdPost)" in refused.value.message
    assert "code collectivité (CodCol)" in refused.value.message
    assert "code budget" not in refused.value.message
    assert not PesExport.objects.exists() and not pes_scope.is_exported(invoice)


def test_wrong_parameters_are_refused_naming_them():
    structure = pes_structure(pes_cod_bud="1", pes_cod_col="000")
    accepted_invoice(structure)

    with pytest.raises(pes_scope.MissingPesParameters) as refused:
        pes_export.export_pes(structure, actor=None)

    assert set(refused.value.fields) == {"cod_bud", "cod_col"}
    assert "invalides" in refused.value.message and "code budget (CodBud)" in refused.value.message


def test_the_libelle_is_optional():
    structure = pes_structure(pes_libelle_col_bud="")

    assert pes_scope.has_pes_parameters(structure)
