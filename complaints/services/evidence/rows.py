"""What identifies an evidence row: its canonical URL, sender key, content hash and text signature."""

import datetime as dt
import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from conduct.detection.normalise import normalise_text
from members.normalise import PLATFORMS, normalise_account_id, normalise_email, normalise_handle, normalise_phone

CHUNK = 500


_HOST_ALIASES = {
    "x.com": "twitter.com",
    "mobile.twitter.com": "twitter.com",
    "mobile.x.com": "twitter.com",
    "m.facebook.com": "facebook.com",
    "mbasic.facebook.com": "facebook.com",
    "fb.com": "facebook.com",
    "m.youtube.com": "youtube.com",
}


_PLAIN_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.\-]+)((?:/[\x21\x22\x24-\x3e\x40-\x7e]*)?)\Z")


_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|igshid|mc_cid|mc_eid|ref|ref_src|ref_url|s|t|si)$")


def canonical_url(url: str) -> str:
    """One spelling per post: https, host aliases folded, no tracking parameters, no trailing slash."""
    url = (url or "").strip()
    if not url:
        return ""
    if url[:4].lower() == "mid:":  # an e-mail's Message-ID (RFC 2392): one spelling already
        return "mid:" + url[4:]
    plain = _PLAIN_URL.match(url)
    if plain:
        host, path, query = plain[1].lower(), plain[2], ""
    else:
        try:
            parts = urlsplit(url if "://" in url else "https://" + url)
        except ValueError:
            return url
        host, path, query = (parts.hostname or "").lower(), parts.path, parts.query
    host = host.removeprefix("www.")
    host = _HOST_ALIASES.get(host, host)
    if query:
        query = urlencode(sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _TRACKING.match(k)))
    path = path.rstrip("/") or ""
    if host in ("twitter.com", "facebook.com", "instagram.com", "tiktok.com"):
        path = path.lower()
    return urlunsplit(("https", host, path, query, ""))


def sender_key(item: dict) -> str:
    """The sender's normal form, `kind:platform:value`; empty when the item names nobody."""
    channel = item.get("channel", "")
    if item.get("author_account") and channel in PLATFORMS:  # an account id outlives handle changes
        value = normalise_account_id(item["author_account"])
        if value:
            return f"account_id:{channel}:{value}"
    if item.get("author_handle"):
        platform = channel if channel in PLATFORMS else ""
        value = normalise_handle(item["author_handle"], platform)
        if value:
            return f"handle:{platform}:{value}"
    if item.get("author_email"):
        return f"email::{normalise_email(item['author_email'])}"
    if item.get("author_phone"):
        return f"phone::{normalise_phone(item['author_phone'])}"
    return ""


def content_hash(item: dict, key: str, url_canonical: str) -> str:
    """Duplicates share this: the same post URL, or the same sender, text and time."""
    if url_canonical:
        basis = "url\x00" + url_canonical
    else:
        occurred = item["occurred_at"]
        basis = "\x00".join(["post", key, (item.get("text") or "").strip(), occurred.astimezone(dt.UTC).isoformat()])
    return hashlib.sha256(basis.encode()).hexdigest()


_HASHTAG_OR_MENTION = re.compile(r"[#@]\w+|https?://\S+")


FILLER_WORDS = frozenset(
    "rt if you agree pathetic lol lmao omg please pls share retweet so just really wow ugh".split()
)


def text_signature(text: str) -> str:
    """Near-identical texts share this: hashtags, links, punctuation, emoji and filler words do not count."""
    words = [w for w in normalise_text(_HASHTAG_OR_MENTION.sub(" ", text or "")).split() if w not in FILLER_WORDS]
    if len(words) < 3:
        return ""
    return hashlib.sha256(" ".join(words).encode()).hexdigest()
