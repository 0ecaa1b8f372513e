"""Production WSGI server settings: `gunicorn -c gunicorn.conf.py portal.wsgi` (`pip install .[server]`)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Each worker holds the compiled validation stylesheets (~500 MB): size the pool on memory, not only cores.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"


def post_worker_init(worker):
    """Compile the XSDs and schematrons once the worker has loaded Django (never in the master: Saxon must not
    cross a fork)."""
    from invoices.deposit.validation import validation_config
    from invoices.formats import warm_up

    warm_up(validation_config())
