"""Ed25519 keys and the signed message of an audit checkpoint.

A checkpoint signs, as UTF-8 bytes, exactly

    ru-audit-checkpoint-v1|<seq>|<head>|<signed_at>

where <seq> is the decimal sequence number of the last event covered, <head> that
event's hash (64 lowercase hex digits) and <signed_at> the signing time in UTC as
`YYYY-MM-DDTHH:MM:SSZ`. Anyone holding the published public key can check it with any
Ed25519 implementation; nothing in it depends on this code.

The private key is read from the environment only when signing (`AUDIT_SIGNING_KEY_FILE`,
a PEM file, or `AUDIT_SIGNING_KEY`, PEM or the base64 of the 32 raw bytes). It is not a
Django setting, so no settings dump, error page or web process holds it; run the app
servers without those variables. The keys trusted for verification are the setting
`AUDIT_PUBLIC_KEYS` (base64 of the 32 raw bytes, comma-separated).
"""

import base64
import binascii
import datetime as dt
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

MESSAGE_PREFIX = "ru-audit-checkpoint-v1"
KEY_FILE_VARIABLE = "AUDIT_SIGNING_KEY_FILE"
KEY_VARIABLE = "AUDIT_SIGNING_KEY"


class SigningKeyError(Exception):
    """No signing key is configured, or the one configured cannot be read."""


def signed_at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def checkpoint_message(seq: int, head: str, signed_at: dt.datetime) -> bytes:
    """The exact bytes a checkpoint signs (see the module's docstring)."""
    return f"{MESSAGE_PREFIX}|{int(seq)}|{head}|{signed_at_text(signed_at)}".encode()


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """The form `AUDIT_PUBLIC_KEYS` and the transparency report use: base64 of the 32 raw bytes."""
    return base64.b64encode(raw_public_key(public_key)).decode()


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's fingerprint: the first 16 hex digits of SHA-256 over its 32 raw bytes."""
    return hashlib.sha256(raw_public_key(public_key)).hexdigest()[:16]


def _private_key_from_text(text: str, source: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise SigningKeyError(f"{source} is not an Ed25519 private key (PEM, or base64 of 32 raw bytes).") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{source} holds a private key, but not an Ed25519 one.")
    return key


def load_signing_key() -> Ed25519PrivateKey:
    """The private key from `AUDIT_SIGNING_KEY_FILE` or `AUDIT_SIGNING_KEY`; SigningKeyError when neither is set."""
    path = os.environ.get(KEY_FILE_VARIABLE, "").strip()
    if path:
        try:
            text = Path(path).read_text(encoding="ascii")
        except OSError as exc:
            raise SigningKeyError(f"{KEY_FILE_VARIABLE}={path} cannot be read: {exc.strerror}.") from exc
        return _private_key_from_text(text, f"{KEY_FILE_VARIABLE}={path}")
    text = os.environ.get(KEY_VARIABLE, "")
    if text.strip():
        return _private_key_from_text(text, KEY_VARIABLE)
    raise SigningKeyError(
        f"No audit signing key: set {KEY_FILE_VARIABLE} (a PEM file) or {KEY_VARIABLE} for the signing process "
        "(`python manage.py audit_keygen --out FILE` makes one)."
    )


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys of `AUDIT_PUBLIC_KEYS` by key id. A malformed entry is a configuration error."""
    keys = {}
    for text in getattr(settings, "AUDIT_PUBLIC_KEYS", []) or []:
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
        except (ValueError, binascii.Error) as exc:
            raise SigningKeyError(
                f"AUDIT_PUBLIC_KEYS holds {text!r}, not the base64 of an Ed25519 public key."
            ) from exc
        keys[key_id(key)] = key
    return keys


def signature_check(keys: dict[str, Ed25519PublicKey], *, key: str, signature: str, message: bytes) -> str:
    """'' when `signature` (base64) over `message` verifies with the trusted key `key`; else why not."""
    public_key = keys.get(key)
    if public_key is None:
        return f"signed with key {key}, which is not among the trusted keys (AUDIT_PUBLIC_KEYS)"
    try:
        public_key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return f"the signature does not verify with trusted key {key}"
    return ""
