"""Writing many rows whose values are already checked and prepared: COPY on PostgreSQL, one
executemany elsewhere.

bulk_create sends every value of every row through its field's preparation and builds one
model instance per row, which at register or wave scale costs more than all the checking
put together. Callers here hand over plain values in column order (strings, numbers, ids,
and dates or date-times already passed through the backend's adapter), so the database
driver writes them as they are. No model signals are sent, and no defaults are filled in:
every NOT NULL column must be given.
"""

import time

from django.db import connection


def rows_insert(model, attnames: list[str] | tuple[str, ...], values) -> None:
    """Insert `values` (an iterable of tuples in the order of `attnames`) into `model`'s table."""
    ops = connection.ops
    column_of = {f.attname: f.column for f in model._meta.concrete_fields}
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(column_of[name]) for name in attnames)
    start = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            # The raw psycopg cursor: Django's wrapper has no copy(), so the query log is kept here.
            with cursor.cursor.copy(sql) as copy:
                for value in values:
                    copy.write_row(value)
            if connection.queries_logged:
                connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})
        else:
            placeholders = ", ".join(["%s"] * len(attnames))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)
