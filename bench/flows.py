"""Flow throughput through the real queue: a ZIP of N generated invoices checked by 1 and 2 worker processes.

    .venv/bin/python bench/flows.py [--n 1000] [--repeats 3] [--concurrency 1 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/flows.py

Each run deposits one ZIP of N new CII invoices as the API does (`start_flow`: the upload kept with its
SHA-256), sends the flow to the workers and waits for its final status: the time covers reading the ZIP
into items, every invoice's validation (XSD, EN 16931 and CTC schematrons), routing, storage and recording,
and the report. One `celery worker` per concurrency (`-c 1`, `-c 2`, prefork) serves its own queue on the
Redis server (database 4 of 127.0.0.1, or CHORALE_BENCH_REDIS_URL); both are started and warmed up (the
stylesheets compiled in every process, a first small flow run) before any timing, and the runs alternate
between them so that a busy machine slows both alike.

The database is the bench's own: a temporary SQLite file (WAL), or, when DATABASE_URL points at PostgreSQL,
a `chorale_bench_flows_<pid>` database created next to it and dropped at the end.
"""

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(REPO_DIR / "bench"))

from benchdb import BenchDatabase  # noqa: E402

REDIS_URL = os.environ.get("CHORALE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
TIMEOUT = 1800


def archive(n: int, prefix: str) -> bytes:
    from invoices.formats import samples

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for i in range(n):
            zipped.writestr(f"{i:05d}.xml", samples.cii_invoice(number=f"{prefix}-{i:05d}"))
    return buffer.getvalue()


class Worker:
    """`celery -A portal worker -c N` on its own queue, its output in a log file."""

    def __init__(self, concurrency: int, queue: str, log: Path):
        self.concurrency, self.queue, self.log = concurrency, queue, log
        env = {**os.environ, "CHORALE_QUEUE_NAME": queue, "LOG_LEVEL": "WARNING"}
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue]
        command += ["-c", str(concurrency), "-n", f"bench-c{concurrency}@%h", "--without-gossip"]
        command += ["--without-mingle", "-l", "WARNING"]
        self.process = subprocess.Popen(
            command, cwd=REPO_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )

    def cpu_seconds(self) -> float:
        """CPU time used so far by the worker and its pool processes (Linux /proc)."""
        tick = os.sysconf("SC_CLK_TCK")
        pids = [self.process.pid]
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run_flow(user, worker: Worker, data: bytes, n: int) -> tuple[float, float, float]:
    """Deposit the ZIP, send it to `worker`'s queue, wait for the end: seconds in all, to read, of CPU."""
    from django.core.files.base import ContentFile

    from invoices.deposit.flows import start_flow
    from invoices.deposit.tasks import expand_flow
    from invoices.models import Deposit, DepositStatus

    cpu = worker.cpu_seconds()
    started = time.perf_counter()
    deposit = start_flow(user, [ContentFile(data, name="lot.zip")], channel=Deposit.Channel.API)
    expand_flow.apply_async(args=[deposit.pk], queue=worker.queue)
    read = None
    while time.perf_counter() - started < TIMEOUT:
        state = Deposit.objects.filter(pk=deposit.pk).values("status", "documents_total").get()
        if read is None and state["documents_total"] is not None:
            read = time.perf_counter() - started
        if state["status"] != DepositStatus.EN_COURS:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    cpu = worker.cpu_seconds() - cpu
    deposit.refresh_from_db()
    if deposit.status != DepositStatus.INTEGRE or deposit.report["integrated"] != n:
        tail = worker.log.read_text(errors="replace")[-3000:]
        raise SystemExit(
            f"flow ended {deposit.status} with {deposit.report.get('integrated')} of {n}\n{tail}"
        )
    return elapsed, read or elapsed, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="invoices in the ZIP")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)

    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        raise SystemExit(f"Redis is unreachable at {REDIS_URL}: {exc}") from None
    run_id = uuid.uuid4().hex[:8]
    database = BenchDatabase(os.environ.get("DATABASE_URL", ""), name="bench-flows")
    workers: dict[int, Worker] = {}
    try:
        database.setup_django(
            CELERY_BROKER_URL=REDIS_URL,
            CELERY_TASK_ALWAYS_EAGER="false",
            CHORALE_TESTING="false",
            CHORALE_MAX_ZIP_MEMBERS=str(max(args.n, 100)),
            CHORALE_WORKER_WARM_UP="true",
        )
        from ingest import make_world

        user = make_world()
        for c in args.concurrency:
            workers[c] = Worker(c, f"chorale-bench-{run_id}-c{c}", database.tmp / f"worker-c{c}.log")
        for c, worker in workers.items():  # every process warm: a flow with a range for each
            run_flow(user, worker, archive(20 * c, f"WARM{c}"), 20 * c)
        print(
            f"Chorale flow benchmark: {database.label}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPU(s) {platform.machine()}, load average {os.getloadavg()[0]:.1f}; "
            f"a ZIP of {args.n} CII invoices per run, {args.repeats} run(s) per worker count"
        )
        times: dict[int, list[float]] = {c: [] for c in workers}
        reads: dict[int, list[float]] = {c: [] for c in workers}
        cpus: dict[int, list[float]] = {c: [] for c in workers}
        for repeat in range(args.repeats):
            order = list(workers) if repeat % 2 == 0 else list(reversed(workers))
            for c in order:
                data = archive(args.n, f"R{repeat}C{c}")
                load = os.getloadavg()[0]
                elapsed, read, cpu = run_flow(user, workers[c], data, args.n)
                times[c].append(elapsed)
                reads[c].append(read)
                cpus[c].append(cpu)
                print(
                    f"  run {repeat + 1}, {c} worker process(es): {elapsed:6.1f} s, "
                    f"{args.n / elapsed:6.1f} inv/s, workers' CPU {cpu / elapsed:4.2f} core(s), "
                    f"load average before {load:.1f}"
                )
        base = statistics.median(times[min(workers)])
        base_min = min(times[min(workers)])
        header = (
            f"{'workers':>7} {'N':>5} {'runs':>4} {'min s':>7} {'median s':>8} {'inv/s (median)':>14} "
            f"{'inv/s (best)':>12} {'ratio (median)':>14} {'ratio (best)':>12} {'read s':>6} "
            f"{'CPU ms/inv':>10}"
        )
        print(header)
        print("-" * len(header))
        for c in workers:
            best, median = min(times[c]), statistics.median(times[c])
            print(
                f"{c:7} {args.n:5} {len(times[c]):4} {best:7.1f} {median:8.1f} {args.n / median:14.1f} "
                f"{args.n / best:12.1f} {base / median:13.2f}x {base_min / best:11.2f}x "
                f"{statistics.median(reads[c]):6.1f} {1000 * statistics.median(cpus[c]) / args.n:10.1f}"
            )
        print(
            "seconds: from the upload kept to the flow's final status; read s: until its files were read "
            "into items (one task);\nratio: throughput against the fewest workers, on the medians and on the "
            "best runs; CPU ms/inv: the workers' CPU time per invoice."
        )
    finally:
        for worker in workers.values():
            worker.stop()
        client = redis.Redis.from_url(REDIS_URL)
        keys = client.keys(f"*chorale-bench-{run_id}*")
        if keys:
            client.delete(*keys)
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
