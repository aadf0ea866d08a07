"""Full against incremental (`--since-checkpoint`) verification of the audit chain.

    python bench/audit_verify.py [--sizes 200000,2000000] [--tail 1000]

Runs on a throwaway database of the kind DATABASE_URL names (SQLite when unset; see
bench/import_members.py). The chain is built quickly: rows with correct hashes computed
in Python (audit.chain, exactly as audit_record_many computes them) and inserted in bulk,
growing to each size in turn. `--tail` events before the end of each size a checkpoint is
signed with a key made for the run; then the whole chain is verified (`audit_verify`) and
only the events after the checkpoint (`audit_verify(since_checkpoint=True)`). Prints
figures and the ratio, no pass/fail.
"""

import argparse
import base64
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.import_members import current_database_url, throwaway_database, timed  # noqa: E402 (sets up the env)

BATCH = 50_000
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def append_events(upto: int, seq: int, prev_hash: str) -> tuple[int, str]:
    """Insert events seq+1 .. upto, chained from `prev_hash`, in batches; return the new (seq, head)."""
    from django.db import connection, transaction

    from audit.chain import content_json, link_hash
    from audit.models import AuditEvent

    quote = connection.ops.quote_name
    columns = (
        "seq",
        "at",
        "actor_id",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "case_ref",
        "data",
        "prev_hash",
        "hash",
    )
    sql = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    adapt = connection.ops.adapt_datetimefield_value
    while seq < upto:
        rows = []
        for seq in range(seq + 1, min(seq + BATCH, upto) + 1):  # noqa: B020 (seq carries on after the loop)
            at = START + dt.timedelta(milliseconds=seq)
            case_ref = f"RU-{seq % 5000:05d}" if seq % 3 else ""
            data = {"n": seq, "note": "bench"} if seq % 2 else {}
            action = "case.read" if seq % 4 else "case.decide"
            object_id = str(seq % 100_000)
            content = content_json(seq, at, "officer", action, "complaints.case", object_id, case_ref, data)
            head = link_hash(prev_hash, content)
            rows.append(
                (
                    seq,
                    adapt(at),
                    None,
                    "officer",
                    action,
                    "complaints.case",
                    object_id,
                    "",
                    case_ref,
                    json.dumps(data),
                    prev_hash,
                    head,
                )
            )
            prev_hash = head
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    return seq, prev_hash


def sign_checkpoint(key, seq: int, head: str):
    from audit.models import AuditCheckpoint
    from audit.signing import checkpoint_message, key_id

    signed_at = START + dt.timedelta(days=1)
    return AuditCheckpoint.objects.create(
        seq=seq,
        head=head,
        signed_at=signed_at,
        signature=base64.b64encode(key.sign(checkpoint_message(seq, head, signed_at))).decode(),
        key_id=key_id(key.public_key()),
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="200000,2000000", help="chain lengths, growing (default 200000,2000000)")
    ap.add_argument("--tail", type=int, default=1000, help="events after the checkpoint (default 1000)")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from audit.signing import public_key_text

    key = Ed25519PrivateKey.generate()
    os.environ["AUDIT_PUBLIC_KEYS"] = public_key_text(key.public_key())

    with throwaway_database(current_database_url()) as where:
        import django

        django.setup()
        from django.core.management import call_command

        from audit.chain import GENESIS
        from audit.services import audit_verify

        seconds, _ = timed(lambda: call_command("migrate", verbosity=0))
        print(f"database: {where} (migrated in {seconds:.1f}s)")
        seq, head = 0, GENESIS
        for size in sizes:
            start = time.perf_counter()
            seq, head = append_events(size - args.tail, seq, head)
            checkpoint = sign_checkpoint(key, seq, head)
            seq, head = append_events(size, seq, head)
            built = time.perf_counter() - start
            print(f"\n{size:,} events (built {built:.1f}s; checkpoint at event {checkpoint.seq:,})")

            full_s, full = timed(audit_verify)
            since_s, since = timed(lambda: audit_verify(since_checkpoint=True))
            assert full.ok and full.events == size and full.checkpoints_ok, full
            assert since.ok and since.events == size and since.head == full.head, since
            checked = size - since.from_seq + 1
            print(f"  full verify:           {full_s:7.2f}s  {size / full_s:10,.0f} events/s  ", end="")
            print(f"({full.checkpoints} checkpoints checked)")
            print(f"  --since-checkpoint:    {since_s:7.3f}s  ", end="")
            print(f"({checked:,} events after checkpoint {since.since_checkpoint})")
            print(f"  ratio incremental/full: {since_s / full_s:.4f}x the time ({full_s / since_s:,.0f}x faster)")


if __name__ == "__main__":
    main()
