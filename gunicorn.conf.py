"""Production WSGI server settings: `gunicorn -c gunicorn.conf.py portal.wsgi` (`pip install .[server]`).

Validation does not run in the web workers: each web worker has its own pool of validation processes
(invoices/formats/pool.py, CHORALE_VALIDATION_WORKERS of them) that hold the compiled stylesheets (~450 MB
each) and are killed at the validation limits. A request waiting for its document's validation holds no GIL,
so threads serve the other requests meanwhile. Memory: about GUNICORN_WORKERS × (100 MB +
CHORALE_VALIDATION_WORKERS × 450 MB); validations at once: GUNICORN_WORKERS × CHORALE_VALIDATION_WORKERS.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# Above CHORALE_VALIDATION_TIMEOUT plus the wait for a free validation worker (CHORALE_VALIDATION_WAIT): a ZIP
# of many invoices is validated within one request until flows move to the task queue.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"


def post_worker_init(worker):
    """Start this web worker's validation processes now, so they compile the stylesheets before the first
    deposit; this returns at once. Never in the master: a pool belongs to the process that started it."""
    from invoices.deposit.validation_pool import get_pool

    get_pool().start()


def worker_exit(server, worker):
    from invoices.formats.pool import close_shared_pool

    close_shared_pool()
