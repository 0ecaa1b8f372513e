"""The codes a credit note carries on the expense side are the schema's, and they validate."""

import io
from datetime import datetime

from lxml import etree

from invoices.pes.core import (
    CREDIT_NOTE_TYPE_OBJET,
    CREDIT_NOTE_TYPE_PJ,
    DOMAINE_TYPES_PJ,
    PesHeader,
    PjDocument,
    mandat_ref_compta,
    read_pes,
    validate_pes,
    validate_ref_compta,
    write_pes,
)
from invoices.pes.core.credit_note import reduces_closed_exercice, type_objet
from tests.conftest import shared_path

XS = "{http://www.w3.org/2001/XMLSchema}"


def documented_values(xsd, type_name: str) -> dict[str, str]:
    """value → documentation of the enumeration of complexType `type_name` in `xsd`."""
    tree = etree.parse(str(xsd))
    [complex_type] = [t for t in tree.iter(f"{XS}complexType") if t.get("name") == type_name]
    return {
        e.get("value"): " ".join(e.findtext(f"{XS}annotation/{XS}documentation", "").split())
        for e in complex_type.iter(f"{XS}enumeration")
    }


def test_a_credit_note_is_an_expense_pj_justifying_an_annulation_bordereau():
    folder = shared_path("pes", "xsd", "schemas_pes_v5.17", "PES_V2")

    assert documented_values(folder / "CommunPES.xsd", "TPJ")[CREDIT_NOTE_TYPE_PJ] == "Dépense."
    bordereau_types = documented_values(folder / "NS_Depense" / "r0" / "CommunDepense.xsd", "TTypBordAller")
    assert bordereau_types[CREDIT_NOTE_TYPE_OBJET] == "Annulation/réduction"
    assert bordereau_types[type_objet(False)] == "Ordinaire"
    assert CREDIT_NOTE_TYPE_PJ in DOMAINE_TYPES_PJ["01"]


def test_a_credit_note_linked_to_its_annulation_mandat_validates(tmp_path):
    ref = mandat_ref_compta(2025, "87", type_bordereau=type_objet(True))
    assert validate_ref_compta(ref, CREDIT_NOTE_TYPE_PJ) == []
    avoir = PjDocument(
        key="avoir-1",
        invoice_number="AV-1",
        year=2025,
        supplier_name="ACME",
        open=lambda: io.BytesIO(b"%PDF-1.4 avoir"),
        type_pj=CREDIT_NOTE_TYPE_PJ,
        ref_compta=ref,
    )
    header = PesHeader(id_post="034000", id_coll="21340172201787", cod_col="123", cod_bud="00")
    report = write_pes([avoir], header, tmp_path, max_bytes=1024 * 1024, now=datetime(2025, 3, 14))

    [pj] = read_pes(report.files[0].path).pjs
    [written] = pj.ref_comptas
    assert (pj.type_pj, written.domaine, written.type_objet, written.identifiant) == ("003", "01", "02", "87")
    assert validate_pes(report.files[0].path, shared_path("pes", "xsd", "schemas_pes_v5.17")) == []


def test_a_credit_note_against_a_closed_exercice_leaves_the_expense_side():
    assert reduces_closed_exercice(2024, 2025)
    assert not reduces_closed_exercice(2025, 2025)
