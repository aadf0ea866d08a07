"""Benchmark `import_members` against a raw bulk_create of the same rows.

    python bench/import_members.py [--members 50000]

Runs on a throwaway database of the kind DATABASE_URL names (SQLite when unset): a
temporary file for SQLite; for PostgreSQL a fresh database bench_import_<pid> on the
same server, dropped afterwards. The developer's own database is never touched.
Prints figures and ratios, no pass/fail.
"""

import argparse
import contextlib
import csv
import datetime as dt
import io
import os
import shutil
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


def baseline(rows: list[dict]) -> tuple[float, int]:
    """Raw bulk_create of already-parsed rows (no validation, no upsert) into empty tables."""
    from django.db import transaction

    from members.models import Constituency, Identity, Member, Region
    from members.normalise import normalise

    regions = {name: Region.objects.create(name=name) for name in sorted({r["region"] for r in rows})}
    places = {}
    for r in rows:
        if r["constituency"] not in places:
            places[r["constituency"]] = Constituency.objects.create(name=r["constituency"], region=regions[r["region"]])
    parsed = []
    for r in rows:
        fields = {
            "membership_number": r["membership_number"],
            "first_name": r["first_name"],
            "last_name": r["last_name"],
            "email": r["email"],
            "phone": r["phone"],
            "constituency_id": places[r["constituency"]].pk,
            "joined_on": dt.date.fromisoformat(r["joined_on"]),
            "status": r["status"],
            "offices": r["offices"],
        }
        idents = [
            (kind, platform, r[col], normalise(kind, r[col], platform))
            for col, kind, platform in (
                ("email", "email", ""),
                ("phone", "phone", ""),
                ("twitter", "handle", "twitter"),
                ("facebook", "handle", "facebook"),
            )
            if r[col]
        ]
        parsed.append((fields, idents))

    def store():
        with transaction.atomic():
            members = Member.objects.bulk_create([Member(**fields) for fields, _ in parsed], batch_size=2000)
            identities = [
                Identity(member_id=m.pk, kind=kind, platform=platform, value=value, normalised=normalised)
                for m, (_, idents) in zip(members, parsed, strict=True)
                for kind, platform, value, normalised in idents
            ]
            Identity.objects.bulk_create(identities, batch_size=2000)
            return len(identities)

    return timed(store)


def wipe() -> None:
    from django.db import connection, transaction

    from members.models import Constituency, Identity, Member, Region

    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Identity, Member, Constituency, Region):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def run_import(path: str) -> tuple[float, str]:
    from django.core.management import call_command

    out = io.StringIO()
    seconds, _ = timed(lambda: call_command("import_members", path, stdout=out))
    return seconds, out.getvalue().strip().splitlines()[0]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=50000, help="rows in members.csv (default 50000)")
    args = ap.parse_args(argv)

    from bench.wavegen import generate

    workdir = tempfile.mkdtemp(prefix="bench_members_csv_")
    try:
        seconds, _ = timed(lambda: generate(workdir, items=100, members=args.members))
        path = os.path.join(workdir, "members.csv")
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        print(f"members.csv: {len(rows)} rows, generated in {seconds:.1f}s")

        with throwaway_database(current_database_url()) as where:
            import django

            django.setup()
            from django.core.management import call_command

            from members.models import Identity, Member

            seconds, _ = timed(lambda: call_command("migrate", verbosity=0))
            print(f"database: {where} (migrated in {seconds:.1f}s)")

            base_s, base_identities = baseline(rows)
            wipe()
            import_s, summary = run_import(path)
            members, identities = Member.objects.count(), Identity.objects.count()
            again_s, again_summary = run_import(path)

        n = len(rows)
        print(f"baseline bulk_create:  {base_s:6.2f}s  {n / base_s:9,.0f} rows/s  ", end="")
        print(f"({n} members, {base_identities} identities)")
        print(f"import_members:        {import_s:6.2f}s  {n / import_s:9,.0f} rows/s  ({summary})")
        print(f"  stored {members} members, {identities} identities")
        print(f"  ratio import/baseline: {import_s / base_s:.2f}x the time")
        print(f"re-import (unchanged): {again_s:6.2f}s  {n / again_s:9,.0f} rows/s  ({again_summary})")
        print(f"  ratio re-import/import: {again_s / import_s:.2f}x the time")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
