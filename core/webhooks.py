"""Signed webhooks: one signature scheme, used by the sender to sign and by a receiver to verify.

A request carries `X-Conduct-Timestamp: <unix seconds>` and
`X-Conduct-Signature: sha256=<hex>`, the HMAC-SHA256 with the shared secret of
"<timestamp>.<raw body>". Signing the timestamp with the body means a captured request
cannot be replayed later with a fresh timestamp, and the receiver refuses any timestamp
outside its replay window.
"""

import datetime as dt
import hashlib
import hmac
import time

PREFIX = "sha256="
REPLAY_WINDOW_SECONDS = 300


def _bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """The `X-Conduct-Signature` value for `body` sent at `timestamp` (unix seconds)."""
    message = _bytes(str(timestamp)) + b"." + _bytes(body)
    return PREFIX + hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: int | str,
    body: bytes | str,
    signature: str,
    now: float | dt.datetime | None = None,
    window_seconds: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """Whether `signature` signs exactly this body and timestamp with `secret`, and the timestamp
    lies within `window_seconds` of `now` (either way: a stale or a future timestamp is a replay)."""
    if not secret or not isinstance(signature, str):
        return False
    try:
        sent_at = int(str(timestamp))
    except ValueError:
        return False
    if now is None:
        now = time.time()
    elif isinstance(now, dt.datetime):
        now = now.timestamp()
    if abs(now - sent_at) > window_seconds:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
