"""Write a structure's yearly archive (originals, attachments, index, SHA-256 manifest) into a folder.

manage.py archive_year --structure 21350001000011 --year 2026 --out /srv/archives
"""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import identifiers
from accounts.models import Structure
from invoices.storage.archive import build_yearly_archive


class Command(BaseCommand):
    help = "Écrit l'archive annuelle d'une structure (ZIP des originaux et pièces, index, manifeste SHA-256)."

    def add_arguments(self, parser):
        parser.add_argument("--structure", required=True, help="SIRET (ou identifiant) de la structure")
        parser.add_argument("--id-type", default=identifiers.SIRET, choices=identifiers.ID_TYPES)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", required=True, help="dossier de destination (existant)")

    def handle(self, *args, structure, id_type, year, out, **options):
        folder = Path(out)
        if not folder.is_dir():
            raise CommandError(f"Dossier introuvable : {out}")
        try:
            identifier = identifiers.normalise(id_type, structure)
        except Exception as exc:
            raise CommandError(f"Identifiant invalide : {structure}") from exc
        target = Structure.objects.filter(id_type=id_type, identifier=identifier).first()
        if target is None:
            raise CommandError(f"Aucune structure {id_type} {identifier}.")
        archive = build_yearly_archive(target, year, directory=str(folder))
        final = folder / archive.filename
        shutil.move(archive.path, final)
        self.stdout.write(f"{final} : {archive.invoices} facture(s), {archive.files} fichier(s).")
