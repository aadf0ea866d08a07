"""Writing to and verifying the audit log."""

import base64
import datetime as dt
import json
from contextlib import closing
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, compute_hash, content_json, event_content, link_hash
from audit.models import AuditCheckpoint, AuditEvent
from audit.signing import checkpoint_message, key_id, load_signing_key, signature_check, trusted_keys

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
    """The chain's answer (`ok` covers the checkpoints too) and, beside it, the checkpoints'.

    `events` and `head`: the intact events and the last intact hash. With `since_checkpoint`
    the events up to `from_seq - 1` are taken on the trust of the checkpoint's signature.
    """

    ok: bool
    events: int
    head: str
    broken_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0
    checkpoints_ok: bool = True
    broken_checkpoint: int | None = None
    checkpoint_reason: str = ""
    from_seq: int = 1
    since_checkpoint: int | None = None


# What the chain hashes, in `content_json`'s argument order; then the stored links.
_HASHED_COLUMNS = ("seq", "at", "actor_name", "action", "object_type", "object_id", "case_ref", "data")


def _chain_rows(chunk: int, after_seq: int = 0):
    """Each event after `after_seq` as (*hashed columns, prev_hash, hash), in seq order, `chunk` rows at a time."""
    if connection.vendor != "postgresql":
        rows = AuditEvent.objects.order_by("seq").values_list(*_HASHED_COLUMNS, "prev_hash", "hash")
        if after_seq:
            rows = rows.filter(seq__gt=after_seq)
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
        cursor.execute(
            f"SELECT {columns} FROM {quote(AuditEvent._meta.db_table)} WHERE {quote('seq')} > %s "
            f"ORDER BY {quote('seq')}",
            [after_seq],
        )
        while rows := cursor.fetchmany(chunk):
            for seq, at, actor_name, action, object_type, object_id, case_ref, data, prev_hash, hash_ in rows:
                data = {} if data == "{}" else json.loads(data)
                yield seq, at, actor_name, action, object_type, object_id, case_ref, data, prev_hash, hash_


def _walk_chain(chunk: int, *, after_seq: int, prev_hash: str, heads: dict[int, str]):
    """Recompute the chain after `after_seq`, starting from `prev_hash`.

    Returns (intact events, last intact hash, broken seq or None, reason, recomputed hashes
    at the seqs of `heads`). Checking `heads` costs one comparison of integers per event.
    """
    expected_seq, count = after_seq + 1, 0
    stops = iter(sorted(heads))
    stop = next(stops, None)
    seen = {}
    with closing(_chain_rows(chunk, after_seq)) as rows:
        for row in rows:
            seq, stored_prev, stored_hash = row[0], row[8], row[9]
            if seq != expected_seq:
                return count, prev_hash, seq, f"sequence gap: expected {expected_seq}", seen
            if stored_prev != prev_hash:
                return count, prev_hash, seq, "prev_hash does not match the previous event", seen
            if link_hash(prev_hash, content_json(*row[:8])) != stored_hash:
                return count, prev_hash, seq, "content does not match its hash", seen
            prev_hash, expected_seq, count = stored_hash, expected_seq + 1, count + 1
            if seq == stop:
                seen[seq] = stored_hash
                stop = next(stops, None)
    return count, prev_hash, None, "", seen


def _head_failure(checkpoint: AuditCheckpoint, seen: dict[int, str], end: int, broken_seq: int | None) -> str:
    """'' when the recomputed chain had the checkpoint's signed head at its seq; else why not."""
    if checkpoint.seq in seen:
        if seen[checkpoint.seq] == checkpoint.head:
            return ""
        return (
            f"the chain's recomputed hash at event {checkpoint.seq} is {seen[checkpoint.seq]}, "
            f"not the signed head {checkpoint.head}"
        )
    if broken_seq is not None:
        return f"the chain is broken at event {broken_seq}, before the signed event {checkpoint.seq}"
    return f"the chain ends at event {end}, before the signed event {checkpoint.seq}"


def _checkpoint_failures(checkpoints, keys, seen, end, broken_seq) -> list[tuple[AuditCheckpoint, str]]:
    failures = []
    for checkpoint in checkpoints:
        message = checkpoint_message(checkpoint.seq, checkpoint.head, checkpoint.signed_at)
        reason = signature_check(keys, key=checkpoint.key_id, signature=checkpoint.signature, message=message)
        reason = reason or _head_failure(checkpoint, seen, end, broken_seq)
        if reason:
            failures.append((checkpoint, reason))
    return failures


def _result(count, head, broken_seq, reason, checkpoints, failures, **extra) -> VerifyResult:
    if not checkpoints:
        status = "no checkpoint is signed"
    elif failures:
        checkpoint, why = min(failures, key=lambda f: (f[0].seq, f[0].pk))
        status = f"checkpoint {checkpoint.pk} (event {checkpoint.seq}, signed {checkpoint.signed_at:%Y-%m-%d}): {why}"
    else:
        status = ""
    broken = min(failures, key=lambda f: (f[0].seq, f[0].pk))[0].pk if failures else None
    return VerifyResult(
        ok=broken_seq is None and not failures,
        events=count,
        head=head,
        broken_seq=broken_seq,
        reason=reason,
        checkpoints=len(checkpoints),
        checkpoints_ok=not failures,
        broken_checkpoint=broken,
        checkpoint_reason=status,
        **extra,
    )


def audit_verify(*, chunk: int = 10000, since_checkpoint: bool = False) -> VerifyResult:
    """Recompute the chain from the first event and check every signed checkpoint against it.

    A checkpoint holds when its signature verifies with a trusted key (AUDIT_PUBLIC_KEYS)
    and the recomputed hash at its seq is its signed head; the first that does not is
    named. With `since_checkpoint`, only the events after the newest checkpoint whose
    signature verifies are recomputed, from its signed head (see `_verify_since`).
    Streams the rows as tuples and hashes the canonical text written straight from the
    columns: the same hashes as `compute_hash(prev, content_of(event))`.
    """
    if since_checkpoint:
        return _verify_since(chunk)
    checkpoints = list(AuditCheckpoint.objects.order_by("seq", "id"))
    keys = trusted_keys() if checkpoints else {}
    heads = {c.seq: c.head for c in checkpoints}
    count, head, broken_seq, reason, seen = _walk_chain(chunk, after_seq=0, prev_hash=GENESIS, heads=heads)
    failures = _checkpoint_failures(checkpoints, keys, seen, count, broken_seq)
    return _result(count, head, broken_seq, reason, checkpoints, failures)


def _verify_since(chunk: int) -> VerifyResult:
    """Recompute only the events after the newest checkpoint whose signature verifies, from its signed head.

    The log's own event at that seq must still carry the signed head. Newer checkpoints
    whose signatures fail are failures; with no good checkpoint the whole chain is verified.
    """
    keys = trusted_keys()
    newer = []
    base = None
    for checkpoint in AuditCheckpoint.objects.order_by("-seq", "-id").iterator(chunk_size=100):
        message = checkpoint_message(checkpoint.seq, checkpoint.head, checkpoint.signed_at)
        why = signature_check(keys, key=checkpoint.key_id, signature=checkpoint.signature, message=message)
        if not why:
            base = checkpoint
            break
        newer.append((checkpoint, why))
    if base is None:
        return audit_verify(chunk=chunk)
    checked = [*(c for c, _ in newer), base]
    stored = AuditEvent.objects.filter(seq=base.seq).values_list("hash", flat=True).first()
    if stored != base.head:
        why = (
            f"the log has no event {base.seq}"
            if stored is None
            else f"the log's event {base.seq} has hash {stored}, not the signed head {base.head}"
        )
        return _result(
            0, GENESIS, None, "", checked, [*newer, (base, why)], from_seq=base.seq + 1, since_checkpoint=base.pk
        )
    count, head, broken_seq, reason, _ = _walk_chain(chunk, after_seq=base.seq, prev_hash=base.head, heads={})
    return _result(
        base.seq + count, head, broken_seq, reason, checked, newer, from_seq=base.seq + 1, since_checkpoint=base.pk
    )


class CheckpointRefused(Exception):
    """A checkpoint cannot be signed: no key, an untrusted key, an empty or broken chain."""


def audit_checkpoint_sign(*, now: dt.datetime | None = None) -> AuditCheckpoint:
    """Sign the chain's verified head with the private key the environment holds; store the checkpoint.

    Refused (CheckpointRefused, or SigningKeyError when no key is configured) when the key's
    public half is not in AUDIT_PUBLIC_KEYS, the log is empty or the chain does not verify
    since the last good checkpoint: a signature must never vouch for a broken chain.
    """
    key = load_signing_key()
    fingerprint = key_id(key.public_key())
    if fingerprint not in trusted_keys():
        raise CheckpointRefused(
            f"The signing key's public key (id {fingerprint}) is not in AUDIT_PUBLIC_KEYS: "
            "publish it there first, or nobody could verify the checkpoint."
        )
    result = audit_verify(since_checkpoint=True)
    if not result.ok:
        where = f"event {result.broken_seq}: {result.reason}" if result.broken_seq else result.checkpoint_reason
        raise CheckpointRefused(f"The audit chain does not verify ({where}); nothing was signed.")
    if result.events == 0:
        raise CheckpointRefused("The audit log is empty: there is no head to sign.")
    signed_at = (now or timezone.now()).replace(microsecond=0)
    signature = key.sign(checkpoint_message(result.events, result.head, signed_at))
    return AuditCheckpoint.objects.create(
        seq=result.events,
        head=result.head,
        signed_at=signed_at,
        signature=base64.b64encode(signature).decode(),
        key_id=fingerprint,
    )
