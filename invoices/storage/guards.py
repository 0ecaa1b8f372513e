"""The database's own refusal to delete or alter accounting vouchers, whatever the client: invoices, their
history, their attachments and the stored originals (content, size and SHA-256).

Deletions pass only inside a purge transaction that opened a permit (`invoices.storage.conservation`): a
transaction-local setting on PostgreSQL, a row of a table Django does not manage on SQLite (the test runner's
flush ignores it). PostgreSQL's TRUNCATE, which only a database owner runs, is not guarded.

The guards are (re)installed after every migration (`InvoicesConfig.ready`): SQLite drops a table's triggers
when a migration rebuilds the table, and an idempotent install puts them back.
"""

GUARDED_DELETES = (
    "invoices_invoice",
    "invoices_invoiceevent",
    "invoices_invoiceattachment",
    "invoices_storedfile",
)
GUARDED_UPDATES = {
    "invoices_invoiceevent": ("invoice_id", "from_status", "to_status", "at", "reason", "comment", "data"),
    "invoices_storedfile": ("file", "sha256", "size"),
    "invoices_invoiceattachment": ("invoice_id", "stored_file_id"),
}
SQLITE_PERMIT_TABLE = "chorale_purge_permit"
PG_PERMIT_SETTING = "chorale.purge_vouchers"
_MESSAGE = "conservation des pièces justificatives : suppression ou modification refusée (%s)"

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION chorale_refuse_voucher_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('{PG_PERMIT_SETTING}', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'conservation des pièces justificatives : % refusé sur %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [_PG_FUNCTION]
        for table in GUARDED_DELETES:
            statements.append(
                f"CREATE OR REPLACE TRIGGER {table}_kept BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION chorale_refuse_voucher_change()"
            )
        for table, columns in GUARDED_UPDATES.items():
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
            statements.append(
                f"CREATE OR REPLACE TRIGGER {table}_unaltered "
                f"BEFORE UPDATE OF {', '.join(columns)} ON {table} "
                f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION chorale_refuse_voucher_change()"
            )
        return statements
    statements = [f"CREATE TABLE IF NOT EXISTS {SQLITE_PERMIT_TABLE} (opened integer NOT NULL)"]
    for table in GUARDED_DELETES:
        statements.append(  # every name here is a constant of this module
            f"CREATE TRIGGER IF NOT EXISTS {table}_kept BEFORE DELETE ON {table} "  # noqa: S608
            f"WHEN NOT EXISTS (SELECT 1 FROM {SQLITE_PERMIT_TABLE}) "
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE % ('DELETE ' + table)}'); END"
        )
    for table, columns in GUARDED_UPDATES.items():
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {table}_unaltered "
            f"BEFORE UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {changed} BEGIN SELECT RAISE(ABORT, '{_MESSAGE % ('UPDATE ' + table)}'); END"
        )
    return statements


def install_voucher_guards(connection) -> None:
    """Create the guards, or put back those a table rebuild dropped; a no-op when they are in place."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor):
            cursor.execute(statement)


def remove_voucher_guards(connection) -> None:
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for table in GUARDED_DELETES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_kept" + (f" ON {table}" if pg else ""))
        for table in GUARDED_UPDATES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_unaltered" + (f" ON {table}" if pg else ""))
        cursor.execute(
            "DROP FUNCTION IF EXISTS chorale_refuse_voucher_change()"
            if pg
            else f"DROP TABLE IF EXISTS {SQLITE_PERMIT_TABLE}"
        )
