from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts import public_structures
from accounts.directory import DirectoryError, decode, read_directory
from accounts.public_structures import StructureOutcome


class Command(BaseCommand):
    help = (
        "Create or update public structures (with their services and routing flags) from a CSV extract of "
        "the directory of public bodies. All or nothing; running the same file again changes nothing. "
        "See the README for the columns."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: one row per service, see the README for the columns.")
        parser.add_argument(
            "--support",
            metavar="EMAIL",
            help="The support account (is_staff) that holds new structures until claimed; "
            "needed when there is more than one.",
        )
        parser.add_argument("--encoding", default="utf-8-sig", help="Encoding of the file (default UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change, write nothing.")
        parser.add_argument("--lang", choices=[code for code, _name in settings.LANGUAGES], default="fr")

    def handle(self, *args, file, support=None, encoding="utf-8-sig", dry_run=False, lang="fr", **options):
        with translation.override(lang):
            return self._run(Path(file), support, encoding, dry_run, int(options.get("verbosity", 1)))

    def _run(self, path: Path, support: str | None, encoding: str, dry_run: bool, verbosity: int):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        try:
            actor = public_structures.support_account(support)
            entries = read_directory(decode(data, encoding))
            report = public_structures.import_public_structures(
                entries, actor=actor, source=path.name, dry_run=dry_run
            )
        except public_structures.StructureError as error:
            raise CommandError(error.message) from error
        except DirectoryError as error:
            lines = "\n".join(error.lines())
            raise CommandError(
                translation.gettext("%(file)s refusé, rien n'a été importé :\n%(errors)s")
                % {"file": path.name, "errors": lines}
            ) from error
        for outcome in report.outcomes:
            if outcome.outcome != StructureOutcome.UNCHANGED or verbosity > 1:
                self.stdout.write(outcome.describe())
        summary = report.summary()
        if dry_run:
            summary = translation.gettext("Essai à blanc, rien n'a été écrit : %(summary)s") % {
                "summary": summary
            }
        self.stdout.write(summary)
