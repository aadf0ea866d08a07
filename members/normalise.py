"""Normal forms of the identities members are known by, so that "@RuthS",
"https://x.com/ruths" and " ruths " are one account.

A handle written with look-alike letters of another script stays a different
account: nothing here transliterates, it only folds case, width and compatibility
forms (NFKC) and strips what is never part of a handle.
"""

import re
import unicodedata
from urllib.parse import urlsplit

PLATFORMS = ("twitter", "facebook", "instagram", "tiktok")

# Zero-width and directional marks that people paste in without seeing them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
_PROFILE_HOSTS = {
    "twitter": {"twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com"},
    "facebook": {"facebook.com", "m.facebook.com", "fb.com", "mbasic.facebook.com"},
    "instagram": {"instagram.com"},
    "tiktok": {"tiktok.com"},
}
_ALL_HOSTS = {host for hosts in _PROFILE_HOSTS.values() for host in hosts}


def _clean(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "").translate(_INVISIBLE)
    return value.strip()


def normalise_handle(value: str, platform: str = "") -> str:
    """Lower case, no leading @, no profile URL around it, no invisible characters."""
    value = _clean(value)
    if not value:
        return ""
    lowered = value.casefold()
    candidate = lowered if "://" in lowered else "https://" + lowered
    try:
        parts = urlsplit(candidate)
    except ValueError:  # brackets and the like: free text, not a URL
        return lowered.lstrip("@").strip().strip("/")
    host = (parts.hostname or "").removeprefix("www.")
    if host in _ALL_HOSTS:
        path = [p for p in parts.path.split("/") if p]
        if host.endswith("facebook.com") and path[:1] == ["profile.php"]:
            query = dict(q.split("=", 1) for q in parts.query.split("&") if "=" in q)
            return query.get("id", "")
        value = path[0] if path else ""
    else:
        value = lowered
    value = value.lstrip("@").strip().strip("/")
    return value


def normalise_email(value: str) -> str:
    value = _clean(value).casefold()
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    return value


def normalise_phone(value: str, default_country: str = "44") -> str:
    """E.164-like digits: "07700 900123", "+44 7700 900123" and "0044..." give "+447700900123"."""
    value = _clean(value)
    if not value:
        return ""
    plus = value.startswith("+")
    digits = re.sub(r"\D", "", value)
    if not digits:
        return ""
    if plus:
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+" + default_country + digits[1:]
    if digits.startswith(default_country) and len(digits) > 10:
        return "+" + digits
    return "+" + default_country + digits


def normalise_account_id(value: str) -> str:
    """A platform's numeric account id: its digits, or empty when it holds anything else."""
    value = _clean(value)
    return value if value.isdigit() and value.isascii() else ""


def normalise(kind: str, value: str, platform: str = "") -> str:
    if kind == "account_id":
        return normalise_account_id(value)
    if kind == "email":
        return normalise_email(value)
    if kind == "phone":
        return normalise_phone(value)
    return normalise_handle(value, platform)


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def looks_like_email(value: str) -> bool:
    return bool(EMAIL_RE.match(value))


def looks_like_phone(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return 7 <= len(digits) <= 15 and re.fullmatch(r"[\d\s()+\-.]+", value.strip()) is not None
