"""`import_pes_ack FILE…`: import Hélios's acknowledgements (PES_ACQUIT) of our PES files.

Each file is read safely, validated against the acknowledgement schema when `CHORALE_PES_XSD_DIR` is set,
matched to the export file it answers by NomFic, and recorded; a refused file stores nothing and makes the
command exit non-zero after the others were tried.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invoices.pes import core as pes
from invoices.pes.acknowledgements import AcknowledgementRefused, import_acknowledgement


class Command(BaseCommand):
    help = "Importe les acquittements Hélios (PES_ACQUIT) des fichiers PES exportés."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Fichiers d'acquittement (XML)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Une ligne JSON par fichier")

    def handle(self, *args, files, as_json=False, **options):
        refused = 0
        for name in files:
            path = Path(name)
            result = {"file": str(path)}
            try:
                if path.stat().st_size > pes.ACQUIT_MAX_BYTES:
                    raise AcknowledgementRefused(f"Fichier trop volumineux ({path.stat().st_size} octets).")
                acknowledgement = import_acknowledgement(path.read_bytes(), actor=None, file_name=path.name)
            except (OSError, AcknowledgementRefused) as exc:
                refused += 1
                result.update(
                    ok=False, error=getattr(exc, "message", str(exc)), details=getattr(exc, "details", [])
                )
            else:
                result.update(
                    ok=True,
                    nom_fic=acknowledgement.pes_file.nom_fic,
                    verdict=acknowledgement.verdict,
                    reopened=[r["number"] for r in acknowledgement.content.get("reopened", [])],
                )
            self._report(result, as_json=as_json)
        if refused:
            raise CommandError(f"{refused} acquittement(s) refusé(s) sur {len(files)}.")

    def _report(self, result: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        elif result["ok"]:
            line = f"{result['file']}: {result['nom_fic']} -> {result['verdict']}"
            if result["reopened"]:
                line += f" ; à réexporter : {', '.join(result['reopened'])}"
            self.stdout.write(line)
        else:
            self.stderr.write(f"{result['file']}: refusé — {result['error']}")
            for detail in result["details"][:5]:
                self.stderr.write(f"  {detail}")
