"""Calls started at the same moment in threads, each on its own database connection: the harness of the
concurrency tests (PostgreSQL; SQLite serialises writers)."""

import functools
import threading

import pytest
from django.db import connection, connections

SQLITE_SERIALISES = "concurrent transactions need PostgreSQL (SQLite serialises writers); CI runs this there"


def on_postgresql(test):
    """A concurrency test: real transactions on PostgreSQL (marked `postgres`), skipped on SQLite with why."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        if connection.vendor != "postgresql":
            pytest.skip(SQLITE_SERIALISES)
        return test(*args, **kwargs)

    return pytest.mark.postgres(pytest.mark.django_db(transaction=True)(run))


def at_once(*calls, timeout: float = 120) -> list:
    """Run every call at the same moment; their results in order (an exception raised, as its result)."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:  # the test reads what each call met
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
