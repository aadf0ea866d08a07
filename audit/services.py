"""Writing to and verifying the audit log."""

import json
from contextlib import closing
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, compute_hash, content_json, event_content, link_hash
from audit.models import AuditEvent

# Any 64-bit number unique to this lock; held for the writing transaction on PostgreSQL.
_ADVISORY_LOCK_ID = 0x52_55_41_55_44_49_54  # "RUAUDIT"


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
    # SQLite: the writing transaction already holds the database's only write lock.


def _jsonable(data: dict) -> dict:
    # Round-trip so that what is hashed is exactly what the JSON column gives back.
    return json.loads(json.dumps(data, default=str))


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id="", case_ref: str = "", data: dict | None = None
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (serialised by a lock)."""
    [event] = audit_record_many(
        actor=actor,
        events=[
            {
                "action": action,
                "obj": obj,
                "object_type": object_type,
                "object_id": object_id,
                "case_ref": case_ref,
                "data": data,
            }
        ],
    )
    return event


def audit_record_many(*, actor, events: list[dict]) -> list[AuditEvent]:
    """Append several events by one actor, in order, with one lock, one read of the head and one insert.

    Each item takes the keyword arguments of `audit_record` (action, obj, object_type,
    object_id, case_ref, data). The chain is the same as from one `audit_record` call each.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if not events:
        return []
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    seq = last.seq if last else 0
    prev_hash = last.hash if last else GENESIS
    at = timezone.now()
    authenticated = actor is not None and actor.is_authenticated
    actor_name = actor.get_username() if authenticated else "system"
    rows = []
    for event in events:
        obj = event.get("obj")
        object_type = event.get("object_type") or ""
        object_id = event.get("object_id") or ""
        if obj is not None:
            object_type = object_type or obj._meta.label_lower
            object_id = object_id or str(obj.pk)
        seq += 1
        payload = _jsonable(event.get("data") or {})
        content = event_content(
            seq=seq,
            at=at,
            actor_name=actor_name,
            action=event["action"],
            object_type=object_type,
            object_id=str(object_id),
            case_ref=event.get("case_ref") or "",
            data=payload,
        )
        prev_hash, link = compute_hash(prev_hash, content), prev_hash
        rows.append(
            AuditEvent(
                seq=seq,
                at=at,
                actor=actor if authenticated else None,
                actor_name=actor_name,
                action=event["action"],
                object_type=object_type,
                object_id=str(object_id),
                object_repr=str(obj)[:200] if obj is not None else "",
                case_ref=event.get("case_ref") or "",
                data=payload,
                prev_hash=link,
                hash=prev_hash,
            )
        )
    if len(rows) == 1:
        rows[0].save(force_insert=True)
        return rows
    return AuditEvent.objects.bulk_create(rows, batch_size=500)


@dataclass
class VerifyResult:
    ok: bool
    events: int
    head: str
    broken_seq: int | None = None
    reason: str = ""


# What the chain hashes, in `content_json`'s argument order; then the stored links.
_HASHED_COLUMNS = ("seq", "at", "actor_name", "action", "object_type", "object_id", "case_ref", "data")


def _chain_rows(chunk: int):
    """Each event as (*hashed columns, prev_hash, hash), in seq order, read `chunk` rows at a time."""
    if connection.vendor != "postgresql":
        rows = AuditEvent.objects.order_by("seq").values_list(*_HASHED_COLUMNS, "prev_hash", "hash")
        yield from rows.iterator(chunk_size=chunk)
        return
    # Django reads timestamptz through psycopg's pure-Python loader; psycopg's own compiled
    # loader reads the whole log several times faster. `data` comes as JSON text.
    import psycopg
    from psycopg.pq import Format

    timestamptz = psycopg.adapters.get_loader(psycopg.postgres.types["timestamptz"].oid, Format.TEXT)
    quote = connection.ops.quote_name
    names = (*_HASHED_COLUMNS, "prev_hash", "hash")
    columns = ", ".join(f"{quote(c)}::text" if c == "data" else quote(c) for c in names)
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", timestamptz)
        cursor.execute(f"SELECT {columns} FROM {quote(AuditEvent._meta.db_table)} ORDER BY {quote('seq')}")
        while rows := cursor.fetchmany(chunk):
            for seq, at, actor_name, action, object_type, object_id, case_ref, data, prev_hash, hash_ in rows:
                data = {} if data == "{}" else json.loads(data)
                yield seq, at, actor_name, action, object_type, object_id, case_ref, data, prev_hash, hash_


def audit_verify(*, chunk: int = 10000) -> VerifyResult:
    """Recompute the chain from the first event; name the first event whose link is broken.

    Streams the rows as tuples (no model instances) and hashes the canonical text written
    straight from the columns: the same hashes as `compute_hash(prev, content_of(event))`.
    """
    prev_hash, expected_seq, count = GENESIS, 1, 0
    with closing(_chain_rows(chunk)) as rows:
        for row in rows:
            seq, stored_prev, stored_hash = row[0], row[8], row[9]
            if seq != expected_seq:
                return VerifyResult(False, count, prev_hash, seq, f"sequence gap: expected {expected_seq}")
            if stored_prev != prev_hash:
                return VerifyResult(False, count, prev_hash, seq, "prev_hash does not match the previous event")
            if link_hash(prev_hash, content_json(*row[:8])) != stored_hash:
                return VerifyResult(False, count, prev_hash, seq, "content does not match its hash")
            prev_hash, expected_seq, count = stored_hash, expected_seq + 1, count + 1
    return VerifyResult(True, count, prev_hash)
