"""`manage.py generate_load N [--structures K] [--suppliers M] [--seed S]`: realistic invoices for load tests.

Uses the existing public and private structures first (the demo's, say), creates the rest; the counters are
filled with the invoices, so `recount_statuses --check` passes afterwards. For benchmarks and development,
never on a production database.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from portal.load import generate


class Command(BaseCommand):
    help = "Generate N realistic invoices (three years, skewed suppliers, history rows) for load tests."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="Number of invoices to create.")
        parser.add_argument("--structures", type=int, default=20, help="Recipient public structures (20).")
        parser.add_argument("--suppliers", type=int, default=1000, help="Supplier companies (1000).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for a reproducible load.")

    def handle(self, *args, count, structures, suppliers, seed, **options):
        if count < 0 or structures < 1 or suppliers < 1:
            raise CommandError("N ≥ 0, --structures ≥ 1 and --suppliers ≥ 1.")
        started = time.perf_counter()

        def progress(done, events):
            if options["verbosity"] > 1:
                self.stdout.write(
                    f"{done} invoices, {events} history rows ({time.perf_counter() - started:.0f} s)"
                )

        events = generate(count, structures=structures, suppliers=suppliers, seed=seed, progress=progress)
        if options["verbosity"]:
            self.stdout.write(
                f"{count} invoices and {events} history rows in {time.perf_counter() - started:.1f} s."
            )
