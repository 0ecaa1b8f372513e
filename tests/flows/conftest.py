"""The real queue for the tests marked `queue`: the Redis server on 127.0.0.1 and `celery worker` processes
sharing the test database (a file on SQLite: tests/conftest.py) and the test's media folder."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from portal.celery import app as celery_app
from tests.conftest import REPO_DIR
from tests.fixtures_deposit import supplier_client, world  # noqa: F401 (fixtures)

# The Redis database these tests use (.ci/run sets it and empties it first).
TEST_BROKER = os.environ.get("CHORALE_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
_CONF = (
    "broker_url",
    "broker_transport_options",
    "result_backend",
    "task_always_eager",
    "task_default_queue",
)


def _reachable(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        message = f"Redis is unreachable at {url} ({exc}): the queue tests need it (.ci/run starts it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _reset_producers() -> None:
    """Drop the connection pools made for the previous broker (Celery keeps them on the app)."""
    celery_app._after_fork()
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture
def redis_broker():
    """This process sends its tasks to Redis, on a queue of its own that the workers below serve."""
    url = TEST_BROKER
    _reachable(url)
    queue = f"chorale-test-{uuid.uuid4().hex[:12]}"
    saved = {key: celery_app.conf[key] for key in _CONF}
    celery_app.conf.update(
        broker_url=url,
        broker_transport_options={"visibility_timeout": 3600},
        result_backend=None,
        task_always_eager=False,
        task_default_queue=queue,
    )
    _reset_producers()
    yield {"url": url, "queue": queue}
    celery_app.conf.update(saved)
    _reset_producers()
    client = redis.Redis.from_url(url)
    client.delete(queue, *client.keys(f"_kombu.binding*{queue}"))


def database_url() -> str:
    """The test database, as the workers' DATABASE_URL."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        if "memory" in name or not Path(name).is_absolute():
            raise RuntimeError("the SQLite test database must be a file for worker processes to share it")
        return f"sqlite:///{name}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user, host, port = quote(db["USER"] or "", safe=""), db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    """A `celery worker` process (and its pool), in a process group of its own, to be killed whole."""

    def __init__(self, env: dict, log: Path, concurrency: int):
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                env["CHORALE_QUEUE_NAME"],
                "-c",
                str(concurrency),
                "-n",
                f"{log.stem}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "INFO",
            ],
            cwd=REPO_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the worker and its pool: no shutdown, no acknowledgement, as a machine going away."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log_file.close()

    def tail(self, lines: int = 40) -> str:
        self._log_file.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def workers(redis_broker, transactional_db, settings, tmp_path):
    """Start workers with `workers.start()`; every one still running is stopped at the end of the test."""
    started: list[Worker] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_BROKER_URL": redis_broker["url"],
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CHORALE_QUEUE_NAME": redis_broker["queue"],
        "CHORALE_TESTING": "false",
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
    }

    class Workers:
        def start(self, *, concurrency: int = 1, **environ: str) -> Worker:
            worker = Worker({**env, **environ}, tmp_path / f"worker-{len(started) + 1}.log", concurrency)
            started.append(worker)
            return worker

        def logs(self) -> str:
            return "\n".join(f"--- {w.log.name}\n{w.tail()}" for w in started)

    yield Workers()
    for worker in started:
        worker.stop()


def wait_until(condition, *, timeout: float, what: str, workers=None, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    logs = workers.logs() if workers is not None else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")


@pytest.fixture
def held_queue(tmp_path):
    """Tasks go to an embedded queue that no worker serves: the test runs the flow's steps when it chooses."""
    folders = {key: str(tmp_path / "queue") for key in ("data_folder_in", "data_folder_out")}
    folders["control_folder"] = str(tmp_path / "queue-control")
    for folder in folders.values():
        Path(folder).mkdir(exist_ok=True)
    saved = {key: celery_app.conf[key] for key in _CONF}
    celery_app.conf.update(
        broker_url="filesystem://", broker_transport_options=folders, task_always_eager=False
    )
    _reset_producers()
    yield tmp_path / "queue"
    celery_app.conf.update(saved)
    _reset_producers()
