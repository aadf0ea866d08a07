"""Tampering with the audit table as an attacker with database access would: past the triggers."""

from contextlib import contextmanager

from django.db import connection

SQLITE_TRIGGERS = {
    "audit_no_update": "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END",
    "audit_no_delete": "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END",
}


@contextmanager
def triggers_disabled():
    """Disable the append-only triggers (as the database superuser would), then restore them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_update_delete")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_no_update_delete")
            else:
                for sql in SQLITE_TRIGGERS.values():
                    cursor.execute(sql)


def tamper(sql: str, params=()):
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)
