"""The deposit path's cost outside validation: routing, the database and the rest, per deposit.

    .venv/bin/python bench/ingest_phases.py [--n 150] [--formats cii]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ingest_phases.py

`bench/ingest.py` times whole deposits, where the validation in the pool's worker (two thirds of the time) and
the machine's load hide a change of a millisecond or two in the rest. This one deposits the same generated
invoices through `deposit_files` and subtracts, deposit by deposit, the time of the worker's validation
(`validate_bounded`, timed by a wrapper, in the thread that waits for it while the deposit reads what needs no
validation result): what is left is what the deposit adds to its validation, reading, routing, quota, storage
and recording. Run it on two versions of the code back to back to compare them. Same throw-away database as
`bench/ingest.py`; 10 invoices of warm-up first.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(REPO_DIR / "bench"))

from benchdb import BenchDatabase  # noqa: E402
from ingest import FORMATS, WARM_UP, generate, make_world  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=150, help="deposits measured per format")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=["cii"])
    args = parser.parse_args(argv)

    database = BenchDatabase(os.environ.get("DATABASE_URL", ""), name="phases")
    try:
        database.setup_django()
        from django.core.files.uploadedfile import SimpleUploadedFile

        from invoices.deposit import operations
        from invoices.deposit.validation_pool import get_pool
        from invoices.models import Deposit, DepositStatus

        user = make_world()
        if not get_pool().wait_until_idle():
            raise SystemExit("the validation workers did not start")
        validate, waits = operations.validate_bounded, []

        def timed_validate(*args, **kwargs):
            started = time.perf_counter()
            try:
                return validate(*args, **kwargs)
            finally:
                waits.append(time.perf_counter() - started)

        operations.validate_bounded = timed_validate
        print(f"{database.label}, load average {os.getloadavg()[0]:.1f}")
        offset = 0
        for kind in args.formats:
            name = "facture.pdf" if kind == "facturx" else "facture.xml"
            rest = []
            for index, data in enumerate(generate(kind, WARM_UP + args.n, offset)):
                waits.clear()
                started = time.perf_counter()
                deposit = operations.deposit_files(
                    user, [SimpleUploadedFile(name, data)], channel=Deposit.Channel.API
                )
                if deposit.status != DepositStatus.INTEGRE:
                    raise SystemExit(f"the deposit of a generated {kind} invoice was refused")
                if index >= WARM_UP:
                    rest.append((time.perf_counter() - started - sum(waits)) * 1000)
            offset += WARM_UP + args.n
            rest.sort()
            print(
                f"{kind:8} outside validation, ms per deposit: median {statistics.median(rest):.2f}, "
                f"10th percentile {rest[len(rest) // 10]:.2f}, min {rest[0]:.2f}"
            )
    finally:
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
