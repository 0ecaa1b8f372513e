"""A written file that does not validate against the configured schemas is never offered, and is journaled."""

import pytest

from accounts.models import Membership, SecurityEvent
from invoices.models import PesExport, PesFile
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from tests.factories import MembershipFactory
from tests.factories_pes import accepted_invoice, pes_structure

pytestmark = pytest.mark.django_db

# A schema set that refuses every PES_Aller: what a deployment with a newer DGFiP schema set would do to a
# file shape it no longer accepts.
STRICTER_SCHEMA = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller">
  <xs:element name="PES_Aller">
    <xs:complexType>
      <xs:sequence><xs:element name="Nouveau" form="unqualified"/></xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def test_a_file_that_does_not_validate_is_not_kept_and_the_error_is_journaled(settings, tmp_path):
    entry = tmp_path / "xsd" / "PES_V2" / "Rev0" / "PES_Aller.xsd"
    entry.parent.mkdir(parents=True)
    entry.write_text(STRICTER_SCHEMA)
    settings.CHORALE_PES_XSD_DIR = str(tmp_path / "xsd")
    structure = pes_structure()
    accountant = MembershipFactory(structure=structure, role=Membership.Role.USER, can_export_pes=True).user
    invoice = accepted_invoice(structure)

    with pytest.raises(pes_scope.InvalidPesFile) as refused:
        pes_export.export_pes(structure, actor=accountant)

    assert "n'est pas conforme au schéma PES_Aller" in refused.value.message
    assert refused.value.details
    assert not PesExport.objects.exists() and not PesFile.objects.exists()
    assert not pes_scope.is_exported(invoice)
    assert not list((tmp_path / "media").rglob("*.xml"))
    journal = SecurityEvent.objects.get(user=accountant, kind=SecurityEvent.Kind.OTHER)
    assert "non conforme" in journal.detail and structure.identifier in journal.detail
