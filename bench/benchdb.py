"""What the benchmarks share: a throw-away database, Django set up on it as in production, memory readings."""

import os
import resource
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def descendants(pid: int) -> list[int]:
    """The live processes below `pid` at every depth (Linux /proc): a Celery worker's prefork children and
    their validation pool workers, or this process's own pool workers."""
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                children = [int(p) for p in (task / "children").read_text().split()]
            except FileNotFoundError:
                continue
            found += children
            pending += children
    return found


def cpu_seconds(pids) -> float:
    """User and system CPU seconds used so far by these live processes (clock ticks of /proc/<pid>/stat);
    one that has exited counts nothing."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """CPU seconds of every process this one started, at any depth: the live ones from /proc, plus those
    already exited and reaped (RUSAGE_CHILDREN), so that a replaced pool worker's time is not lost."""
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return reaped.ru_utime + reaped.ru_stime + cpu_seconds(descendants(os.getpid()))


class BenchDatabase:
    """A temporary SQLite file, or, when `url` is PostgreSQL, a database created next to it for the run."""

    def __init__(self, url: str, *, name: str):
        self.base_url = url
        self.tmp = Path(tempfile.mkdtemp(prefix=f"chorale-{name}-"))
        self.pg_name = None
        if url.startswith(("postgres://", "postgresql://")):
            self.pg_name = f"chorale_{name.replace('-', '_')}_{os.getpid()}"
            self.url = urlunsplit(urlsplit(url)._replace(path=f"/{self.pg_name}"))
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
        else:
            self.url = f"sqlite:///{self.tmp / 'bench.sqlite3'}"

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.pg_name else "SQLite"

    def _pg(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.base_url, autocommit=True) as connection:
            connection.execute(statement)

    def setup_django(self, **environ: str) -> None:
        """Point Django at this database, DEBUG off (it keeps every SQL query in memory), and migrate."""
        os.environ.update(environ)
        os.environ["DATABASE_URL"] = self.url
        os.environ["MEDIA_ROOT"] = str(self.tmp / "media")
        os.environ["DEBUG"] = "False"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)

    def drop(self) -> None:
        if self.pg_name:
            from django.db import connections

            connections.close_all()
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
        shutil.rmtree(self.tmp, ignore_errors=True)
