"""PES export throughput and memory: 10, 100 and 1,000 accepted invoices exported through `export_pes`.

    .venv/bin/python bench/pes_export.py [--n 10 100 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pes_export.py

The database is the bench's own: a temporary SQLite file, or, when DATABASE_URL points at PostgreSQL, a
`chorale_bench_pes_<pid>` database created next to it and dropped at the end. The invoices carry real
generated originals (Factur-X PDFs, CII and UBL XML, plain PDFs; a few files shared by many invoices to save
generation time); CII and UBL invoices also get the portal's PDF rendering, made during the export. Each set
is exported as one structure's export, through the real path: selection, documents from storage, gzip+base64
streaming, XSD validation of every file when the schemas are found (CHORALE_PES_XSD_DIR, else
../shared/pes/xsd), storage of the files, marking of the invoices.

Each count is exported twice, on fresh invoices: once timed, with the kernel's peak-RSS counter reset just
before (`peak RSS`, and its growth over the RSS before the export), once under tracemalloc for the Python
heap's high-water mark (`tracemalloc peak`; tracing slows that run, so it is not timed). The documents never
sit in memory whole (read, gzipped and base64-encoded chunk by chunk); what grows with the count is only
per-document bookkeeping, a few kB per invoice: the writer's report and the PJ list kept on the export.
"""

import argparse
import os
import platform
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_XSD = REPO_DIR.parent / "shared" / "pes" / "xsd" / "schemas_pes_v5.17"
sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(REPO_DIR / "bench"))

from benchdb import BenchDatabase, current_rss_mb, peak_rss_mb  # noqa: E402

# Share of each format among the invoices, and how many distinct files of each are generated.
MIX = (("facturx", 4), ("cii", 2), ("ubl", 2), ("pdf", 2))


def pes_environ() -> dict:
    """Validate every file written against the PES schemas when the shared copy is there."""
    if not os.environ.get("CHORALE_PES_XSD_DIR") and SHARED_XSD.is_dir():
        return {"CHORALE_PES_XSD_DIR": str(SHARED_XSD)}
    return {}


def make_world():
    from accounts.models import Membership, Structure, User

    manager = User.objects.create_user("bench-buyer@chorale.test", "bench-password-123")
    recipient = Structure.objects.create(
        kind=Structure.Kind.PUBLIC,
        identifier="21350001000011",
        name="Commune de Banc-d'Essai",
        principal_manager=manager,
        pes_id_post="013000",
        pes_cod_col="123",
        pes_cod_bud="01",
        pes_libelle_col_bud="BUDGET PRINCIPAL",
    )
    Membership.objects.create(
        user=manager, structure=recipient, role=Membership.Role.MANAGER, can_export_pes=True
    )
    supplier_user = User.objects.create_user("bench-supplier@chorale.test", "bench-password-123")
    supplier = Structure.objects.create(
        kind=Structure.Kind.PRIVATE,
        identifier="12345678200010",
        name="Fournisseur SARL",
        principal_manager=supplier_user,
    )
    return recipient, supplier


def make_originals() -> list[tuple[str, object]]:
    """A few real files per format, stored once each (invoices share them, as the size is what matters)."""
    import hashlib

    from django.core.files.base import ContentFile

    from invoices.formats import samples
    from invoices.models import StoredFile

    makers = {
        "facturx": (lambda n: samples.facturx_pdf(number=n), "pdf", "application/pdf"),
        "cii": (lambda n: samples.cii_invoice(number=n), "xml", "application/xml"),
        "ubl": (lambda n: samples.ubl_invoice(number=n), "xml", "application/xml"),
        "pdf": (lambda n: samples.plain_pdf(number=n), "pdf", "application/pdf"),
    }
    originals = []
    for fmt, count in MIX:
        make, ext, content_type = makers[fmt]
        for i in range(count):
            data = make(f"BENCH-{fmt}-{i}")
            stored = StoredFile.objects.create(
                file=ContentFile(data, name="original"),
                original_name=f"facture.{ext}",
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
            originals.append((fmt, stored))
    return originals


def make_invoices(recipient, supplier, originals, n: int, offset: int) -> None:
    from invoices.models import Invoice, InvoiceStatus

    rows = []
    for i in range(n):
        fmt, stored = originals[(offset + i) % len(originals)]
        rows.append(
            Invoice(
                number=f"BENCH-{offset + i:07d}",
                year=2026,
                format=fmt,
                supplier=supplier,
                recipient=recipient,
                issue_date=date(2026, 3, 14),
                seller_name=supplier.name,
                seller_siret=supplier.identifier,
                buyer_name=recipient.name,
                buyer_identifier=recipient.identifier,
                original=stored,
                deposited_by=supplier.principal_manager,
                status=InvoiceStatus.SERVICE_FAIT,
            )
        )
    Invoice.objects.bulk_create(rows, batch_size=500)


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter of this process (Linux: writing 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def export(recipient, *, trace: bool) -> tuple[float, float, object]:
    """Seconds of one export (untraced), or the Python heap's peak during it (traced, slower)."""
    from invoices.pes import export as pes_export

    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    done = pes_export.export_pes(recipient, actor=None, shape="pj_list")
    seconds = time.perf_counter() - start
    peak = 0.0
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return seconds, peak, done


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10, 100, 1000], help="invoices per export")
    args = parser.parse_args(argv)

    database = BenchDatabase(os.environ.get("DATABASE_URL", ""), name="bench-pes")
    try:
        database.setup_django(**pes_environ())
        from django.conf import settings

        recipient, supplier = make_world()
        originals = make_originals()
        # Warm-up: schemas compiled, fonts loaded, as in a long-running worker.
        make_invoices(recipient, supplier, originals, len(originals), 9_000_000)
        export(recipient, trace=False)
        xsd = "on" if settings.CHORALE_PES_XSD_DIR else "off (schemas not found)"
        print(
            f"Chorale PES export benchmark — {database.label}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPU(s), {platform.machine()}, {platform.system()} {platform.release()}"
        )
        print(
            f"XSD validation of every file: {xsd}; "
            f"file cap {settings.CHORALE_PES_MAX_FILE_BYTES // 2**20} MB; "
            f"invoices {', '.join(fmt for fmt, _ in MIX)} in turn (CII/UBL also carry their PDF rendering)"
        )
        header = (
            f"{'invoices':>8} {'PJ':>5} {'files':>5} {'output MB':>9} {'seconds':>8} {'invoices/s':>10} "
            f"{'peak RSS MB':>11} {'RSS growth MB':>13} {'tracemalloc peak MB':>19}"
        )
        print(header)
        print("-" * len(header))
        offset = 0
        for n in args.n:
            # Timed run, untraced; the peak RSS counter is reset just before it.
            make_invoices(recipient, supplier, originals, n, offset)
            offset += n
            before = current_rss_mb()
            _reset_peak_rss()
            seconds, _peak, done = export(recipient, trace=False)
            peak_rss = peak_rss_mb()
            # The same count again under tracemalloc, for the Python heap's high-water mark.
            make_invoices(recipient, supplier, originals, n, offset)
            offset += n
            _seconds, heap_peak, _done = export(recipient, trace=True)
            files = list(done.files.all())
            output = sum(f.size for f in files) / 2**20
            print(
                f"{n:8} {done.items.count():5} {len(files):5} {output:9.1f} "
                f"{seconds:8.2f} {n / seconds:10.1f} "
                f"{peak_rss:11.0f} {peak_rss - before:13.1f} {heap_peak:19.1f}"
            )
    finally:
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
