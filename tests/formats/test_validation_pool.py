"""The validation pool runs validate_document in worker processes: same answers as in-process, a document past
the wall-clock or memory limit refused with CHORALE-VALIDATION-LIMIT and its worker replaced, a bounded wait
for a free worker, dead workers replaced, nothing of the server's environment handed to the workers."""

import os
import signal
import threading
import time

import pytest

from invoices.formats import ValidationConfig, validate_document
from invoices.formats.pool import PoolUnavailable, ValidationCrashed, ValidationPool
from tests.builders import cii_invoice, facturx_pdf, ubl_invoice
from tests.builders.hostile import huge_number_cii, quadratic_cii

pytestmark = pytest.mark.skipif(
    not os.path.exists("/proc/self/statm"), reason="the memory watchdog and these checks read /proc (Linux)"
)
CONFIG = ValidationConfig.default()
# Slack for a shared, loaded test machine: the kill itself is immediate.
MARGIN = 3.0


@pytest.fixture(scope="module")
def pool():
    """Two workers that compile stylesheets as documents need them (warming all would cost ~10 s here)."""
    pool = ValidationPool(2, warm_config=CONFIG, warm=False).start()
    assert pool.wait_until_idle(120)
    yield pool
    pool.close()


def _idle(pool):
    assert pool.wait_until_idle(120), "the pool's workers did not come back"
    return pool


def _rules(result) -> list[str]:
    return [f.rule for f in result.findings]


@pytest.mark.parametrize(
    "data",
    [cii_invoice("EN16931"), facturx_pdf("BASIC"), ubl_invoice(), cii_invoice("EN16931", number="")],
    ids=["cii", "facturx", "ubl", "cii-refused"],
)
def test_a_document_gets_the_same_result_as_in_process(pool, data):
    result = _idle(pool).validate(data, config=CONFIG, allow_plain_pdf=True)

    expected = validate_document(data, config=CONFIG, allow_plain_pdf=True)
    assert result.to_dict() == expected.to_dict()
    assert result.xml == expected.xml


def test_a_document_past_the_time_limit_is_refused_and_its_worker_replaced(pool):
    before = _idle(pool).worker_pids()

    started = time.monotonic()
    result = pool.validate(quadratic_cii(cii_invoice("EN16931")), config=CONFIG, timeout=2)
    elapsed = time.monotonic() - started

    assert _rules(result) == ["CHORALE-VALIDATION-LIMIT"]
    assert "2 s" in result.findings[0].message and "time limit of 2 s" in result.findings[0].message_en
    assert elapsed < 2 + MARGIN
    after = _idle(pool).worker_pids()
    assert len(after) == 2 and len(after - before) == 1
    assert not any(_exists(pid) for pid in before - after)


def test_a_document_that_blows_the_memory_limit_is_refused_and_its_worker_replaced(pool):
    ordinary = cii_invoice("EN16931")
    _idle(pool).validate(ordinary, config=CONFIG)
    _idle(pool).validate(ordinary, config=CONFIG)  # both workers have compiled the CII rules
    # Headroom for an ordinary invoice, not for one whose 5 MB number is copied by every reader.
    limit = max(pool.state()["idle_rss_mb"].values()) + 40
    assert pool.validate(ordinary, config=CONFIG, memory_mb=limit).valid
    before = _idle(pool).worker_pids()

    result = pool.validate(huge_number_cii(ordinary), config=CONFIG, memory_mb=limit)

    assert _rules(result) == ["CHORALE-VALIDATION-LIMIT"]
    assert f"memory limit of {limit:g} MB" in result.findings[0].message_en
    assert f"mémoire maximale de {limit:g} Mo" in result.findings[0].message
    assert len(_idle(pool).worker_pids() - before) == 1


def test_a_worker_killed_while_idle_is_replaced(pool):
    victim = next(iter(_idle(pool).worker_pids()))

    os.kill(victim, signal.SIGKILL)
    results = [pool.validate(cii_invoice("EN16931"), config=CONFIG) for _ in range(3)]

    assert all(r.valid for r in results)
    pids = _idle(pool).worker_pids()
    assert victim not in pids and len(pids) == 2


def test_a_worker_dying_during_a_document_raises_and_is_replaced(pool):
    before = _idle(pool).worker_pids()

    def kill_the_busy_worker():
        deadline = time.monotonic() + 10
        while not pool.state()["busy_pids"] and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        for pid in pool.state()["busy_pids"]:
            os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_busy_worker)
    killer.start()
    with pytest.raises(ValidationCrashed, match="died"):
        pool.validate(quadratic_cii(cii_invoice("EN16931")), config=CONFIG, timeout=30)
    killer.join()

    assert len(_idle(pool).worker_pids() - before) == 1
    assert pool.validate(cii_invoice("EN16931"), config=CONFIG).valid


def test_a_reader_error_raises_and_the_worker_stays():
    pool = ValidationPool(1, warm=False).start()
    try:
        pids = _idle(pool).worker_pids()
        with pytest.raises(ValidationCrashed, match="AttributeError"):
            pool.validate(cii_invoice("EN16931"), config="not a configuration")
        assert _idle(pool).worker_pids() == pids
    finally:
        pool.close()


def test_a_request_waits_for_a_free_worker_a_bounded_time():
    pool = ValidationPool(1, warm=False).start()
    try:
        _idle(pool)
        slow = threading.Thread(
            target=pool.validate, args=(quadratic_cii(cii_invoice("EN16931")),), kwargs={"timeout": 4}
        )
        slow.start()
        while pool.state()["busy"] == 0:
            time.sleep(0.02)

        started = time.monotonic()
        result = pool.validate(cii_invoice("EN16931"), wait=0.5)
        elapsed = time.monotonic() - started
        slow.join()
    finally:
        pool.close()

    assert _rules(result) == ["CHORALE-VALIDATION-BUSY"]
    assert "0.5 s" in result.findings[0].message_en
    assert elapsed < 0.5 + MARGIN


def test_threads_share_the_workers(pool):
    documents = [cii_invoice("EN16931", number=f"T-{i}") for i in range(12)]
    results = [None] * len(documents)

    def run(i):
        results[i] = pool.validate(documents[i], config=CONFIG)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(documents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.invoice.number for r in results] == [f"T-{i}" for i in range(12)]
    assert all(r.valid for r in results)


def test_a_caller_going_on_to_its_next_document_queues_behind_those_waiting():
    """A deposit of many invoices takes the workers file after file: another request waits for one file at
    most, not for the whole deposit (first come, first served)."""
    pool = ValidationPool(1, warm=False).start()
    served: list[str] = []
    try:
        _idle(pool).validate(cii_invoice("EN16931"), config=CONFIG)  # the CII rules compiled
        files = [quadratic_cii(cii_invoice("EN16931", number=f"LOT-{i}"), 400) for i in range(6)]

        def deposit_of_many():
            for i, data in enumerate(files):
                pool.validate(data, config=CONFIG)
                served.append(f"lot-{i}")

        many = threading.Thread(target=deposit_of_many)
        many.start()
        while pool.state()["busy"] == 0:
            time.sleep(0.005)
        other = threading.Thread(
            target=lambda: served.append(
                pool.validate(cii_invoice("EN16931", number="AUTRE"), config=CONFIG).invoice.number
            )
        )
        other.start()
        other.join()
        many.join()
    finally:
        pool.close()

    assert len(served) == 7
    assert served.index("AUTRE") <= 2, served


def test_workers_see_nothing_of_the_servers_secrets(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://secret@db/chorale")
    monkeypatch.setenv("SECRET_KEY", "not-for-workers")
    pool = ValidationPool(1, warm=False).start()
    try:
        [pid] = _idle(pool).worker_pids()
        assert _rules(pool.validate(b"")) == ["CHORALE-EMPTY"]  # it runs Python: its environment is set
        environ = _environ(pid)
    finally:
        pool.close()

    assert "DATABASE_URL" not in environ and "SECRET_KEY" not in environ
    assert "PYTHONPATH" in environ


def test_a_closed_pool_stops_its_workers_and_takes_no_document():
    pool = ValidationPool(2, warm=False).start()
    pids = _idle(pool).worker_pids()

    pool.close()

    assert not any(_exists(pid) for pid in pids)
    with pytest.raises(PoolUnavailable):
        pool.validate(cii_invoice("EN16931"))


def _exists(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _environ(pid: int) -> dict:
    with open(f"/proc/{pid}/environ", "rb") as environ:
        pairs = [item.split(b"=", 1) for item in environ.read().split(b"\0") if b"=" in item]
    return {key.decode(): value.decode() for key, value in pairs}
