"""Hashing of audit events: canonical JSON, chained by the previous event's hash.

An event's hash is SHA-256 over `prev_hash` followed by `canonical(event_content(...))`:
the content as JSON with sorted keys, no spaces and non-ASCII characters kept as they
are. `content_json` writes the same text directly from the column values, so that
verifying the whole chain need not build a dictionary and re-sort it for every event.
"""

import hashlib
import json

GENESIS = "0" * 64

# The string encoder json.dumps itself uses with ensure_ascii=False.
_string = json.encoder.encode_basestring


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


def content_json(seq, at, actor_name, action, object_type, object_id, case_ref, data) -> str:
    """`canonical(event_content(...))` for these column values, character for character."""
    if not (
        type(seq) is int
        and type(actor_name) is str
        and type(action) is str
        and type(object_type) is str
        and type(object_id) is str
        and type(case_ref) is str
    ):
        return canonical(
            event_content(
                seq=seq,
                at=at,
                actor_name=actor_name,
                action=action,
                object_type=object_type,
                object_id=object_id,
                case_ref=case_ref,
                data=data,
            )
        )
    # The keys in sorted order: action, actor, at, case, data, object, seq.
    return "".join(
        (
            '{"action":',
            _string(action),
            ',"actor":',
            _string(actor_name),
            ',"at":',
            _string(at.isoformat()),
            ',"case":',
            _string(case_ref),
            ',"data":',
            "{}" if type(data) is dict and not data else canonical(data),
            ',"object":',
            _string(f"{object_type}:{object_id}"),
            ',"seq":',
            int.__repr__(seq),
            "}",
        )
    )


def compute_hash(prev_hash: str, content: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode()).hexdigest()


def link_hash(prev_hash: str, content: str) -> str:
    """The hash of an event whose canonical content (`content_json`) is `content`."""
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


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
