from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

GUARDS_MIGRATION = "0003_vouchers_kept_ten_years"


def _guards_back(sender, using, **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: put the voucher guards back."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from invoices.storage.guards import install_voucher_guards

    connection = connections[using]
    if (
        MigrationRecorder(connection)
        .migration_qs.filter(app="invoices", name="0003_vouchers_kept_ten_years")
        .exists()
    ):
        install_voucher_guards(connection)


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Factures")

    def ready(self):
        post_migrate.connect(_guards_back, sender=self, dispatch_uid="invoices.voucher_guards")
