"""Provision a technical account for the Chorus Pro-compatible API and print its credentials, once, as JSON.

    manage.py create_cpro_credentials --structure 12345678900011 --name "Odoo" --rights deposit

Prints `client_id`, `client_secret` (the OAuth2 client for /api/oauth/token), `login` and `password` (the
`cpro-account` header), the password's expiry date and the account's API token. Secrets are stored hashed:
this is the only time they are shown. Errors go to stderr with a non-zero exit status.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts import access, cpro_identity, identifiers, services
from accounts.models import Structure


class Command(BaseCommand):
    help = (
        "Crée un compte technique pour l'API compatible Chorus Pro et affiche ses identifiants en JSON "
        "(une seule fois)."
    )

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
            _user, credentials = cpro_identity.create_cpro_credentials(
                target, actor=None, name=name, rights=wanted
            )
        except services.StructureError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(credentials, indent=2))
