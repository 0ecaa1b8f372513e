"""`import_public_structures` creates public structures from the directory: idempotent, all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts import public_structures
from accounts.models import Membership, SecurityEvent, Service, Structure
from tests.factories import PublicStructureFactory, StructureFactory, UserFactory, support_user

pytestmark = pytest.mark.django_db

VILLEBELLE = "21350001000011"
SYNDICAT = "25690002800018"
HEADER = "siret;raison_sociale;code_service_obligatoire;engagement_obligatoire;code_service;libelle_service\n"
DIRECTORY = HEADER + (
    f"{VILLEBELLE};Commune de Villebelle;1;1;VOIRIE;Voirie\n"
    f"{VILLEBELLE};Commune de Villebelle;1;1;ECOLES;Écoles\n"
    f"{SYNDICAT};Syndicat des eaux du Val;0;0;;\n"
)


@pytest.fixture
def support(db):
    return support_user()


def run(tmp_path, text, *args, encoding="utf-8"):
    path = tmp_path / "annuaire.csv"
    path.write_bytes(text.encode(encoding))
    out = io.StringIO()
    call_command("import_public_structures", str(path), *args, stdout=out)
    return out.getvalue()


def refused(tmp_path, text, *args) -> str:
    with pytest.raises(CommandError) as raised:
        run(tmp_path, text, *args)
    return str(raised.value)


def test_it_creates_the_structures_with_their_services_and_flags_held_by_support(tmp_path, support):
    out = run(tmp_path, DIRECTORY)

    villebelle = Structure.objects.get(identifier=VILLEBELLE)
    assert (villebelle.kind, villebelle.name) == (Structure.Kind.PUBLIC, "Commune de Villebelle")
    assert villebelle.code_service_obligatoire and villebelle.engagement_obligatoire
    assert sorted(villebelle.services.values_list("code", "name")) == [
        ("ECOLES", "Écoles"),
        ("VOIRIE", "Voirie"),
    ]
    syndicat = Structure.objects.get(identifier=SYNDICAT)
    assert not syndicat.code_service_obligatoire and not syndicat.services.exists()
    for structure in (villebelle, syndicat):
        assert structure.principal_manager == support
        assert Membership.objects.get(structure=structure, user=support).role == Membership.Role.MANAGER
    assert "2 créée(s), 0 modifiée(s), 0 inchangée(s)" in out
    assert "services : 2 ajouté(s)" in out
    assert f"{VILLEBELLE} Commune de Villebelle — créée (services ajoutés : VOIRIE, ECOLES)" in out


def test_running_the_same_file_again_changes_nothing(tmp_path, support):
    run(tmp_path, DIRECTORY)
    before = list(Structure.objects.values()), list(Service.objects.values())

    out = run(tmp_path, DIRECTORY)

    assert (list(Structure.objects.values()), list(Service.objects.values())) == before
    assert "0 créée(s), 0 modifiée(s), 2 inchangée(s)" in out
    assert "services : 0 ajouté(s), 0 modifié(s), 0 réactivé(s), 0 désactivé(s)" in out
    assert VILLEBELLE not in out  # unchanged structures are listed only with -v 2


def test_a_new_extract_updates_names_flags_and_services_and_says_so(tmp_path, support):
    run(tmp_path, DIRECTORY)
    newer = HEADER + (
        f"{VILLEBELLE};Ville de Villebelle;1;0;VOIRIE;Voirie et réseaux\n"
        f"{VILLEBELLE};Ville de Villebelle;1;0;CULTURE;Culture\n"
        f"{SYNDICAT};Syndicat des eaux du Val;0;0;;\n"
    )

    out = run(tmp_path, newer)

    villebelle = Structure.objects.get(identifier=VILLEBELLE)
    assert villebelle.name == "Ville de Villebelle" and not villebelle.engagement_obligatoire
    services = {s.code: (s.name, s.is_active) for s in villebelle.services.all()}
    assert services == {
        "VOIRIE": ("Voirie et réseaux", True),
        "CULTURE": ("Culture", True),
        "ECOLES": ("Écoles", False),  # absent from the directory: deactivated, never deleted
    }
    assert "1 modifiée(s), 1 inchangée(s)" in out
    line = next(line for line in out.splitlines() if line.startswith(VILLEBELLE))
    assert "modifiée" in line and "name, engagement_obligatoire" in line
    assert "services ajoutés : CULTURE" in line
    assert "services modifiés : VOIRIE" in line
    assert "services désactivés : ECOLES" in line

    again = run(tmp_path, DIRECTORY)
    assert Service.objects.get(code="ECOLES").is_active
    assert "services réactivés : ECOLES" in again


def test_columns_absent_from_the_file_are_left_untouched(tmp_path, support):
    run(tmp_path, DIRECTORY)
    Structure.objects.filter(identifier=SYNDICAT).update(gestion_mise_en_paiement=True, address="Au barrage")

    out = run(tmp_path, f"siret;raison_sociale\n{SYNDICAT};Syndicat des eaux du Val\n")

    syndicat = Structure.objects.get(identifier=SYNDICAT)
    assert syndicat.gestion_mise_en_paiement and syndicat.address == "Au barrage"
    assert Structure.objects.get(identifier=VILLEBELLE).services.filter(is_active=True).count() == 2
    assert "1 inchangée(s)" in out


def test_a_claimed_structure_is_left_to_its_managers(tmp_path, support):
    claimed = PublicStructureFactory(identifier=SYNDICAT, name="Syndicat (nom choisi par ses gestionnaires)")

    out = run(tmp_path, DIRECTORY)

    claimed.refresh_from_db()
    assert claimed.name == "Syndicat (nom choisi par ses gestionnaires)"
    assert claimed.principal_manager != support
    assert f"{SYNDICAT} Syndicat (nom choisi par ses gestionnaires) — revendiquée" in out
    assert "1 revendiquée(s)" in out


def test_bad_rows_refuse_the_whole_file_with_their_line_numbers(tmp_path, support):
    text = HEADER + (
        f"{VILLEBELLE};Commune de Villebelle;1;1;VOIRIE;Voirie\n"
        "21350001000012;Commune à la clé fausse;0;0;;\n"
        f"{VILLEBELLE};Commune de Villebel;1;1;ECOLES;Écoles\n"
        f"{SYNDICAT};;0;0;;\n"
        f"{VILLEBELLE};Commune de Villebelle;1;1;voirie;Encore la voirie\n"
        "73282932000074;Mairie;peut-être;0;;\n"
        "73282932000074;Mairie\n"
    )

    message = refused(tmp_path, text)

    assert "rien n'a été importé" in message
    assert "Ligne 3 : 21350001000012 : Ce SIRET est invalide (clé de contrôle de Luhn)." in message
    assert "Ligne 4 : raison_sociale « Commune de Villebel » diffère de la ligne 2" in message
    assert "Ligne 5 : La raison sociale est obligatoire." in message
    assert "Ligne 6 : Le code service voirie figure déjà ligne 2" in message
    assert "Ligne 7 : code_service_obligatoire vaut « peut-être »" in message
    assert "Ligne 8 : 2 colonnes au lieu de 6." in message
    assert not Structure.objects.exists()


def test_a_siret_held_by_a_private_company_is_refused_and_nothing_is_written(tmp_path, support):
    squatter = StructureFactory(identifier=SYNDICAT, name="Squat SARL")

    message = refused(tmp_path, DIRECTORY)

    assert f"Ligne 4 : Le SIRET {SYNDICAT} est déjà inscrit comme entreprise privée « Squat SARL »" in message
    assert list(Structure.objects.all()) == [squatter]


def test_service_code_required_without_any_active_service_is_refused(tmp_path, support):
    message = refused(
        tmp_path, f"siret;raison_sociale;code_service_obligatoire\n{VILLEBELLE};Villebelle;oui\n"
    )

    assert f"Ligne 2 : {VILLEBELLE} : code service obligatoire, mais aucun service actif." in message
    assert not Structure.objects.exists()


def test_an_unknown_or_missing_column_is_refused_on_line_1(tmp_path, support):
    message = refused(tmp_path, "siret;nom;code_servise\n")

    assert "Ligne 1 : Colonnes inconnues : nom, code_servise." in message
    assert "Ligne 1 : Colonnes obligatoires absentes : raison_sociale." in message


def test_commas_and_a_byte_order_mark_are_accepted(tmp_path, support):
    run(
        tmp_path,
        f'\ufeffSIRET,Raison_Sociale,Adresse\n{VILLEBELLE},"Commune de Villebelle","1 place, Mairie"\n',
    )

    assert Structure.objects.get(identifier=VILLEBELLE).address == "1 place, Mairie"


def test_a_dry_run_reports_and_writes_nothing(tmp_path, support):
    out = run(tmp_path, DIRECTORY, "--dry-run")

    assert "Essai à blanc, rien n'a été écrit : 2 créée(s)" in out
    assert not Structure.objects.exists()
    assert not SecurityEvent.objects.exists()


def test_the_import_is_journaled_on_the_support_account(tmp_path, support):
    run(tmp_path, DIRECTORY)

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PUBLIC_STRUCTURES)
    assert (event.user, event.actor) == (support, support)
    assert "annuaire.csv" in event.detail and "2 créée(s)" in event.detail


def test_without_a_support_account_it_says_how_to_create_one(tmp_path):
    message = refused(tmp_path, DIRECTORY)

    assert "Aucun compte du support" in message and "createsuperuser" in message
    assert not Structure.objects.exists()


def test_with_several_support_accounts_it_asks_which_one(tmp_path, support):
    other = UserFactory(is_staff=True)

    assert "--support EMAIL" in refused(tmp_path, DIRECTORY)

    run(tmp_path, DIRECTORY, "--support", other.email)
    assert Structure.objects.get(identifier=VILLEBELLE).principal_manager == other


def test_a_person_who_is_not_support_cannot_hold_the_structures(tmp_path, support):
    person = UserFactory()

    assert "n'est pas un compte actif du support" in refused(tmp_path, DIRECTORY, "--support", person.email)


def test_the_report_speaks_english_on_request(tmp_path, support):
    out = run(tmp_path, DIRECTORY, "--lang", "en")

    assert "2 created, 0 updated, 0 unchanged" in out


def test_the_operation_refuses_an_actor_who_is_not_support():
    with pytest.raises(public_structures.services.NotAllowed):
        public_structures.import_public_structures([], actor=UserFactory())
