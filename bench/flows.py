"""Flow throughput through the real queue: a ZIP of N generated invoices checked by 1 and 2 worker processes.

    .venv/bin/python bench/flows.py [--n 1000] [--repeats 3] [--setups 1 2 2x1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/flows.py

Each run deposits one ZIP of N new CII invoices as the API does (`start_flow`: the upload kept with its
SHA-256), sends the flow to the workers and waits for its final status: the time covers reading the ZIP
into items, every invoice's validation (XSD, EN 16931 and CTC schematrons), routing, storage and recording,
and the report. Each setup serves its own queue on the Redis server (database 4 of 127.0.0.1, or
CHORALE_BENCH_REDIS_URL): "1" and "2" are one `celery worker -c 1` / `-c 2` (prefork), "2x1" two
`celery worker -c 1` side by side; all are started and warmed up (the stylesheets compiled in every process,
a first small flow run) before any timing, and the runs alternate between setups so that a busy machine slows
them alike. The workers' CPU time is read from /proc, their prefork processes and each one's validation
workers (`invoices.formats.pool`) included: on a machine shared with other sessions, Linux's autogroup
scheduler gives each session (a worker and its processes) one share of the CPUs, whatever its process count,
which the `cores` column shows.

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

from benchdb import BenchDatabase, cpu_seconds, descendants  # noqa: E402

REDIS_URL = os.environ.get("CHORALE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
TIMEOUT = 1800


def archive(n: int, prefix: str) -> bytes:
    from invoices.formats import samples

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for i in range(n):
            zipped.writestr(f"{i:05d}.xml", samples.cii_invoice(number=f"{prefix}-{i:05d}"))
    return buffer.getvalue()


class Workers:
    """The worker processes of one setup, serving their own queue, in sessions of their own.

    Setup "N" is one `celery worker -c N` (a prefork pool of N processes), as `scripts/run` and a plain
    deployment start it; "KxN" is K such workers side by side, as K services would run.
    """

    def __init__(self, setup: str, queue: str, logs: Path):
        count, _, concurrency = setup.rpartition("x")
        self.setup, self.queue, self.log = setup, queue, logs / f"worker-{setup}.log"
        self.processes = int(count or 1) * int(concurrency)
        env = {**os.environ, "CHORALE_QUEUE_NAME": queue, "LOG_LEVEL": "WARNING"}
        self.workers = []
        for index in range(int(count or 1)):
            command = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                queue,
                "-c",
                concurrency,
            ]
            command += [
                "-n",
                f"bench-{setup}-{index}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ]
            self.workers.append(
                subprocess.Popen(
                    command,
                    cwd=REPO_DIR,
                    env=env,
                    stdout=self.log.open("ab"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def cpu_seconds(self) -> float:
        """CPU time used so far by the workers, their prefork processes and these processes' validation
        workers (Linux /proc)."""
        pids = [worker.pid for worker in self.workers]
        return cpu_seconds(pids + [child for pid in pids for child in descendants(pid)])

    def stop(self) -> None:
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()


def run_flow(user, worker: Workers, data: bytes, n: int) -> tuple[float, float, float]:
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
    parser.add_argument(
        "--setups", nargs="+", default=["1", "2"], help="N: one worker of N processes; KxN: K such workers"
    )
    args = parser.parse_args(argv)

    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        raise SystemExit(f"Redis is unreachable at {REDIS_URL}: {exc}") from None
    run_id = uuid.uuid4().hex[:8]
    database = BenchDatabase(os.environ.get("DATABASE_URL", ""), name="bench-flows")
    workers: dict[str, Workers] = {}
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
        for setup in args.setups:
            workers[setup] = Workers(setup, f"chorale-bench-{run_id}-{setup}", database.tmp)
        for setup, worker in workers.items():  # every process warm: a flow with a range for each
            warm = 20 * worker.processes
            run_flow(user, worker, archive(warm, f"WARM{setup}"), warm)
        print(
            f"Chorale flow benchmark: {database.label}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPU(s) {platform.machine()}, load average {os.getloadavg()[0]:.1f}; "
            f"a ZIP of {args.n} CII invoices per run, {args.repeats} run(s) per setup"
        )
        times: dict[str, list[float]] = {setup: [] for setup in workers}
        reads: dict[str, list[float]] = {setup: [] for setup in workers}
        cpus: dict[str, list[float]] = {setup: [] for setup in workers}
        for repeat in range(args.repeats):
            order = list(workers) if repeat % 2 == 0 else list(reversed(workers))
            for setup in order:
                data = archive(args.n, f"R{repeat}S{setup}")
                load = os.getloadavg()[0]
                elapsed, read, cpu = run_flow(user, workers[setup], data, args.n)
                times[setup].append(elapsed)
                reads[setup].append(read)
                cpus[setup].append(cpu)
                print(
                    f"  run {repeat + 1}, setup {setup}: {elapsed:6.1f} s, {args.n / elapsed:6.1f} inv/s, "
                    f"workers' CPU {cpu / elapsed:4.2f} core(s), load average before {load:.1f}"
                )
        first = args.setups[0]
        base, base_min = statistics.median(times[first]), min(times[first])
        header = (
            f"{'setup':>5} {'procs':>5} {'N':>5} {'runs':>4} {'min s':>6} {'median s':>8} {'inv/s med':>9} "
            f"{'inv/s best':>10} {'ratio med':>9} {'ratio best':>10} {'read s':>6} {'cores':>5} "
            f"{'CPU ms/inv':>10}"
        )
        print(header)
        print("-" * len(header))
        for setup, worker in workers.items():
            best, median = min(times[setup]), statistics.median(times[setup])
            cores = statistics.median(c / t for c, t in zip(cpus[setup], times[setup], strict=True))
            print(
                f"{setup:>5} {worker.processes:5} {args.n:5} {len(times[setup]):4} {best:6.1f} {median:8.1f} "
                f"{args.n / median:9.1f} {args.n / best:10.1f} {base / median:8.2f}x {base_min / best:9.2f}x "
                f"{statistics.median(reads[setup]):6.1f} {cores:5.2f} "
                f"{1000 * statistics.median(cpus[setup]) / args.n:10.1f}"
            )
        print(
            "seconds: from the upload kept to the flow's final status; read s: until its files were read "
            "into items (one task);\nratio: throughput against the first setup, on the medians and on the "
            "best runs; cores: the workers' CPU time over the run's time;\nCPU ms/inv: the workers' CPU time "
            "per invoice."
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
