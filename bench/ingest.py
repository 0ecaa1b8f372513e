"""Deposit throughput: N generated invoices of each format through the real deposit path, against the bare
validation cost of the same files measured in the same run.

    .venv/bin/python bench/ingest.py [--n 20 100] [--formats facturx cii ubl]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ingest.py

The deposit path is `invoices.deposit.operations.deposit_files`, one deposit per invoice as a supplier would
make them: reading, every validation layer (safe parsing, XSD, EN 16931 / Factur-X schematron, French CTC
rules, Factur-X consistency), routing rules, storage of the original, the invoice row, its history and its
delivery. The bare cost is `bench/ingest_bare.py`'s `bare_validate` (XML out of the PDF, XSD, schematron,
nothing else). Each file is run through both, alternately, so that a busy machine slows both alike.

The database is the bench's own: a temporary SQLite file (WAL journal, synchronous=NORMAL), or, when
DATABASE_URL points at PostgreSQL, a `chorale_bench_<pid>` database created next to it and dropped at the
end; DEBUG is off, as in production. Peak memory is the process's resident set (one worker) after each N:
it must not grow with N. (Saxon's heap grows over the first few hundred documents, in both paths, then
levels off: compare N=100 with --n 20 100 400.)
"""

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(REPO_DIR / "bench"))

from benchdb import BenchDatabase, current_rss_mb, peak_rss_mb  # noqa: E402

FORMATS = ("facturx", "cii", "ubl")
# Invoices of each format run through both paths before measuring (JIT and caches warm, as in a worker).
WARM_UP = 10


def make_world():
    from accounts.models import Membership, Service, Structure, User

    supplier_user = User.objects.create_user("bench-supplier@chorale.test", "bench-password-123")
    supplier = Structure.objects.create(
        kind=Structure.Kind.PRIVATE,
        identifier="12345678200010",
        name="Fournisseur SARL",
        principal_manager=supplier_user,
    )
    Membership.objects.create(user=supplier_user, structure=supplier, role=Membership.Role.MANAGER)
    manager = User.objects.create_user("bench-buyer@chorale.test", "bench-password-123")
    recipient = Structure.objects.create(
        kind=Structure.Kind.PUBLIC,
        identifier="98765432400019",
        name="Commune de Test",
        principal_manager=manager,
        code_service_obligatoire=True,
    )
    Membership.objects.create(user=manager, structure=recipient, role=Membership.Role.MANAGER)
    Service.objects.create(structure=recipient, code="SERV01", name="Services techniques")
    return supplier_user


def generate(kind: str, n: int, offset: int) -> list[bytes]:
    from invoices.formats import samples

    makers = {"facturx": samples.facturx_pdf, "cii": samples.cii_invoice, "ubl": samples.ubl_invoice}
    return [makers[kind](number=f"BENCH-{kind}-{offset + i:06d}") for i in range(n)]


class Clock:
    """Wall-clock and CPU seconds of each `with clock:` block."""

    def __init__(self):
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.walls.append(time.perf_counter() - self._wall)
        self.cpus.append(time.process_time() - self._cpu)

    @property
    def wall(self) -> float:
        return sum(self.walls)

    @property
    def cpu(self) -> float:
        return sum(self.cpus)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.walls) * 1000


def run(kind: str, documents: list[bytes], user) -> tuple[Clock, Clock]:
    """Time bare validation and the deposit path on the same files, alternating between both."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.ingest_bare import bare_validate
    from invoices.deposit.operations import deposit_files
    from invoices.models import Deposit, DepositStatus

    bare, full = Clock(), Clock()
    name = "facture.pdf" if kind == "facturx" else "facture.xml"
    for data in documents:
        with bare:
            failed = bare_validate(data)
        if failed:
            raise SystemExit(f"bare validation failed on a generated {kind} invoice: {failed}")
        upload = SimpleUploadedFile(name, data)
        with full:
            deposit = deposit_files(user, [upload], channel=Deposit.Channel.API)
        if deposit.status != DepositStatus.INTEGRE:
            findings = {f["rule"] for d in deposit.report["documents"] for f in d["findings"]}
            raise SystemExit(f"the deposit of a generated {kind} invoice was refused: {findings}")
    return bare, full


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[20, 100], help="invoices per format, per run")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    args = parser.parse_args(argv)

    database = BenchDatabase(os.environ.get("DATABASE_URL", ""), name="bench")
    try:
        database.setup_django()
        from bench.ingest_bare import bare_validate
        from invoices.deposit.validation import validation_config
        from invoices.formats import validate_document
        from invoices.formats.model import DEFAULT_CEN_CII_XSLT
        from invoices.models import Invoice

        user = make_world()
        # Compile every stylesheet first: both paths are measured warm, as in a long-running worker.
        for kind in args.formats:
            warm = generate(kind, 1, 999_000)[0]
            validate_document(warm, config=validation_config())
            bare_validate(warm, DEFAULT_CEN_CII_XSLT)
            run(kind, generate(kind, WARM_UP, 998_000), user)
        print(
            f"Chorale deposit benchmark: {database.label}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPU(s) {platform.machine()}, load average {os.getloadavg()[0]:.1f}, "
            "one worker process"
        )
        print(f"after warm-up: RSS {current_rss_mb():.0f} MB, peak {peak_rss_mb():.0f} MB")
        header = (
            f"{'N':>5} {'format':8} {'bare inv/s':>10} {'deposit inv/s':>13} {'ratio':>6} "
            f"{'cpu ratio':>9} {'bare ms':>8} {'deposit ms':>10} {'ratio':>6} {'peak RSS MB':>11}"
        )
        print(header)
        print("-" * len(header))
        offset = 0
        for n in args.n:
            for kind in args.formats:
                documents = generate(kind, n, offset)
                offset += n
                gc.collect()  # the garbage of generating the files is not the deposit's to collect
                bare, full = run(kind, documents, user)
                print(
                    f"{n:5} {kind:8} {n / bare.wall:10.1f} {n / full.wall:13.1f} "
                    f"{bare.wall / full.wall:5.2f}x {bare.cpu / full.cpu:8.2f}x "
                    f"{bare.median_ms:8.1f} {full.median_ms:10.1f} "
                    f"{bare.median_ms / full.median_ms:5.2f}x {peak_rss_mb():11.0f}"
                )
        print(f"{Invoice.objects.count()} invoices deposited; RSS now {current_rss_mb():.0f} MB")
        print(
            "inv/s and ratio: throughput over the N files, wall clock (deposit / bare); cpu ratio: the same "
            "in CPU time;\nms: median per invoice, and their ratio (bare / deposit): both steadier than the "
            "wall clock on a shared machine."
        )
    finally:
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
