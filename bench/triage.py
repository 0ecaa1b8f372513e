"""Triage at scale: the accountant's pages and a bulk change over 100,000 and 1,000,000 invoices.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/triage.py \
        [--sizes 100000 1000000] [--repeat 30] [--db chorale_triage_bench] [--reuse] [--keep]

One database per size: the smallest gets the demo world (`load_demo`) and `generate_load`'s invoices, each
larger one starts as a copy of the one before and is topped up (100,000 rows, then 900,000 more), so rows
are generated once. The demo's structures are among the recipients and suppliers. Each page is requested
through Django's test client against the real views and middleware, logged in as the demo accountant
(*comptable@chorale.demo*: Villebelle and the Syndicat, second factor passed), DEBUG off: a few warm-up
requests, then `--repeat` timed ones (min, median, 95th percentile), and one more counting its SQL
queries. The sizes are measured in turn, request by request, so that a busy neighbour slows them alike:
the growth between sizes is the robust figure. "cpu" is the median CPU time of the web process per request
(the database's time apart), which contention inflates far less than the wall clock.

The bulk change is 1,000 invoices just delivered to Villebelle moved to *prise en compte* through the API
(two requests of 500, its limit), repeated on fresh invoices. After it, the counters are checked against
a real count (`recount_statuses --check`).

The databases are the bench's own (`--db` prefix, created next to DATABASE_URL's; dropped at the end unless
`--keep`; `--reuse` takes up what an earlier `--keep` run loaded). Without DATABASE_URL, temporary SQLite
files are used (small sizes only: a smoke test of the script).
"""

import argparse
import contextlib
import os
import platform
import re
import shutil
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


class SizedDatabases:
    """One database per size, each a copy of the one before, topped up (PostgreSQL: CREATE DATABASE …
    TEMPLATE; SQLite: a file copy), so rows are generated once; Django's connection switches between them."""

    def __init__(self, url: str, *, prefix: str, reuse: bool):
        self.first = BenchDatabase(
            url if url.startswith(("postgres://", "postgresql://")) else "sqlite://", name="triage"
        )
        self.postgres = self.first.pg_name is not None
        if self.postgres:
            # The fixed names below replace BenchDatabase's per-process one (dropped at once).
            self.first._pg(f'DROP DATABASE "{self.first.pg_name}"')
            self.first.pg_name = None
        self.url, self.prefix, self.reuse = url, prefix, reuse
        self.used: list[str] = []

    def name(self, size: int) -> str:
        if self.postgres:
            return f"{self.prefix}_{size // 1000}k" if size < 10**6 else f"{self.prefix}_{size // 10**6}m"
        return str(self.first.tmp / f"triage-{size}.sqlite3")

    def _exists(self, name: str) -> bool:
        if not self.postgres:
            return Path(name).exists()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            return bool(connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())

    def prepare(self, size: int, previous: int | None) -> bool:
        """Make the database of `size` exist (empty, or copied from `previous`'s); False when reused as is."""
        name = self.name(size)
        self.used.append(name)
        if self._exists(name) and self.reuse:
            return False
        if previous:
            from django.db import connection

            connection.close()  # a template database must have no session
        if self.postgres:
            if self._exists(name):
                self.first._pg(f'DROP DATABASE "{name}"')
            template = f' TEMPLATE "{self.name(previous)}"' if previous else ""
            self.first._pg(f'CREATE DATABASE "{name}"{template}')
        elif previous:
            shutil.copyfile(self.name(previous), name)
        return True

    def url_of(self, size: int) -> str:
        if self.postgres:
            return urlunsplit(urlsplit(self.url)._replace(path=f"/{self.name(size)}"))
        return f"sqlite:///{self.name(size)}"

    def use(self, size: int) -> None:
        """Point Django's connection at the database of `size`, connected (so that no timing pays for it)."""
        from django.db import connection

        name = self.name(size)
        if connection.settings_dict["NAME"] != name:
            connection.close()
            connection.settings_dict["NAME"] = name
        connection.ensure_connection()

    def drop(self, keep: bool) -> None:
        from django.db import connections

        connections.close_all()
        if self.postgres and not keep:
            for name in self.used:
                self.first._pg(f'DROP DATABASE IF EXISTS "{name}"')
        if not keep:
            shutil.rmtree(self.first.tmp, ignore_errors=True)


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


def timed(sized: dict, repeat: int) -> dict[int, dict]:
    """Per size: min / median / p95 milliseconds over `repeat` requests, and the SQL count of one.

    `sized` maps each size to (client, urls). The sizes are measured in turn, request by request, so that a
    busy neighbour slows them alike: the growth between sizes is the figure that matters.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: dict[int, list[float]] = {size: [] for size in sized}
    cpus: dict[int, list[float]] = {size: [] for size in sized}
    for size, (client, urls) in sized.items():
        DATABASES.use(size)
        for i in range(WARM_UP):
            assert client.get(urls[i % len(urls)]).status_code == 200, urls[0]
    for i in range(repeat):
        for size, (client, urls) in sized.items():
            DATABASES.use(size)
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(urls[i % len(urls)])
            times[size].append((time.perf_counter() - started) * 1000)
            cpus[size].append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, urls[0]
    results = {}
    for size, (client, urls) in sized.items():
        DATABASES.use(size)
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[0])
        results[size] = _summary(times[size], len(queries), cpus[size])
    return results


def _summary(times: list[float], queries: int, cpus: list[float]) -> dict:
    return {
        "min": min(times),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "cpu": statistics.median(cpus),
        "queries": queries,
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

    villebelle = world["villebelle"]
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
            deep_url(world["client"], "/factures/recues/", DEEP_PAGES)
        ],
        "invoice page": [f"/factures/{uuid}/" for uuid in invoices],
        "structure dashboard": [f"/factures/tableau-de-bord/{villebelle.uuid}/"],
        "API list": ["/api/v1/invoices/?direction=received"],
    }


def bulk(worlds: dict[int, dict]) -> dict[int, dict]:
    """1,000 invoices just delivered, moved through the API in requests of 500: total ms, SQL queries."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from invoices.models import Invoice
    from portal.load import deliver_now

    totals: dict[int, list[float]] = {size: [] for size in worlds}
    cpus: dict[int, list[float]] = {size: [] for size in worlds}
    queries: dict[int, int] = {}
    for round_ in range(BULK_REPEAT):
        for size, world in worlds.items():
            DATABASES.use(size)
            ids = deliver_now(
                BULK_SIZE, recipient=world["villebelle"], suppliers=world["suppliers"], seed=round_
            )
            uuids = [str(u) for u in Invoice.objects.filter(pk__in=ids).values_list("uuid", flat=True)]
            started, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as captured:
                for start in range(0, len(uuids), API_BULK_LIMIT):
                    changes = [
                        {"id": u, "status": "prise_en_compte"} for u in uuids[start : start + API_BULK_LIMIT]
                    ]
                    response = world["client"].post(
                        "/api/v1/invoices/statuses/",
                        json.dumps({"changes": changes}),
                        content_type="application/json",
                    )
                    assert response.status_code == 200 and all(r["ok"] for r in response.json()["results"])
            totals[size].append((time.perf_counter() - started) * 1000)
            cpus[size].append((time.process_time() - cpu) * 1000)
            queries[size] = len(captured)
    return {size: _summary(totals[size], queries[size], cpus[size]) for size in worlds}


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
            for table in ("invoices_invoice", "invoices_invoiceevent", "invoices_invoicecount"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return elapsed


def counters_agree() -> bool:
    from invoices.lifecycle import recount

    return not recount.check()


def visible_count() -> int:
    from accounts.access import access_of
    from accounts.models import User
    from invoices.lifecycle import counters

    user = User.objects.get(email="comptable@chorale.demo")
    return sum(counters.received_counts(access_of(user).received_scopes()).values())


DATABASES: SizedDatabases


def main(argv=None) -> int:
    global DATABASES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--structures", type=int, default=20)
    parser.add_argument("--suppliers", type=int, default=1000)
    parser.add_argument(
        "--db", default="chorale_triage_bench", help="Prefix of the bench's PostgreSQL databases."
    )
    parser.add_argument("--reuse", action="store_true", help="Reuse the databases of an earlier --keep run.")
    parser.add_argument("--keep", action="store_true", help="Keep the databases at the end.")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)

    DATABASES = SizedDatabases(os.environ.get("DATABASE_URL", "sqlite://"), prefix=args.db, reuse=args.reuse)
    try:
        fresh = DATABASES.prepare(sizes[0], None)
        DATABASES.first.url = DATABASES.url_of(sizes[0])
        # Mails are rendered (their cost is part of a bulk change) but not sent anywhere.
        DATABASES.first.setup_django(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        from django.core.management import call_command
        from django.db import connection

        from accounts.models import Structure

        if fresh:
            with open(os.devnull, "w") as quiet:
                call_command("load_demo", force=True, stdout=quiet)
        label = "PostgreSQL" if DATABASES.postgres else "SQLite"
        print(f"Chorale triage benchmark: {label}{_server_version(connection)}; {machine()}")
        print(
            f"load average at start {os.getloadavg()[0]:.1f}; {args.repeat} timed requests per page and size"
        )
        worlds: dict[int, dict] = {}
        for index, size in enumerate(sizes):
            if index:
                DATABASES.prepare(size, sizes[index - 1])
            DATABASES.use(size)
            generated = top_up(size, structures=args.structures, suppliers=args.suppliers)
            worlds[size] = {
                "villebelle": Structure.objects.get(identifier="21350001000011"),
                "suppliers": list(Structure.objects.filter(kind=Structure.Kind.PRIVATE).order_by("pk")[:50]),
                "client": logged_in("comptable@chorale.demo"),
            }
            worlds[size]["pages"] = pages(worlds[size])
            print(
                f"{size:,} invoices ({visible_count():,} seen by the accountant)"
                + (f", generated in {generated:.0f} s" if generated else "")
            )
        # As a server process does once it has loaded the portal (portal/wsgi.py).
        from portal.startup import freeze_loaded_objects

        freeze_loaded_objects()
        names = list(worlds[sizes[0]]["pages"])
        results: dict[str, dict[int, dict]] = {}
        for name in names:
            results[name] = timed(
                {s: (w["client"], w["pages"][name]) for s, w in worlds.items()}, args.repeat
            )
        bulk_name = f"bulk change of {BULK_SIZE:,} (API, {BULK_SIZE // API_BULK_LIMIT}×{API_BULK_LIMIT})"
        results[bulk_name] = bulk(worlds)
        for size in sizes:
            DATABASES.use(size)
            print(
                f"  {size:,}: counters check after the bulk changes: "
                + ("OK" if counters_agree() else "MISMATCH")
            )
        print()
        print(table(results, sizes))
    finally:
        DATABASES.drop(args.keep)
    return 0


def _server_version(connection) -> str:
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f" {cursor.fetchone()[0].split()[0]}"


def table(results: dict[str, dict[int, dict]], sizes: list[int]) -> str:
    header = f"{'page':40} {'SQL':>4}" + "".join(
        f" {f'{s:,}: min / p50 / p95 ms':>31} {'cpu':>6}" for s in sizes
    )
    if len(sizes) > 1:
        header += f" {'growth p50':>10}"
    lines = [header]
    for name, by_size in results.items():
        line = f"{name:40} {by_size[sizes[-1]]['queries']:>4}"
        for size in sizes:
            r = by_size[size]
            line += f" {r['min']:>11.1f} / {r['p50']:>7.1f} / {r['p95']:>7.1f} {r['cpu']:>6.1f}"
        if len(sizes) > 1:
            line += f" {by_size[sizes[-1]]['p50'] / by_size[sizes[0]]['p50']:>9.2f}x"
        lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
