"""What the commands that provision a technical account share: the structure, its name and rights."""

from django.core.management.base import BaseCommand, CommandError

from accounts import access, identifiers, services
from accounts.models import Structure


class TechnicalAccountCommand(BaseCommand):
    """`--structure`, `--id-type`, `--name`, `--rights`; subclasses create the account, print its secret."""

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
            self.stdout.write(self.create(target, name=name, rights=wanted))
        except services.StructureError as error:
            raise CommandError(error.message) from error

    def create(self, structure: Structure, *, name: str, rights: list[str]) -> str:
        """Create the account; return what to print (its secret, shown once)."""
        raise NotImplementedError
