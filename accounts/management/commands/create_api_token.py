"""Provision a technical account for a structure and print its API token, alone, on standard output.

    manage.py create_api_token --structure 12345678900011 --name "Compta" --rights deposit,triage

Scriptable: the token is the only thing written to stdout (once: it is stored hashed); any error goes to
stderr with a non-zero exit status.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts import access, identifiers, services
from accounts.models import Structure


class Command(BaseCommand):
    help = "Crée un compte technique rattaché à une structure et affiche son jeton d'API (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("--structure", required=True, help="SIRET (ou identifiant) de la structure")
        parser.add_argument("--id-type", default=identifiers.SIRET, choices=identifiers.ID_TYPES)
        parser.add_argument("--name", required=True, help="Nom du compte technique (le logiciel)")
        parser.add_argument(
            "--rights",
            default=access.DEPOSIT,
            help=f"Droits séparés par des virgules parmi : {', '.join(access.RIGHTS)} (défaut : deposit)",
        )

    def handle(self, *args, structure, id_type, name, rights, **options):
        identifier = identifiers.normalise(id_type, structure)
        target = Structure.objects.filter(id_type=id_type, identifier=identifier, is_active=True).first()
        if target is None:
            raise CommandError(f"Aucune structure active avec l'identifiant {identifier!r} ({id_type}).")
        wanted = [right.strip() for right in rights.split(",") if right.strip()]
        try:
            _user, token = services.create_technical_account(target, actor=None, name=name, rights=wanted)
        except services.StructureError as error:
            raise CommandError(error.message) from error
        self.stdout.write(token)
