"""Deposit throughput: N generated invoices of each format through the real deposit path, against the bare
validation cost of the same files with the same official artefacts, measured in the same run.

    .venv/bin/python bench/ingest.py [--n 20 100] [--formats facturx cii ubl] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ingest.py

The deposit path is `invoices.deposit.operations.deposit_files`: reading, validation in a worker of the
bounded pool (safe parsing, XSD, the profile's schematron, the French CTC schematron, Factur-X consistency,
field extraction, and the result sent back), routing rules, storage of the original, the invoice row, its
history and its delivery. The bare cost is `bench/ingest_bare.py`'s `bare_validate`: the XML out of the PDF,
the XSD, and the same two schematron stylesheets the deposit path runs for that profile (the profile's, then
BR-FR CTC), called straight with lxml and saxonche in this process, nothing else. Both are warm (every
stylesheet compiled, then WARM_UP invoices of each format through both), as in a long-lived worker.

Two tables, as invoices arrive:
- one deposit per invoice (the API's `POST /api/v1/invoices/`): each file goes through both sides in turn, so
  that a busy machine slows both alike; a deposit then waits for its one validation, in one worker;
- one deposit of N invoices (a ZIP or several files on the web, a Chorus Pro flux): the bare side validates
  the N files one after the other, then the deposit takes them all, --repeat times over; its validations run
  on the pool's workers at once while this process routes and records.

Wall clock: throughput over the N files, and the min and median milliseconds per invoice (per file in the
first table, per deposit of N divided by N in the second). CPU: the deposit side's validation runs in the
pool's worker processes, which this process's CPU clock does not see, so the deposit side's CPU is this
process's CPU during its deposits plus all the CPU its pool workers used during the run (live workers from
/proc, replaced ones from RUSAGE_CHILDREN; they work only for deposits). The PostgreSQL server's CPU is
counted on neither side. The bare side uses one CPU; the deposit of N uses as many as the pool has workers
(and this process): the cpu ratio column is the like-for-like cost, the ratio column the throughput.

The database is the bench's own: a temporary SQLite file (WAL journal, synchronous=NORMAL), or, when
DATABASE_URL points at PostgreSQL, a `chorale_bench_<pid>` database created next to it and dropped at the
end; DEBUG is off, as in production. Memory: the resident set of this process (the bare side's compiled
stylesheets) and of the largest pool worker after each N; neither must grow with N. (Saxon's heap grows over
the first few hundred documents, then levels off: compare N=100 with --n 20 100 400.)
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

from benchdb import BenchDatabase, children_cpu_seconds, current_rss_mb, peak_rss_mb  # noqa: E402

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
    """Wall-clock and CPU seconds of each `with clock:` block of `per` invoices; `extra_cpu` is CPU spent
    elsewhere for it."""

    def __init__(self, per: int = 1):
        self.per = per
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.extra_cpu = 0.0

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
        return sum(self.cpus) + self.extra_cpu

    @property
    def min_ms(self) -> float:
        return min(self.walls) * 1000 / self.per

    @property
    def median_ms(self) -> float:
        return statistics.median(self.walls) * 1000 / self.per


def run(kind: str, documents: list[bytes], user) -> tuple[Clock, Clock]:
    """Time bare validation and the deposit path on the same files, alternating between both."""
    from invoices.deposit.operations import deposit_files
    from invoices.models import Deposit

    bare, full = Clock(), Clock()
    workers_cpu = children_cpu_seconds()
    for data in documents:
        with bare:
            _bare(kind, data)
        with full:
            deposit = deposit_files(user, _uploads(kind, [data]), channel=Deposit.Channel.API)
        _integrated(kind, deposit)
    full.extra_cpu = children_cpu_seconds() - workers_cpu
    return bare, full


def run_together(kind: str, documents: list[bytes], user, repeat: int) -> tuple[Clock, Clock]:
    """Time bare validation of the files one by one, then one deposit of them all, `repeat` times over."""
    from invoices.deposit.operations import deposit_files
    from invoices.models import Deposit

    n = len(documents) // repeat
    bare, full = Clock(per=n), Clock(per=n)
    for start in range(0, n * repeat, n):
        batch = documents[start : start + n]
        with bare:
            for data in batch:
                _bare(kind, data)
        uploads = _uploads(kind, batch)
        workers_cpu = children_cpu_seconds()
        with full:
            deposit = deposit_files(user, uploads, channel=Deposit.Channel.API)
        full.extra_cpu += children_cpu_seconds() - workers_cpu
        _integrated(kind, deposit)
    return bare, full


def _bare(kind: str, data: bytes) -> None:
    from bench.ingest_bare import bare_validate

    failed = bare_validate(data)
    if any(failed.values()):
        raise SystemExit(f"bare validation failed on a generated {kind} invoice: {failed}")


def _uploads(kind: str, documents: list[bytes]) -> list:
    from django.core.files.uploadedfile import SimpleUploadedFile

    extension = "pdf" if kind == "facturx" else "xml"
    return [SimpleUploadedFile(f"facture-{i}.{extension}", data) for i, data in enumerate(documents)]


def _integrated(kind: str, deposit) -> None:
    from invoices.models import DepositStatus

    if deposit.status != DepositStatus.INTEGRE:
        findings = {f["rule"] for d in deposit.report["documents"] for f in d["findings"]}
        raise SystemExit(f"the deposit of generated {kind} invoices was refused: {findings}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[20, 100], help="invoices per format, per run")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--repeat", type=int, default=3, help="deposits of N invoices, per format and N")
    args = parser.parse_args(argv)

    database = BenchDatabase(os.environ.get("DATABASE_URL", ""), name="bench")
    try:
        database.setup_django()
        from bench.ingest_bare import bare_validate
        from invoices.deposit.validation_pool import get_pool
        from invoices.models import Invoice

        user = make_world()
        pool = get_pool()
        if not pool.wait_until_idle():
            raise SystemExit("the validation workers did not start")
        # Every stylesheet compiled first, on both sides, then a few invoices through both: warm, as in a
        # long-running worker.
        for kind in args.formats:
            bare_validate(generate(kind, 1, 999_000)[0])
            run(kind, generate(kind, WARM_UP, 998_000), user)
        print(
            f"Chorale deposit benchmark: {database.label}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPU(s) {platform.machine()}, load average {os.getloadavg()[0]:.1f}, "
            f"{pool.size} validation workers"
        )
        print(f"after warm-up: RSS {current_rss_mb():.0f} MB, workers {_workers_mb(pool)} MB")
        offset, replaced = 0, pool.replaced
        tables = (
            ("One deposit per invoice", lambda kind, documents: run(kind, documents, user), 1),
            (
                f"One deposit of N invoices, {args.repeat} times over",
                lambda kind, documents: run_together(kind, documents, user, args.repeat),
                args.repeat,
            ),
        )
        for title, measure, repeat in tables:
            print(f"\n{title}:")
            print(HEADER)
            print("-" * len(HEADER))
            for n in args.n:
                for kind in args.formats:
                    documents = generate(kind, n * repeat, offset)
                    offset += n * repeat
                    gc.collect()  # the garbage of generating the files is not the deposit's to collect
                    bare, full = measure(kind, documents)
                    print(_row(n, kind, len(documents), bare, full, pool))
        print(
            f"\n{Invoice.objects.count()} invoices deposited; peak RSS {peak_rss_mb():.0f} MB; "
            f"validation workers replaced during the runs: {pool.replaced - replaced}"
        )
        print(
            "inv/s: throughput over the N files (wall clock); ratio: deposit / bare throughput (target "
            ">= 0.9x);\ncpu ratio: the same in CPU time, the pool workers' included (the bare side runs on "
            "one CPU, a deposit of N\non the pool's workers at once); ms: per invoice, min and median, and "
            "their ratios (bare / deposit);\nRSS: this process; worker MB: the largest pool worker's "
            "resident set."
        )
    finally:
        database.drop()
    return 0


HEADER = (
    f"{'N':>5} {'format':8} {'bare inv/s':>10} {'deposit inv/s':>13} {'ratio':>6} {'cpu ratio':>9} "
    f"{'bare ms min/med':>15} {'deposit ms min/med':>18} {'ratio min/med':>13} {'RSS MB':>6} {'worker MB':>9}"
)


def _row(n: int, kind: str, count: int, bare: Clock, full: Clock, pool) -> str:
    return (
        f"{n:5} {kind:8} {count / bare.wall:10.1f} {count / full.wall:13.1f} "
        f"{bare.wall / full.wall:5.2f}x {bare.cpu / full.cpu:8.2f}x "
        f"{bare.min_ms:7.1f} /{bare.median_ms:6.1f} {full.min_ms:10.1f} /{full.median_ms:6.1f} "
        f"{bare.min_ms / full.min_ms:6.2f}x/{bare.median_ms / full.median_ms:4.2f}x "
        f"{current_rss_mb():6.0f} {max(_workers_mb(pool)):9.0f}"
    )


def _workers_mb(pool) -> list[int]:
    return sorted(round(mb) for mb in pool.state()["idle_rss_mb"].values()) or [0]


if __name__ == "__main__":
    sys.exit(main())
