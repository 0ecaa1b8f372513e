"""Delete the bytes of refused uploads older than `CHORALE_REFUSED_RETENTION_DAYS` (default 30).

    manage.py purge_refused_deposits

Scheduled daily by the task queue; safe to run by hand or twice.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from invoices.storage.refused import purge_refused_originals


class Command(BaseCommand):
    help = "Supprime les fichiers refusés conservés depuis plus que la durée réglée (30 jours par défaut)."

    def handle(self, *args, **options):
        purged = purge_refused_originals()
        days = settings.CHORALE_REFUSED_RETENTION_DAYS
        self.stdout.write(f"{purged} fichier(s) refusé(s) de plus de {days} jours supprimé(s).")
