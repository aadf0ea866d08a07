"""Hashing of audit events: canonical JSON, chained by the previous event's hash."""

import hashlib
import json

GENESIS = "0" * 64


def canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_content(*, seq, at, actor_name, action, object_type, object_id, case_ref, data) -> dict:
    return {
        "seq": seq,
        "at": at.isoformat(),
        "actor": actor_name,
        "action": action,
        "object": f"{object_type}:{object_id}",
        "case": case_ref,
        "data": data,
    }


def compute_hash(prev_hash: str, content: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode()).hexdigest()


def content_of(event) -> dict:
    return event_content(
        seq=event.seq,
        at=event.at,
        actor_name=event.actor_name,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        case_ref=event.case_ref,
        data=event.data,
    )
