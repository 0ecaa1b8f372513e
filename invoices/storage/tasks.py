"""Scheduled housekeeping of stored files (Celery beat, `CELERY_BEAT_SCHEDULE`)."""

from celery import shared_task

from invoices.storage.refused import purge_refused_originals


@shared_task
def purge_refused_uploads() -> int:
    """Daily: the bytes of refused uploads past `CHORALE_REFUSED_RETENTION_DAYS` go (idempotent)."""
    return purge_refused_originals()
