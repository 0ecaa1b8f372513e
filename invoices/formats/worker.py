"""The validation worker process: `python -m invoices.formats.worker FD MEMORY_BYTES`, started by pool.py.

It talks to its pool over the socket FD with pickled messages:
  pool -> worker  ("warm", config)                       compile every stylesheet once
                  ("validate", data, filename, config, allow_plain_pdf)
                  None                                   exit
  worker -> pool  ("ready", pid) | ("failed", traceback)  after warming
                  ("started", None) once it holds the document, then
                  ("ok", ValidationResult) | ("error", traceback) | ("memory", traceback)
The pool enforces the wall-clock and memory limits from outside (a process stuck in Saxon holds its own GIL
and cannot police itself); this side only sets a kernel ceiling on its data segment as a backstop.
"""

import os
import resource
import signal
import sys
import traceback
from multiprocessing.connection import Connection


def _limit_data_segment(limit: int) -> None:
    """A hard ceiling for allocations outpacing the pool's watchdog. RLIMIT_AS is unusable: the GraalVM
    native image inside saxonche reserves ~33 GB of address space at start, but only commits what it uses,
    and RLIMIT_DATA counts exactly the committed private memory."""
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def serve(conn: Connection) -> None:
    try:
        _serve(conn)
    except (EOFError, OSError):  # the pool's process is gone: nobody is left to answer
        return


def _serve(conn: Connection) -> None:
    from invoices.formats import validate_document, warm_up

    while True:
        message = conn.recv()
        if message is None:
            return
        kind, *args = message
        if kind == "warm":
            try:
                warm_up(args[0])
            except Exception:
                conn.send(("failed", traceback.format_exc()))
                return
            conn.send(("ready", os.getpid()))
        elif kind == "validate":
            data, filename, config, allow_plain_pdf = args
            conn.send(("started", None))
            try:
                result = validate_document(
                    data, filename=filename, config=config, allow_plain_pdf=allow_plain_pdf
                )
            except MemoryError:
                conn.send(("memory", traceback.format_exc()))
                return  # the heap may be left in any state: let the pool start a fresh process
            except Exception:
                conn.send(("error", traceback.format_exc()))
                continue
            conn.send(("ok", result))


def main(argv: list[str]) -> None:
    fd, memory = int(argv[0]), int(argv[1])
    # Ctrl-C in a terminal is for the server; the pool stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_data_segment(memory)
    serve(Connection(fd))


if __name__ == "__main__":
    main(sys.argv[1:])
