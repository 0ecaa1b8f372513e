"""The demo world loaded by `manage.py load_demo` (demo only: these secrets are public)."""

import base64

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import public_structures
from accounts.comptables import attach_public_accountant
from accounts.models import Membership, Service, Structure, User
from accounts.payment_terms import PaymentCategory

DEMO_PASSWORD = "chorale-demo-2026"

# persona -> (e-mail, base32 TOTP secret to type into an authenticator app)
DEMO_USERS = {
    "supplier": ("fournisseur@chorale.demo", "MZXXK4TONFZXGZLVOIWWG2DPOJQWYZJN"),
    "accountant": ("comptable@chorale.demo", "MNXW24DUMFRGYZJNMNUG64TBNRSS2ZDF"),
    "manager": ("gestionnaire@chorale.demo", "M5SXG5DJN5XG4YLJOJSS2Y3IN5ZGC3DF"),
    "support": ("support@chorale.demo", "ON2XA4DPOJ2C2Y3IN5ZGC3DFFVSGK3LP"),
    "supplier2": ("commercial@infoserv.chorale.demo", "MNXW23LFOJRWSYLMFVRWQ33SMFWGKLJS"),
    "public_accountant": ("tresorerie@dgfip.chorale.demo", "ORZGK43POJSXE2LFFVRWQ33SMFWGKLLE"),
}

VILLEBELLE_SIRET = "21350001000011"
SYNDICAT_SIRET = "25690002800018"
DURAND_SIRET = "41234567000019"
INFOSERV_SIRET = "52345678800018"
HOPITAL_SIRET = "26130005700013"
SEM_SIRET = "51234567900017"
# The poste comptable (IdPost) of Villebelle and its hospital: the demo public accountant keeps both.
VILLEBELLE_POSTE = "013000"

_NAMES = {
    "supplier": ("Camille", "Durand"),
    "accountant": ("Dominique", "Martin"),
    "manager": ("Claude", "Bernard"),
    "support": ("Sacha", "Support"),
    "supplier2": ("Alex", "Petit"),
    "public_accountant": ("Morgane", "Trésor"),
}


def _user(persona: str) -> User:
    email, secret = DEMO_USERS[persona]
    first, last = _NAMES[persona]
    user, _ = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    if persona == "support":
        user.is_staff = user.is_superuser = True
    user.save()
    key = base64.b32decode(secret).hex()
    TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
    TOTPDevice.objects.get_or_create(
        user=user, key=key, defaults={"name": "Application de démonstration", "confirmed": True}
    )
    return user


def _attach(
    user: User, structure: Structure, *, role, admin: bool, deposit: bool, triage: bool, export_pes: bool
):
    Membership.objects.update_or_create(
        user=user,
        structure=structure,
        defaults={
            "role": role,
            "is_active": True,
            "can_admin": admin,
            "can_deposit": deposit,
            "can_triage": triage,
            "can_export_pes": export_pes,
        },
    )


def _structure(identifier: str, principal: User, **fields) -> Structure:
    structure, _ = Structure.objects.update_or_create(
        id_type=Structure.IdType.SIRET,
        identifier=identifier,
        defaults={"principal_manager": principal, "kind": Structure.Kind.PRIVATE, **fields},
    )
    _attach_principal(principal, structure)
    return structure


def _public_structure(identifier: str, principal: User, *, support: User, **fields) -> Structure:
    """Created the way support creates a public body, then handed over to its manager as a claim would."""
    structure = Structure.objects.filter(id_type=Structure.IdType.SIRET, identifier=identifier).first()
    if structure is None:
        structure = public_structures.create_public_structure(actor=support, identifier=identifier, **fields)
    else:
        Structure.objects.filter(pk=structure.pk).update(**fields)
        structure.refresh_from_db()
    if public_structures.is_awaiting_claim(structure):
        structure = public_structures.hand_over_public_structure(
            structure, principal, actor=support, notify=False
        )
    _attach_principal(principal, structure)
    return structure


def _attach_principal(principal: User, structure: Structure) -> None:
    _attach(
        principal,
        structure,
        role=Membership.Role.MANAGER,
        admin=True,
        deposit=True,
        triage=True,
        export_pes=structure.is_public,
    )


@transaction.atomic
def load_people_and_structures() -> dict:
    """Users, structures, services and attachments; idempotent."""
    users = {persona: _user(persona) for persona in DEMO_USERS}
    villebelle = _public_structure(
        VILLEBELLE_SIRET,
        users["manager"],
        support=users["support"],
        name="Commune de Villebelle",
        address="1 place de la Mairie",
        postal_code="13999",
        town="Villebelle",
        code_service_obligatoire=True,
        engagement_obligatoire=True,
        gestion_mise_en_paiement=True,
        pes_id_post=VILLEBELLE_POSTE,
        pes_cod_col="123",
        pes_cod_bud="01",
        pes_libelle_col_bud="VILLEBELLE BUDGET PRINCIPAL",
    )
    syndicat = _public_structure(
        SYNDICAT_SIRET,
        users["manager"],
        support=users["support"],
        name="Syndicat des eaux du Val",
        address="12 route du Barrage",
        postal_code="69999",
        town="Val-sur-Rhône",
        pes_id_post="069000",
        pes_cod_col="456",
        pes_cod_bud="02",
        pes_libelle_col_bud="SYNDICAT EAUX DU VAL",
    )
    # One structure of each délai category (R. 2192-10 and R. 2192-11): the commune and the syndicate have
    # 30 days, the hospital 50, the public undertaking 60.
    hopital = _structure(
        HOPITAL_SIRET,
        users["manager"],
        kind=Structure.Kind.PUBLIC,
        name="Centre hospitalier de Villebelle",
        address="2 avenue des Tilleuls, 13999 Villebelle",
        payment_category=PaymentCategory.HEALTH,
        pes_id_post=VILLEBELLE_POSTE,
        pes_cod_col="789",
        pes_cod_bud="03",
        pes_libelle_col_bud="CH VILLEBELLE BUDGET H",
    )
    sem = _structure(
        SEM_SIRET,
        users["manager"],
        kind=Structure.Kind.PUBLIC,
        name="Société des transports du Val (SEM)",
        address="5 quai de la Gare, 69999 Val-sur-Rhône",
        payment_category=PaymentCategory.PUBLIC_UNDERTAKING,
    )
    durand = _structure(
        DURAND_SIRET,
        users["supplier"],
        name="Atelier Durand SARL",
        address="8 rue des Artisans",
        postal_code="13100",
        town="Aix-en-Provence",
        vat_number="FR32412345678",
    )
    infoserv = _structure(
        INFOSERV_SIRET,
        users["supplier2"],
        name="Informatique Services SAS",
        address="40 avenue du Numérique",
        postal_code="69003",
        town="Lyon",
        vat_number="FR44523456789",
    )
    services = {}
    for structure, code, name in [
        (villebelle, "VOIRIE", "Voirie et espaces verts"),
        (villebelle, "ECOLES", "Écoles et restauration scolaire"),
        (villebelle, "CULTURE", "Culture et médiathèque"),
        (syndicat, "EXPLOITATION", "Exploitation du réseau"),
    ]:
        services[code], _ = Service.objects.update_or_create(
            structure=structure, code=code, defaults={"name": name, "is_active": True}
        )
    for structure in (villebelle, syndicat, hopital, sem):
        _attach(
            users["accountant"],
            structure,
            role=Membership.Role.USER,
            admin=False,
            deposit=False,
            triage=True,
            export_pes=True,
        )
    attach_public_accountant(users["public_accountant"], id_post=VILLEBELLE_POSTE, actor=users["support"])
    return {
        "users": users,
        "villebelle": villebelle,
        "syndicat": syndicat,
        "hopital": hopital,
        "sem": sem,
        "durand": durand,
        "infoserv": infoserv,
        "services": services,
    }
