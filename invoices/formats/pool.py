"""A bounded pool of validation worker processes: one document at a time per worker, each run under a
wall-clock limit and a memory limit enforced from outside the worker.

Why processes: saxonche holds the GIL and a lock per stylesheet while it runs, and some valid documents make
the official schematrons quadratic (16,000 empty elements inside ram:ID take 70 s), so validating inside the
web process freezes every other request of that process. A worker that passes a limit is killed (SIGKILL:
a process stuck in Saxon cannot be asked) and replaced; the document gets a CHORALE-VALIDATION-LIMIT finding.

Workers are fresh interpreters (`python -m invoices.formats.worker`), never forks of the caller: a fork of a
Django process would inherit its database connections and whatever locks other threads held, and a Saxon
processor must not cross a fork. They get a scrubbed environment (no database URL, no secret key): they read
hostile documents and need nothing but the formats package. Each compiles the stylesheets once (warm_up) and
then serves documents for its whole life.

The memory limit is watched on the resident set (/proc, Linux) every POLL_SECONDS by the thread waiting for
the result. RLIMIT_AS cannot be used: saxonche's GraalVM native image reserves ~33 GB of address space at
start. RLIMIT_DATA, which counts only committed private memory, is set at BACKSTOP_FACTOR times the limit as a
kernel ceiling for allocations faster than the watchdog (GraalVM then exits on its own out-of-memory error).
"""

import atexit
import collections
import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from invoices.formats.findings import finding
from invoices.formats.model import ValidationConfig, ValidationResult

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 2
DEFAULT_TIMEOUT = 30.0
DEFAULT_MEMORY_MB = 1024
DEFAULT_WAIT = 60.0
# Compiling every stylesheet takes 5 to 15 s on a quiet machine; a loaded one may take several times that.
DEFAULT_START_TIMEOUT = 300.0
POLL_SECONDS = 0.02
BACKSTOP_FACTOR = 2
# A worker whose documents have used this share of its headroom (the memory limit minus its resident size
# once warm) is replaced after its document, before an ordinary invoice trips the limit: Saxon's heap keeps
# what it grew to.
RECYCLE_FRACTION = 0.5
# Workers that keep failing to start (a broken installation) are not restarted in a loop: requests fail fast
# until RETRY_AFTER seconds have passed.
MAX_START_FAILURES = 3
RETRY_AFTER = 30.0

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
# What a worker inherits of the environment: enough to run Python, nothing that opens a door elsewhere.
_KEPT_ENV = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VIRTUAL_ENV", "SYSTEMROOT")
_KEPT_ENV_PREFIXES = ("LC_", "PYTHON")


class ValidationCrashed(Exception):
    """The validation of one document failed inside its worker (a reader bug, or the worker died)."""


class PoolUnavailable(Exception):
    """No worker can be started (broken installation) or the pool is closed."""


def limit_finding(kind: str, value: float):
    """The finding of a document stopped at a limit, naming the limit and its value in both languages."""
    if kind == "time":
        fr, en = f"la durée maximale de {value:g} s", f"the time limit of {value:g} s"
    else:
        fr, en = f"la mémoire maximale de {value:g} Mo", f"the memory limit of {value:g} MB"
    return finding("CHORALE-VALIDATION-LIMIT", limite=fr, limit=en)


def _limited(kind: str, value: float) -> ValidationResult:
    return ValidationResult("unknown", findings=[limit_finding(kind, value)])


def _worker_env() -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in _KEPT_ENV or key.startswith(_KEPT_ENV_PREFIXES)
    }
    env.pop("PYTHONSTARTUP", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH", "")]))
    return env


class _Worker:
    def __init__(self, backstop_bytes: int):
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "invoices.formats.worker", str(theirs.fileno()), str(backstop_bytes)],
                pass_fds=[theirs.fileno()],
                env=_worker_env(),
                stdin=subprocess.DEVNULL,
                stdout=2,  # anything a library prints joins the server's log, never the protocol
                # Terminal signals (Ctrl-C) are for the server; the pool stops its workers itself.
                start_new_session=True,
            )
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.pid = self.process.pid
        self.born = time.monotonic()
        self.warm_rss: int | None = None
        """Resident size once warm: after warm-up, or after its first document when the pool does not warm."""

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss(self) -> int | None:
        """Resident set size in bytes, or None where /proc is unavailable."""
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None

    def kill(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        self._reap(5)

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        try:
            self.conn.send(None)
            self.process.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def _reap(self, timeout: float) -> None:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.error("validation worker %s did not exit after SIGKILL", self.pid)
        self.conn.close()


class ValidationPool:
    """Long-lived validation workers; `validate` is thread-safe and bounded in time, memory and waiting.

    Workers start on first use (or `start()`), each warming the stylesheets of `warm_config` before it takes
    documents, and the pool closes them at exit. `memory_mb` sets the kernel backstop of new workers; the
    limits of each document are those passed to `validate`.
    """

    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        *,
        warm_config: ValidationConfig | None = None,
        memory_mb: float = DEFAULT_MEMORY_MB,
        start_timeout: float = DEFAULT_START_TIMEOUT,
        warm: bool = True,
    ):
        self.size = max(1, int(workers))
        self.warm_config = warm_config
        self.warm = warm
        self.backstop_bytes = int(BACKSTOP_FACTOR * memory_mb * 2**20)
        self.start_timeout = start_timeout
        self.pid = os.getpid()
        self.replaced = 0
        """How many workers were killed or lost and replaced (for logs and tests)."""
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._starting: set[_Worker] = set()
        self._busy: set[_Worker] = set()
        self._queue: collections.deque = collections.deque()
        """The callers waiting for a worker, in their order of arrival."""
        self._started = False
        self._closed = False
        self._failures = 0
        self._failed_at = 0.0

    # Life cycle.

    @property
    def closed(self) -> bool:
        return self._closed

    def start(self) -> "ValidationPool":
        """Start the workers now (they warm up in the background)."""
        with self._cond:
            self._start_locked()
        return self

    def _start_locked(self) -> None:
        if self._closed:
            raise PoolUnavailable("the validation pool is closed")
        if not self._started:
            self._started = True
            atexit.register(self.close)
            for _ in range(self.size):
                self._spawn_locked()

    def _spawn_locked(self) -> None:
        worker = _Worker(self.backstop_bytes)
        self._starting.add(worker)
        threading.Thread(target=self._warm_up, args=(worker,), daemon=True, name=f"warm-{worker.pid}").start()

    def _warm_up(self, worker: _Worker) -> None:
        ready, problem = not self.warm, ""
        try:
            if self.warm:
                worker.conn.send(("warm", self.warm_config or ValidationConfig.default()))
                if not worker.conn.poll(self.start_timeout):
                    problem = f"not ready after {self.start_timeout:g} s"
                else:
                    kind, detail = worker.conn.recv()
                    ready = kind == "ready"
                    problem = "" if ready else f"failed to start:\n{detail}"
        except (EOFError, OSError):
            problem = f"died while starting (exit code {worker.process.poll()})"
        if problem and not self._closed:
            log.error("validation worker %s %s", worker.pid, problem)
        with self._cond:
            self._starting.discard(worker)
            if ready and not self._closed:
                self._failures = 0
                self._idle.append(worker)
                if self.warm:
                    worker.warm_rss = worker.rss()
                log.info("validation worker %s ready (%s MB)", worker.pid, (worker.rss() or 0) // 2**20)
            else:
                worker.kill()
                if not self._closed:
                    self._failures += 1
                    self._failed_at = time.monotonic()
                    if self._failures < MAX_START_FAILURES:
                        self._spawn_locked()
            self._cond.notify_all()

    def close(self) -> None:
        """Stop every worker; a document being validated is abandoned (its caller gets PoolUnavailable)."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            idle, others = list(self._idle), list(self._starting | self._busy)
            self._idle.clear()
            self._cond.notify_all()
        for worker in idle:
            worker.stop()
        for worker in others:
            worker.kill()

    def wait_until_idle(self, timeout: float = DEFAULT_START_TIMEOUT) -> bool:
        """Start the pool if needed and wait until every worker is warm and free."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._start_locked()
            while self._prune_locked() < self.size:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    return False
                self._cond.wait(min(remaining, 1.0))
            return True

    def _prune_locked(self) -> int:
        """Replace the idle workers that died (killed from outside); the number of live idle ones."""
        for worker in [w for w in self._idle if not w.alive()]:
            self._idle.remove(worker)
            self._replace_locked(worker, "found dead")
        return len(self._idle)

    def worker_pids(self) -> set[int]:
        with self._cond:
            self._prune_locked()
            return {w.pid for w in [*self._idle, *self._starting, *self._busy]}

    def state(self) -> dict:
        """How many workers are idle, busy (and which) and starting, how many callers wait for one, and the
        resident MB of the idle ones."""
        with self._cond:
            self._prune_locked()
            return {
                "idle": len(self._idle),
                "busy": len(self._busy),
                "busy_pids": {w.pid for w in self._busy},
                "starting": len(self._starting),
                "waiting": len(self._queue),
                "idle_rss_mb": {w.pid: (w.rss() or 0) / 2**20 for w in self._idle},
            }

    # Validation.

    def validate(
        self,
        data: bytes,
        *,
        filename: str = "",
        config: ValidationConfig | None = None,
        allow_plain_pdf: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: float = DEFAULT_MEMORY_MB,
        wait: float = DEFAULT_WAIT,
    ) -> ValidationResult:
        """validate_document in a worker. A document that passes `timeout` seconds or `memory_mb` resident
        MB gets a CHORALE-VALIDATION-LIMIT finding; when no worker frees up within `wait` seconds, the result
        is a CHORALE-VALIDATION-BUSY finding. Raises ValidationCrashed when the validation itself fails."""
        request = ("validate", data, filename, config or ValidationConfig.default(), allow_plain_pdf)
        for _attempt in range(3):
            worker = self._acquire(wait)
            if worker is None:
                busy = finding("CHORALE-VALIDATION-BUSY", seconds=f"{wait:g}")
                return ValidationResult("unknown", findings=[busy])
            try:
                worker.conn.send(request)
            except OSError:  # it died while idle; nothing was validated, so another worker may take it
                self._replace(worker, "lost while idle")
                continue
            result = self._await(worker, timeout, memory_mb)
            if result is not None:
                return result
        raise ValidationCrashed("validation workers keep dying before reading a document")

    def _acquire(self, wait: float) -> _Worker | None:
        """A free worker, first come first served: a caller that has just released a worker (a deposit of
        many invoices, going on to its next file) queues behind those already waiting, so it cannot keep the
        workers from another request for longer than one document."""
        deadline = time.monotonic() + wait
        ticket = object()
        with self._cond:
            self._start_locked()
            self._queue.append(ticket)
            try:
                while True:
                    while self._idle and self._queue[0] is ticket:
                        worker = self._idle.pop()
                        if worker.alive():
                            self._busy.add(worker)
                            return worker
                        self._replace_locked(worker, "found dead")
                    self._heal_locked()
                    if self._closed:
                        raise PoolUnavailable("the validation pool is closed")
                    limit = deadline
                    if self._starting and not self._busy:
                        # Nobody is ahead of us: we wait for warm-up, not behind another document.
                        limit = max(limit, min(w.born for w in self._starting) + self.start_timeout)
                    remaining = limit - time.monotonic()
                    if remaining <= 0:
                        return None
                    self._cond.wait(min(remaining, 1.0))
            finally:
                self._queue.remove(ticket)
                self._cond.notify_all()  # the next in line may take the next free worker

    def _heal_locked(self) -> None:
        if self._idle or self._starting or self._busy:
            return
        if self._failures >= MAX_START_FAILURES and time.monotonic() - self._failed_at < RETRY_AFTER:
            raise PoolUnavailable("validation workers fail to start: see the log")
        self._failures = 0
        for _ in range(self.size):
            self._spawn_locked()

    def _await(self, worker: _Worker, timeout: float, memory_mb: float) -> ValidationResult | None:
        """The worker's result, a limit's, or None when it died before taking the document (to retry)."""
        limit_bytes = memory_mb * 2**20
        try:
            outcome, detail = self._watch(worker, timeout, limit_bytes)
        except BaseException:  # the caller gave up (KeyboardInterrupt…): the worker's state is unknown
            self._replace(worker, "abandoned by its caller")
            raise
        if outcome == "time":
            self._replace(worker, f"time limit of {timeout:g} s")
            return _limited("time", timeout)
        if outcome == "memory":
            self._replace(worker, f"memory limit of {memory_mb:g} MB ({detail // 2**20} MB resident)")
            return _limited("memory", memory_mb)
        if outcome == "lost":
            self._replace(worker, "died before taking its document")
            return None
        if outcome == "died":
            if self._closed:
                raise PoolUnavailable("the validation pool was closed during the validation")
            self._replace(worker, f"died (exit code {detail})")
            raise ValidationCrashed(f"validation worker {worker.pid} died (exit code {detail})")
        kind, payload = detail
        if kind == "memory":
            self._replace(worker, "MemoryError")
            return _limited("memory", memory_mb)
        rss = worker.rss()
        if rss is not None and rss > limit_bytes:  # passed the limit between two samples
            self._replace(worker, f"memory limit of {memory_mb:g} MB ({rss // 2**20} MB resident)")
            return _limited("memory", memory_mb)
        if worker.warm_rss is None:
            worker.warm_rss = rss
        if rss is not None and rss > worker.warm_rss + RECYCLE_FRACTION * (limit_bytes - worker.warm_rss):
            self._retire(worker, rss)
        else:
            self._release(worker)
        if kind == "error":
            raise ValidationCrashed(payload)
        return payload

    @staticmethod
    def _watch(worker: _Worker, timeout: float, limit_bytes: float):
        """Wait for the worker's answer: ("answer", (kind, payload)), ("time", None), ("memory", rss), or
        ("lost" before it took the document | "died" after, exit code)."""
        started, taken = time.monotonic(), False
        while True:
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                return "time", None
            if worker.conn.poll(min(POLL_SECONDS, remaining)):
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        worker.process.wait(1)
                    return "died" if taken else "lost", worker.process.poll()
                if message[0] != "started":
                    return "answer", message
                taken = True
                continue
            rss = worker.rss()
            if rss is not None and rss > limit_bytes:
                return "memory", rss

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
            if self._closed:
                worker.kill()
            else:
                self._idle.append(worker)
            self._cond.notify_all()

    def _retire(self, worker: _Worker, rss: int) -> None:
        log.info("validation worker %s replaced: %s MB resident after its document", worker.pid, rss // 2**20)
        with self._cond:
            self._busy.discard(worker)
            if not self._closed:
                self._spawn_locked()
                self.replaced += 1
            self._cond.notify_all()
        worker.stop()

    def _replace(self, worker: _Worker, reason: str) -> None:
        worker.kill()  # outside the lock: reaping a large process takes a moment
        with self._cond:
            self._replace_locked(worker, reason)

    def _replace_locked(self, worker: _Worker, reason: str) -> None:
        log.warning("validation worker %s killed or lost, and replaced: %s", worker.pid, reason)
        worker.kill()
        self._busy.discard(worker)
        if not self._closed:
            self._spawn_locked()
            self.replaced += 1
        self._cond.notify_all()


_shared: ValidationPool | None = None
_shared_lock = threading.Lock()


def shared_pool(
    *,
    workers: int = DEFAULT_WORKERS,
    warm_config: ValidationConfig | None = None,
    memory_mb: float = DEFAULT_MEMORY_MB,
) -> ValidationPool:
    """The process-wide pool, created on first use with these parameters (later ones are ignored), and created
    again in a forked child: a pool's workers belong to the process that started them."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.closed or _shared.pid != os.getpid():
            _shared = ValidationPool(workers, warm_config=warm_config, memory_mb=memory_mb)
        return _shared


def close_shared_pool() -> None:
    """Stop the process-wide pool's workers, if it was started (at exit this happens on its own)."""
    with _shared_lock:
        pool = _shared if _shared is not None and _shared.pid == os.getpid() else None
    if pool is not None:
        pool.close()


def _after_fork_in_child() -> None:
    # The parent's sockets must not stay open here: its workers would not see their pool go away, and the
    # lock may have been held by a thread that does not exist in the child.
    global _shared, _shared_lock
    _shared_lock = threading.Lock()
    inherited, _shared = _shared, None
    if inherited is not None:
        for worker in [*inherited._idle, *inherited._starting, *inherited._busy]:
            worker.conn.close()


os.register_at_fork(after_in_child=_after_fork_in_child)
