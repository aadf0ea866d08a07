"""Benchmark `import_members` against a raw COPY (PostgreSQL) or executemany (SQLite) of the same rows.

    python bench/import_members.py [--members 50000]

Runs on a throwaway database of the kind DATABASE_URL names (SQLite when unset): a
temporary file for SQLite; for PostgreSQL a fresh database bench_import_<pid> on the
same server, dropped afterwards. The developer's own database is never touched.

The import runs as `manage.py import_members` would, in a child process, so its peak
memory (resident set size) is its own. The baseline writes exactly the rows the import
stored, read back and prepared beforehand, into the same emptied tables: the database's
own cost of taking them, with no CSV, validation or upsert. Prints figures and ratios,
no pass/fail.
"""

import argparse
import contextlib
import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DJANGO_DEBUG"] = "false"  # as in production: DEBUG records every query

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql", "postgis")


def current_database_url() -> str:
    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)
    return os.environ.get("DATABASE_URL", "")


@contextlib.contextmanager
def throwaway_database(url: str):
    """Point DATABASE_URL at a new, empty database for the duration; remove it afterwards."""
    parts = urlsplit(url)
    if parts.scheme in POSTGRES_SCHEMES:
        import psycopg
        from psycopg import sql

        name = f"bench_import_{os.getpid()}"
        server = urlunsplit(parts._replace(scheme="postgresql"))
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
        try:
            yield f"PostgreSQL, throwaway database {name}"
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    elif not url or parts.scheme.startswith("sqlite"):
        tmp = tempfile.mkdtemp(prefix="bench_import_")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        try:
            yield f"SQLite, throwaway file {tmp}/bench.sqlite3"
        finally:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        raise SystemExit(f"unsupported DATABASE_URL scheme {parts.scheme!r}")


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def rss_mib() -> float:
    """This process's peak resident set size. ru_maxrss would do, but Linux carries it across
    exec from the forking parent; VmHWM starts afresh with the new program."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB; not Linux


def child_import(path: str) -> None:
    """In the child: run the command, print its time, summary and memory as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    before = rss_mib()
    out = io.StringIO()
    seconds, _ = timed(lambda: call_command("import_members", path, stdout=out))
    summary = out.getvalue().strip().splitlines()[0]
    print(json.dumps({"seconds": seconds, "summary": summary, "rss_before": before, "rss_peak": rss_mib()}))


def run_import(path: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child-import", path], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def stored_rows():
    """Every stored member and identity, column by column, as the baseline will write them again."""
    from django.db import connection

    from members.models import Identity, Member

    tables = []
    for model in (Member, Identity):
        fields = model._meta.concrete_fields
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(model._meta.db_table)} ORDER BY 1"
            )
            tables.append((model, [f.attname for f in fields], cursor.fetchall()))
    return tables


def wipe() -> None:
    from django.db import connection, transaction

    from members.models import Constituency, Identity, Member, Region

    names = [connection.ops.quote_name(m._meta.db_table) for m in (Identity, Member)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(names)} CASCADE")
        else:
            for name in names:
                cursor.execute(f"DELETE FROM {name}")
    assert Member.objects.count() == 0 and Constituency.objects.exists() and Region.objects.exists()


def baseline(tables) -> float:
    """The same rows written raw, in one transaction: COPY on PostgreSQL, one executemany on SQLite."""
    from django.db import transaction

    from core.bulk import rows_insert

    def store():
        with transaction.atomic():
            for model, attnames, rows in tables:
                rows_insert(model, attnames, rows)

    seconds, _ = timed(store)
    return seconds


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=50000, help="rows in members.csv (default 50000)")
    ap.add_argument("--child-import", metavar="CSV", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_import:
        child_import(args.child_import)
        return

    from bench.wavegen import generate

    workdir = tempfile.mkdtemp(prefix="bench_members_csv_")
    try:
        seconds, _ = timed(lambda: generate(workdir, items=100, members=args.members))
        path = os.path.join(workdir, "members.csv")
        with open(path, newline="", encoding="utf-8") as f:
            n = sum(1 for _ in csv.DictReader(f))
        print(f"members.csv: {n} rows, {os.path.getsize(path) / 2**20:.1f} MiB, generated in {seconds:.1f}s")

        with throwaway_database(current_database_url()) as where:
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            from members.models import Identity, Member

            seconds, _ = timed(lambda: call_command("migrate", verbosity=0))
            print(f"database: {where} (migrated in {seconds:.1f}s)")

            first = run_import(path)
            members, identities = Member.objects.count(), Identity.objects.count()
            again = run_import(path)
            connection.close()
            tables = stored_rows()
            wipe()
            base_s = baseline(tables)
            raw = "COPY" if connection.vendor == "postgresql" else "executemany"

        import_s, again_s = first["seconds"], again["seconds"]
        print(f"import_members:        {import_s:6.2f}s  {n / import_s:9,.0f} rows/s  ({first['summary']})")
        print(f"  stored {members} members, {identities} identities")
        print(f"raw {raw + ':':<18} {base_s:6.2f}s  {n / base_s:9,.0f} rows/s  (the same members and identities)")
        print(f"  ratio raw/import: {base_s / import_s:.2f}x")
        print(
            f"  peak memory of the import process: {first['rss_peak']:.0f} MiB RSS "
            f"({first['rss_peak'] - first['rss_before']:+.0f} MiB over the {first['rss_before']:.0f} MiB before it)"
        )
        print(f"re-import (unchanged): {again_s:6.2f}s  {n / again_s:9,.0f} rows/s  ({again['summary']})")
        print(f"  ratio re-import/import: {again_s / import_s:.2f}x the time")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
