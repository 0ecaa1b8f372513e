"""The connector's scheduled task (Celery beat, every minute: see CELERY_BEAT_SCHEDULE in the settings).

Importing this module needs no broker: it only declares the task.
"""

from celery import shared_task

from invoices.cpro import connector


@shared_task(name="invoices.cpro.tasks.sync_connections", ignore_result=True)
def sync_connections() -> int:
    """Synchronise every connection to Chorus Pro that is due; each keeps its own pace and backoff."""
    return connector.sync_due_connections()
