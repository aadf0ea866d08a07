"""Tampering with the audit table as an attacker with database access would: past the triggers."""

from contextlib import contextmanager

from django.db import connection

SQLITE_TRIGGERS = {
    "audit_no_update": "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END",
    "audit_no_delete": "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END",
    "audit_checkpoint_no_update": "CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_auditcheckpoint "
    "BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only: UPDATE refused'); END",
    "audit_checkpoint_no_delete": "CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_auditcheckpoint "
    "BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only: DELETE refused'); END",
}
# The row triggers on PostgreSQL, by table.
POSTGRESQL_TRIGGERS = {
    "audit_auditevent": "audit_no_update_delete",
    "audit_auditcheckpoint": "audit_checkpoint_no_update_delete",
}


@contextmanager
def triggers_disabled():
    """Disable the append-only triggers of the log and its checkpoints (as the database superuser would),
    then restore them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in POSTGRESQL_TRIGGERS.items():
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for table, trigger in POSTGRESQL_TRIGGERS.items():
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            else:
                for sql in SQLITE_TRIGGERS.values():
                    cursor.execute(sql)


def tamper(sql: str, params=()):
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)
