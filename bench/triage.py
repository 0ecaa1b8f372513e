"""Triage at scale: the accountant's pages and a bulk change over 100,000 and 1,000,000 invoices.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/triage.py \
        [--sizes 100000 1000000] [--repeat 30] [--db chorale_triage_bench] [--reuse] [--keep]

The demo world is loaded (`load_demo`), then `generate_load` tops the invoice table up to each size in turn
(the same rows serve the next size: 100,000 then 900,000 more), with the demo's structures among the
recipients and suppliers. Each page is requested through Django's test client against the real views and
middleware, logged in as the demo accountant (*comptable@chorale.demo*: Villebelle and the Syndicat, second
factor passed), DEBUG off: a few warm-up requests, then `--repeat` timed ones (min, median, 95th percentile),
and one more counting its SQL queries. The bulk change is 1,000 invoices just delivered to Villebelle moved
to *prise en compte* through the API (two requests of 500, its limit), repeated on fresh invoices. After it,
the counters are checked against a real count (`recount_statuses --check`).

The database is the bench's own (`--db`, created next to DATABASE_URL's; dropped at the end unless
`--keep`; `--reuse` keeps what an earlier `--keep` run loaded). Without DATABASE_URL a temporary SQLite file
is used (small sizes only: a smoke test of the script).
"""

import argparse
import contextlib
import os
import platform
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(REPO_DIR / "bench"))

from benchdb import BenchDatabase  # noqa: E402

WARM_UP = 3
BULK_SIZE = 1000
API_BULK_LIMIT = 500
BULK_REPEAT = 3
DEEP_PAGES = 50


class TriageDatabase(BenchDatabase):
    """The bench's PostgreSQL database under a fixed name, so that a loaded one can be reused (`--reuse`)."""

    def __init__(self, url: str, *, name: str, reuse: bool):
        if not url.startswith(("postgres://", "postgresql://")):
            super().__init__(url, name="triage")
            self.reused = False
            return
        import tempfile

        self.base_url = url
        self.tmp = Path(tempfile.mkdtemp(prefix="chorale-triage-"))
        self.pg_name = name
        self.url = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        self.reused = bool(exists) and reuse
        if exists and not reuse:
            self._pg(f'DROP DATABASE "{name}"')
        if not self.reused:
            self._pg(f'CREATE DATABASE "{name}"')


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError, StopIteration):
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model or platform.processor()}, {os.cpu_count()} vCPU, {memory:.0f} GB, {platform.system()}, "
        f"Python {platform.python_version()}"
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def logged_in(email: str):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = (
        TOTPDevice.objects.filter(user=user, confirmed=True).first().persistent_id
    )
    session.save()
    return client


def timed(client, urls: list[str], repeat: int) -> dict:
    """min / median / p95 milliseconds over `repeat` requests (cycling through `urls`), and the SQL count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(WARM_UP):
        assert client.get(urls[i % len(urls)]).status_code == 200, urls[0]
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, urls[0]
    with CaptureQueriesContext(connection) as queries:
        client.get(urls[0])
    return {
        "min": min(times),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": len(queries),
    }


def deep_url(client, start: str, pages: int) -> str:
    """The URL of the page `pages` cursors after `start` (following the page's own "next" link)."""
    url = start
    for _ in range(pages):
        body = client.get(url).content.decode()
        found = re.search(r'href="([^"]+)" rel="next"', body)
        if not found:
            break
        url = "/factures/recues/" + found.group(1).replace("&amp;", "&")
    return url


def pages(world) -> dict[str, list[str]]:
    from django.utils import timezone

    from invoices.models import Invoice

    villebelle, accountant_client = world["villebelle"], world["client"]
    year_ago = timezone.localdate() - timedelta(days=365)
    month = year_ago.replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    invoices = list(
        Invoice.objects.filter(recipient=villebelle)
        .order_by("-created_at")
        .values_list("uuid", flat=True)[:20]
    )
    return {
        "received list, first page": ["/factures/recues/"],
        "received list, status filter": ["/factures/recues/?status=service_fait"],
        "received list, supplier filter": ["/factures/recues/?supplier=durand"],
        "received list, date filter": [f"/factures/recues/?received_from={month}&received_to={month_end}"],
        "received list, amount sort": ["/factures/recues/?sort=-amount"],
        f"received list, {DEEP_PAGES} pages deep": [
            deep_url(accountant_client, "/factures/recues/", DEEP_PAGES)
        ],
        "invoice page": [f"/factures/{uuid}/" for uuid in invoices],
        "structure dashboard": [f"/factures/tableau-de-bord/{villebelle.uuid}/"],
        "API list": ["/api/v1/invoices/?direction=received"],
    }


def bulk(world, seed: int) -> dict:
    """1,000 fresh invoices moved through the API in requests of 500: total milliseconds and SQL queries."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.load import deliver_now

    client, totals, queries = world["client"], [], 0
    for round_ in range(BULK_REPEAT):
        ids = deliver_now(
            BULK_SIZE, recipient=world["villebelle"], suppliers=world["suppliers"], seed=seed + round_
        )
        from invoices.models import Invoice

        uuids = [str(u) for u in Invoice.objects.filter(pk__in=ids).values_list("uuid", flat=True)]
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            for start in range(0, len(uuids), API_BULK_LIMIT):
                changes = [
                    {"id": u, "status": "prise_en_compte"} for u in uuids[start : start + API_BULK_LIMIT]
                ]
                response = client.post(
                    "/api/v1/invoices/statuses/",
                    json.dumps({"changes": changes}),
                    content_type="application/json",
                )
                assert response.status_code == 200 and all(r["ok"] for r in response.json()["results"])
        totals.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return {"min": min(totals), "p50": statistics.median(totals), "p95": max(totals), "queries": queries}


def top_up(size: int, *, structures: int, suppliers: int) -> float:
    from django.core.management import call_command
    from django.db import connection

    from invoices.models import Invoice

    missing = size - Invoice.objects.count()
    if missing <= 0:
        return 0.0
    started = time.perf_counter()
    call_command(
        "generate_load",
        str(missing),
        "--structures",
        str(structures),
        "--suppliers",
        str(suppliers),
        verbosity=0,
    )
    elapsed = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would, sooner: statistics and the visibility map (index-only scans).
            cursor.execute("VACUUM ANALYZE invoices_invoice")
            cursor.execute("VACUUM ANALYZE invoices_invoiceevent")
            cursor.execute("VACUUM ANALYZE invoices_invoicecount")
    return elapsed


def counters_agree() -> bool:
    from invoices.lifecycle import recount

    return not recount.check()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--structures", type=int, default=20)
    parser.add_argument("--suppliers", type=int, default=1000)
    parser.add_argument("--db", default="chorale_triage_bench", help="The bench's PostgreSQL database name.")
    parser.add_argument("--reuse", action="store_true", help="Reuse the invoices of an earlier --keep run.")
    parser.add_argument("--keep", action="store_true", help="Keep the database at the end.")
    args = parser.parse_args(argv)

    database = TriageDatabase(os.environ.get("DATABASE_URL", "sqlite://"), name=args.db, reuse=args.reuse)
    try:
        # Mails are rendered (their cost is part of a bulk change) but not sent anywhere.
        database.setup_django(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        from django.core.management import call_command
        from django.db import connection

        from accounts.models import Structure

        if not Structure.objects.filter(identifier="21350001000011").exists():
            with open(os.devnull, "w") as quiet:
                call_command("load_demo", force=True, stdout=quiet)
        version = ""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = f" {cursor.fetchone()[0].split()[0]}"
        print(f"Chorale triage benchmark: {database.label}{version}; {machine()}")
        print(f"load average at start {os.getloadavg()[0]:.1f}; {args.repeat} timed requests per page\n")
        results: dict[int, dict] = {}
        for size in sorted(args.sizes):
            generated = top_up(size, structures=args.structures, suppliers=args.suppliers)
            world = {
                "villebelle": Structure.objects.get(identifier="21350001000011"),
                "suppliers": list(Structure.objects.filter(kind=Structure.Kind.PRIVATE).order_by("pk")[:50]),
                "client": logged_in("comptable@chorale.demo"),
            }
            visible = _visible_count(world)
            print(
                f"{size:,} invoices ({visible:,} seen by the accountant)"
                + (f", generated in {generated:.0f} s" if generated else "")
            )
            measured = {
                name: timed(world["client"], urls, args.repeat) for name, urls in pages(world).items()
            }
            measured[
                f"bulk change of {BULK_SIZE:,} (API, {BULK_SIZE // API_BULK_LIMIT}×{API_BULK_LIMIT})"
            ] = bulk(world, seed=size)
            results[size] = measured
            print(f"  counters check after the bulk changes: {'OK' if counters_agree() else 'MISMATCH'}")
        print()
        print(table(results))
    finally:
        if not args.keep:
            database.drop()
    return 0


def _visible_count(world) -> int:
    from accounts.access import access_of
    from accounts.models import User
    from invoices.lifecycle import counters

    user = User.objects.get(email="comptable@chorale.demo")
    return sum(counters.received_counts(access_of(user).received_scopes()).values())


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    names = list(results[sizes[0]])
    header = f"{'page':44} {'SQL':>4}" + "".join(f" {f'{s:,}: min / p50 / p95 ms':>30}" for s in sizes)
    if len(sizes) > 1:
        header += f" {'growth p50':>10}"
    lines = [header]
    for name in names:
        row = results[sizes[-1]][name]
        line = f"{name:44} {row['queries']:>4}"
        for size in sizes:
            r = results[size][name]
            line += f" {r['min']:>10.1f} / {r['p50']:>7.1f} / {r['p95']:>7.1f}"
        if len(sizes) > 1:
            line += f" {results[sizes[-1]][name]['p50'] / results[sizes[0]][name]['p50']:>9.2f}x"
        lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
