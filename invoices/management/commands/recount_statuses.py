"""`manage.py recount_statuses [--check]`: compare the status counters with a real count, or rebuild them.

With `--check`, prints every counter that differs and exits non-zero if any does (nothing is changed).
Without, replaces the counters by a real count (writes to invoices wait meanwhile).
"""

from django.core.management.base import BaseCommand, CommandError

from invoices.lifecycle import recount

SHOWN = 50


class Command(BaseCommand):
    help = "Check the per-status invoice counters against a real count (--check), or rebuild them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Compare only; exit with status 1 when a counter is wrong."
        )
        parser.add_argument("--database", default=None, help="Database alias (default: the router's).")

    def handle(self, *args, check=False, database=None, **options):
        if not check:
            statuses, running = recount.rebuild(database)
            self.stdout.write(f"Counters rebuilt: {statuses} status rows, {running} running-day rows.")
            return
        differences = recount.check(database)
        if not differences:
            if options["verbosity"]:
                self.stdout.write("Counters agree with a real count.")
            return
        for difference in differences[:SHOWN]:
            self.stderr.write(str(difference))
        if len(differences) > SHOWN:
            self.stderr.write(f"… and {len(differences) - SHOWN} more.")
        raise CommandError(f"{len(differences)} counters differ from a real count.", returncode=1)
