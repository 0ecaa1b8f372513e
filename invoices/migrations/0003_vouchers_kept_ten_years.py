"""The database refuses to delete or alter accounting vouchers (see `invoices.storage.guards`); the guards are
also put back after every later migration, since SQLite drops triggers when it rebuilds a table."""

from django.db import migrations


def install(apps, schema_editor):
    from invoices.storage.guards import install_voucher_guards

    install_voucher_guards(schema_editor.connection)


def remove(apps, schema_editor):
    from invoices.storage.guards import remove_voucher_guards

    remove_voucher_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("invoices", "0002_pes_signing_certificate")]

    operations = [migrations.RunPython(install, remove)]
