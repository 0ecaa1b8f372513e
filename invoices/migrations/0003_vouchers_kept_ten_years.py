"""The database refuses to delete or alter accounting vouchers, whatever the client: invoices, their history,
their attachments and the stored originals (content, size and SHA-256).

Deletions pass only inside a purge transaction that opened a permit (`invoices.storage.conservation`):
a transaction-local setting on PostgreSQL, a row of a table Django does not manage on SQLite (the test
runner's flush ignores it). PostgreSQL's TRUNCATE, which only a database owner runs, is not guarded.
"""

from django.db import migrations

GUARDED_DELETES = ("invoices_invoice", "invoices_invoiceevent", "invoices_invoiceattachment", "invoices_storedfile")
GUARDED_UPDATES = {
    "invoices_invoiceevent": ("invoice_id", "from_status", "to_status", "at", "reason", "comment", "data"),
    "invoices_storedfile": ("file", "sha256", "size"),
    "invoices_invoiceattachment": ("invoice_id", "stored_file_id"),
}
MESSAGE = "conservation des pièces justificatives : suppression ou modification refusée (%s)"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION chorale_refuse_voucher_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('chorale.purge_vouchers', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'conservation des pièces justificatives : % refusé sur %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(PG_FUNCTION, None)  # no parameters: the % of RAISE must not be read as a placeholder
        for table in GUARDED_DELETES:
            run(
                f"CREATE TRIGGER {table}_kept BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION chorale_refuse_voucher_change()"
            )
        for table, columns in GUARDED_UPDATES.items():
            run(
                f"CREATE TRIGGER {table}_unaltered BEFORE UPDATE OF {', '.join(columns)} ON {table} "
                f"FOR EACH ROW WHEN ({' OR '.join(f'OLD.{c} IS DISTINCT FROM NEW.{c}' for c in columns)}) "
                "EXECUTE FUNCTION chorale_refuse_voucher_change()"
            )
        return
    run("CREATE TABLE IF NOT EXISTS chorale_purge_permit (opened integer NOT NULL)")
    for table in GUARDED_DELETES:
        run(
            f"CREATE TRIGGER {table}_kept BEFORE DELETE ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM chorale_purge_permit) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE % ('DELETE ' + table)}'); END"
        )
    for table, columns in GUARDED_UPDATES.items():
        run(
            f"CREATE TRIGGER {table}_unaltered BEFORE UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in columns)} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE % ('UPDATE ' + table)}'); END"
        )


def remove(apps, schema_editor):
    run = schema_editor.execute
    pg = schema_editor.connection.vendor == "postgresql"
    for table in GUARDED_DELETES:
        run(f"DROP TRIGGER IF EXISTS {table}_kept" + (f" ON {table}" if pg else ""))
    for table in GUARDED_UPDATES:
        run(f"DROP TRIGGER IF EXISTS {table}_unaltered" + (f" ON {table}" if pg else ""))
    run("DROP FUNCTION IF EXISTS chorale_refuse_voucher_change()" if pg else "DROP TABLE IF EXISTS chorale_purge_permit")


class Migration(migrations.Migration):
    dependencies = [("invoices", "0002_pes_signing_certificate")]

    operations = [migrations.RunPython(install, remove)]
