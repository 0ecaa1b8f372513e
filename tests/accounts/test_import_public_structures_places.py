"""The directory extract may carry each structure's postcode and town (`code_postal`, `ville`), which the
directory of recipients searches; columns left out leave them as they are."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Structure
from tests.factories import support_user

pytestmark = pytest.mark.django_db
SIRET = "21350001000011"


def run(tmp_path, text):
    path = tmp_path / "annuaire.csv"
    path.write_text(text, encoding="utf-8")
    call_command("import_public_structures", str(path), stdout=io.StringIO())


def test_the_postcode_and_town_are_imported_then_updated(tmp_path):
    support_user()
    run(tmp_path, f"siret;raison_sociale;code_postal;ville\n{SIRET};Commune de Villebelle;13999;Villebelle\n")
    structure = Structure.objects.get(identifier=SIRET)
    assert (structure.postal_code, structure.town) == ("13999", "Villebelle")

    run(tmp_path, f"siret;raison_sociale;ville\n{SIRET};Commune de Villebelle;Villebelle-sur-Mer\n")

    structure.refresh_from_db()
    assert (structure.postal_code, structure.town) == ("13999", "Villebelle-sur-Mer")


def test_a_postcode_too_long_refuses_the_file(tmp_path):
    support_user()
    with pytest.raises(CommandError, match="code_postal"):
        run(tmp_path, f"siret;raison_sociale;code_postal\n{SIRET};Commune;12345678901\n")
    assert not Structure.objects.exists()
