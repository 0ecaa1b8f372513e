"""`manage.py inspect_pes FILE...`: validate a PES_Aller file, list its PJ, cross-check PJRef and PJ.

Validates against the schemas when `CHORALE_PES_XSD_DIR` (or `--xsd-dir`) is set, lists every PJ with its
name, type, size and the SHA-256 of its decoded content, and checks that every PJRef has its PJ and every
PJ a PJRef or a RefCompta. Exits non-zero when anything is wrong.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from invoices.pes import core as pes


def problems_of(pes_file: pes.PesFile) -> list[str]:
    """What is wrong in a file already read (schema errors apart)."""
    problems = [f"PJ {pj.id_unique or '?'} ({pj.nom_pj}): {pj.error}" for pj in pes_file.pjs if pj.error]
    problems += [f"IdUnique used by several PJ: {i}" for i in pes_file.duplicate_id_uniques]
    if pes_file.carries_pieces:
        problems += [
            f"PJRef {ref.id_unique} (pièce {ref.id_pce}) has no PJ in this file"
            for ref in pes_file.pj_refs_without_pj
        ]
        problems += [
            f"PJ {pj.id_unique} ({pj.nom_pj}) is referenced by no PJRef" for pj in pes_file.pjs_without_ref
        ]
    if not pes_file.pjs and not pes_file.carries_pieces:
        problems.append("the file carries neither PJ nor pièces")
    return problems


class Command(BaseCommand):
    help = "Validate a PES_Aller file against the PES schemas, list its PJ and cross-check PJRef and PJ."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--xsd-dir", help="The schema folder (default: the CHORALE_PES_XSD_DIR setting).")
        parser.add_argument(
            "--json", action="store_true", help="Print a JSON summary instead of the text report."
        )

    def handle(self, *args, files, xsd_dir=None, **options):
        as_json = options["json"]
        xsd_dir = xsd_dir or settings.CHORALE_PES_XSD_DIR or None
        failed = 0
        summaries = []
        for path in files:
            summary, problems = self._inspect(path, xsd_dir, as_json=as_json)
            summaries.append(summary)
            failed += bool(problems)
        if as_json:
            self.stdout.write(json.dumps(summaries, ensure_ascii=False, indent=2))
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) have problems")

    def _inspect(self, path, xsd_dir, *, as_json: bool):
        problems = []
        schema = "not checked (CHORALE_PES_XSD_DIR not set)"
        if xsd_dir:
            try:
                errors = pes.validate_pes(path, xsd_dir)
            except pes.SchemaNotFoundError as error:
                raise CommandError(str(error)) from error
            schema = "valid (PES_Aller.xsd)" if not errors else "INVALID"
            problems += [f"schema: {e}" for e in errors]
        try:
            read = pes.read_pes(path)
        except (pes.PesError, OSError) as error:
            problems.append(str(error))
            read = None
        if read is not None:
            problems += problems_of(read)
        if not as_json:
            if read is not None:
                self.stdout.write(pes.format_report(read).rstrip("\n"))
            self.stdout.write(f"Schema: {schema}")
            for problem in problems:
                self.stderr.write(f"PROBLEM: {problem}")
            self.stdout.write("Result: OK" if not problems else f"Result: {len(problems)} problem(s)")
            self.stdout.write("")
        summary = {
            "file": str(path),
            "schema": schema,
            "nom_fic": read.nom_fic if read else None,
            "id_coll": read.id_coll if read else None,
            "pj": [
                {
                    "id_unique": pj.id_unique,
                    "nom_pj": pj.nom_pj,
                    "type_pj": pj.type_pj,
                    "mime_type": pj.mime_type,
                    "size": pj.size,
                    "sha256": pj.sha256,
                    "ref_compta": [vars(ref) for ref in pj.ref_comptas],
                }
                for pj in (read.pjs if read else [])
            ],
            "pj_refs": [vars(ref) for ref in (read.pj_refs if read else [])],
            "problems": problems,
        }
        return summary, problems
