"""Writing to and verifying the audit log."""

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, compute_hash, content_of, event_content
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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    _lock_chain()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    seq = (last.seq + 1) if last else 1
    prev_hash = last.hash if last else GENESIS
    at = timezone.now()
    actor_name = actor.get_username() if actor is not None and actor.is_authenticated else "system"
    payload = _jsonable(data or {})
    content = event_content(
        seq=seq,
        at=at,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        case_ref=case_ref,
        data=payload,
    )
    return AuditEvent.objects.create(
        seq=seq,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:200] if obj is not None else "",
        case_ref=case_ref,
        data=payload,
        prev_hash=prev_hash,
        hash=compute_hash(prev_hash, content),
    )


@dataclass
class VerifyResult:
    ok: bool
    events: int
    head: str
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, chunk: int = 5000) -> VerifyResult:
    """Recompute the chain from the first event; name the first event whose link is broken."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk):
        if event.seq != expected_seq:
            return VerifyResult(False, count, prev_hash, event.seq, f"sequence gap: expected {expected_seq}")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, count, prev_hash, event.seq, "prev_hash does not match the previous event")
        if compute_hash(prev_hash, content_of(event)) != event.hash:
            return VerifyResult(False, count, prev_hash, event.seq, "content does not match its hash")
        prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
    return VerifyResult(True, count, prev_hash)
