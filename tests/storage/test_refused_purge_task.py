"""The refused-uploads purge is a scheduled task of the queue, and running it twice is harmless."""

from django.conf import settings

from invoices.storage.tasks import purge_refused_uploads


def test_the_purge_is_scheduled_daily():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == purge_refused_uploads.name]
    assert entry["schedule"] == 24 * 3600


def test_the_task_runs_twice_harmlessly(db):
    assert purge_refused_uploads.delay().get() == 0
    assert purge_refused_uploads.delay().get() == 0
