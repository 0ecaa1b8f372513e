"""The Celery application: tasks live in each capability's `tasks.py` and are found here.

`celery -A portal worker` serves the queue named by the settings: Redis when `CELERY_BROKER_URL` is set, else
the embedded queue in folders under var/queue (what `scripts/run` serves with a local worker). Every task is
acknowledged once done and requeued if its worker dies, so every task is written to be run twice harmlessly;
the transient failures listed in `TRANSIENT` are retried with an exponential backoff.
"""

import os
from contextlib import ExitStack
from pathlib import Path

from celery import Celery, Task
from celery.signals import before_task_publish, task_postrun, task_prerun, worker_process_init, worker_ready
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from accounts.site import served_from, serving_from

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# A database that went away for a moment (restart, failover, "database is locked"), a broker that did.
TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)


class ChoraleTask(Task):
    """Every task of the project: retried on transient failures, up to about ten minutes of backoff."""

    autoretry_for = TRANSIENT
    retry_backoff = 2
    retry_backoff_max = 120
    retry_jitter = True
    max_retries = 8


app = Celery("chorale", task_cls=ChoraleTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    ["invoices.deposit", "invoices.lifecycle", "invoices.pes", "invoices.storage", "invoices.cpro"]
)


def _make_queue_folders(**_kwargs):
    """The embedded transport reads and writes folders it does not create itself."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


app.on_after_configure.connect(_make_queue_folders, weak=False)


# The address of the request that queued a task, for the links of the mails the task sends (accounts/site.py).
SERVED_FROM_HEADER = "chorale_served_from"
_serving: dict[str, ExitStack] = {}


@before_task_publish.connect
def _carry_served_from(headers=None, **_kwargs):
    if headers is not None and served_from():
        headers[SERVED_FROM_HEADER] = served_from()


@task_prerun.connect
def _serve_from_the_queuing_request(task_id=None, task=None, **_kwargs):
    url = getattr(task.request, SERVED_FROM_HEADER, None) if task is not None else None
    if url:
        _serving[task_id] = stack = ExitStack()
        stack.enter_context(serving_from(url))


@task_postrun.connect
def _stop_serving(task_id=None, **_kwargs):
    stack = _serving.pop(task_id, None)
    if stack is not None:
        stack.close()


@worker_process_init.connect
def _warm_up(**_kwargs):
    """Start this worker process's validation processes (they compile the stylesheets), after the fork."""
    from django.conf import settings

    if settings.CHORALE_WORKER_WARM_UP:
        from invoices.deposit.validation_pool import get_pool

        get_pool().start()


@worker_ready.connect
def _resume_flows(**_kwargs):
    """A worker that starts picks up the flows a dead one left unfinished (their messages may be lost)."""
    from invoices.deposit.tasks import resume_flows

    resume_flows.delay()
