"""Scheduled PES export: `manage.py export_pes (--structure SIRET | --all) [--since DATE] [--out DIR]`.

Exports, per structure, the accepted invoices not exported yet: mandated ones with RefCompta, the others with
the PJ list for the financial software. Prints one line per file written: path, size, SHA-256, invoices.
"""

import contextlib
import shutil
import uuid
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts.models import Structure
from invoices.models import PesExport
from invoices.pes import export as pes_export
from invoices.pes import report as pes_report
from invoices.pes import scope as pes_scope


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: expected a date as YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = "Export accepted invoices not exported yet as PES V2 PES_Aller files (pièces justificatives)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--structure", metavar="SIRET", help="The public structure's SIRET (or UUID).")
        which.add_argument("--all", action="store_true", help="Every structure whose PES parameters are set.")
        parser.add_argument(
            "--since", type=_date, help="Only invoices whose status changed on or after DATE."
        )
        parser.add_argument("--out", type=Path, help="Also copy the files written into this folder.")
        parser.add_argument(
            "--shape",
            choices=[*PesExport.Shape.values, "both"],
            default="both",
            help="refcompta (mandated invoices), pj_list (the others) or both (default).",
        )

    def handle(self, *args, structure=None, all=False, since=None, out=None, shape="both", **options):
        structures = self._structures(structure, all)
        shapes = PesExport.Shape.values if shape == "both" else [shape]
        filters = pes_scope.ExportFilters(since=since)
        if out:
            out.mkdir(parents=True, exist_ok=True)
        failures = 0
        written = 0
        for target in structures:
            for each in shapes:
                try:
                    export = pes_export.export_pes(target, actor=None, filters=filters, shape=each)
                except pes_scope.NothingToExport:
                    self.stdout.write(f"{target.identifier} {each}: nothing to export")
                    continue
                except pes_scope.PesExportError as error:
                    failures += 1
                    self.stderr.write(f"{target.identifier} {each}: {error.message}")
                    for detail in error.details:
                        self.stderr.write(f"  {detail}")
                    continue
                written += self._print_files(export, out)
        if failures:
            raise CommandError(f"{failures} export(s) failed; {written} file(s) written")

    def _structures(self, key, everything) -> list[Structure]:
        if everything:
            public = Structure.objects.filter(kind=Structure.Kind.PUBLIC, is_active=True).order_by(
                "identifier"
            )
            return [s for s in public if pes_scope.has_pes_parameters(s)]
        lookup = Q(identifier=key.strip())
        with contextlib.suppress(ValueError):
            lookup |= Q(uuid=uuid.UUID(key.strip()))
        target = Structure.objects.filter(lookup, kind=Structure.Kind.PUBLIC).first()
        if target is None:
            raise CommandError(f"No public structure with SIRET {key}")
        try:
            pes_scope.check_pes_parameters(target)
        except pes_scope.PesExportError as error:
            raise CommandError(error.message) from error
        return [target]

    def _print_files(self, export: PesExport, out: Path | None) -> int:
        files = list(export.files.order_by("nom_fic", "pk"))
        invoices = export.report.get("invoice_count", 0)
        for pes_file in files:
            location = pes_file.file.name
            if out:
                destination = out / f"{pes_file.nom_fic}.xml"
                with pes_report.open_pes_file(pes_file) as source, destination.open("wb") as target:
                    shutil.copyfileobj(source, target)
                location = str(destination)
            self.stdout.write(
                f"{location}\t{pes_file.size} bytes\tsha256 {pes_file.sha256}\t"
                f"{export.structure.identifier} {export.shape}, {invoices} invoice(s), export {export.uuid}"
            )
        for line in export.report.get("lines", []):
            if line.get("level") in ("warning", "error"):
                self.stdout.write(f"  {line['level']}: {line['message_en']}")
        return len(files)
