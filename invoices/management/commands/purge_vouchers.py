"""Delete the vouchers (invoices, history, attachments, originals) of years past the conservation period.

    manage.py purge_vouchers --up-to-year 2015 --actor support@example.org --confirm

The only way past the database's guard: refused for any year still inside the period, journaled on the
support account that runs it, and a dry run unless `--confirm` is given.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from invoices.models import Invoice
from invoices.storage.conservation import purge_vouchers, retention_limit


class Command(BaseCommand):
    help = "Purge les pièces justificatives dont la période de conservation est échue (journalisé)."

    def add_arguments(self, parser):
        parser.add_argument("--up-to-year", required=True, type=int)
        parser.add_argument("--actor", required=True, help="e-mail du compte support qui purge")
        parser.add_argument("--confirm", action="store_true", help="sans cette option, rien n'est supprimé")

    def handle(self, *args, up_to_year, actor, confirm, **options):
        user = User.objects.filter(email__iexact=actor, is_staff=True, is_active=True).first()
        if user is None:
            raise CommandError(f"{actor} n'est pas un compte support actif.")
        if up_to_year > retention_limit():
            raise CommandError(
                f"Les pièces de {up_to_year} sont encore dans la période de conservation : "
                f"purge possible jusqu'à {retention_limit()} inclus."
            )
        count = Invoice.objects.filter(year__lte=up_to_year).count()
        if not confirm:
            self.stdout.write(f"{count} facture(s) seraient purgées (relancez avec --confirm).")
            return
        report = purge_vouchers(up_to_year=up_to_year, actor=user)
        self.stdout.write(
            f"Purgé : {report.invoices} facture(s), {report.events} ligne(s) d'historique, "
            f"{report.attachments} pièce(s) jointe(s), {report.files} fichier(s)."
        )
