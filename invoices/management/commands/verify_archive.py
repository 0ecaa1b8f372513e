"""Re-hash every kept original and attachment; exit non-zero on any file missing, resized or altered.

    manage.py verify_archive [--quiet]

Meant for a scheduled job: a non-zero status is the alarm. Files are read in chunks, one at a time.
"""

from django.core.management.base import BaseCommand, CommandError

from invoices.storage.conservation import verify_stored_files

PROBLEMS = {"missing": "absent", "size": "taille différente", "sha256": "contenu modifié (SHA-256 différent)"}


class Command(BaseCommand):
    help = "Vérifie l'empreinte SHA-256 de chaque fichier conservé."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="n'afficher que les fichiers en défaut")

    def handle(self, *args, quiet, **options):
        checked = failed = 0
        for stored, problem in verify_stored_files():
            checked += 1
            if problem is not None:
                failed += 1
                self.stderr.write(f"DÉFAUT {stored.uuid} {problem.name} : {PROBLEMS[problem.problem]}")
        if not quiet or failed:
            self.stdout.write(f"{checked} fichier(s) vérifié(s), {failed} en défaut.")
        if failed:
            raise CommandError(f"{failed} fichier(s) conservé(s) ne correspondent plus à leur empreinte.")
