"""Taking evidence in: normal forms, duplicates, attribution to members, cases per member sender.

Built for volume: one batch of 25,000 items costs a fixed number of queries per
500 rows, never one per item.
"""

import datetime as dt
import hashlib
import json
import operator
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case as Choose
from django.db.models import Count, F, IntegerField, Max, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from audit.events import Event
from audit.services import audit_record, audit_record_many
from complaints.models import Campaign, Case, Complaint, Evidence
from conduct.indicators import Lexicon, normalise_text
from conduct.models import Severity
from core import roles
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Identity, Member
from members.normalise import PLATFORMS, normalise_email, normalise_handle, normalise_phone

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
# http(s)://host/path in printable ASCII, with no user, port, query or fragment: what urlsplit
# would make of it (host and path) read off directly, several times faster.
_PLAIN_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.\-]+)((?:/[\x21\x22\x24-\x3e\x40-\x7e]*)?)\Z")
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|igshid|mc_cid|mc_eid|ref|ref_src|ref_url|s|t|si)$")


def canonical_url(url: str) -> str:
    """One spelling per post: https, host aliases folded, no tracking parameters, no trailing slash."""
    url = (url or "").strip()
    if not url:
        return ""
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


def members_for_senders(keys) -> dict[str, int]:
    """Map sender keys to member ids through members' normalised identities (chunked)."""
    by_kind: dict[tuple[str, str], set[str]] = {}
    for key in keys:
        if not key:
            continue
        kind, platform, value = key.split(":", 2)
        by_kind.setdefault((kind, platform), set()).add(value)
    found: dict[str, int] = {}
    for (kind, platform), values in by_kind.items():
        values = sorted(values)
        for i in range(0, len(values), CHUNK):
            rows = Identity.objects.filter(kind=kind, normalised__in=values[i : i + CHUNK])
            if kind == Identity.Kind.HANDLE:
                rows = rows.filter(platform=platform)
            for normalised, member_id in rows.values_list("normalised", "member_id").order_by("member_id"):
                found.setdefault(f"{kind}:{platform}:{normalised}", member_id)
    return found


def next_case_reference(complaint: Complaint, taken: int) -> str:
    return f"{complaint.reference}-{taken + 1:03d}"


def cases_for_members(*, complaint: Complaint, member_ids, actor, now) -> tuple[dict[int, Case], int]:
    """The complaint's open case for each member, opening the missing ones. Returns (cases, opened)."""
    member_ids = set(member_ids)
    if complaint.complainant_id:
        member_ids.discard(complaint.complainant_id)
    cases = {c.respondent_id: c for c in complaint.cases.filter(respondent_id__in=member_ids)}
    missing = sorted(member_ids - set(cases))
    if missing:
        # The complaint row is locked by the caller, so numbering cannot race.
        taken = complaint.cases.count()
        new = []
        for offset, member_id in enumerate(missing):
            new.append(
                Case(
                    reference=next_case_reference(complaint, taken + offset),
                    complaint=complaint,
                    respondent_id=member_id,
                    opened_at=now,
                )
            )
        Case.objects.bulk_create(new, batch_size=CHUNK)
        for case in Case.objects.filter(complaint=complaint, respondent_id__in=missing):
            cases[case.respondent_id] = case
        audit_record_many(
            actor=actor,
            events=[
                {
                    "action": Event.CASE_OPEN,
                    "object_type": "complaints.case",
                    "object_id": case.reference,
                    "case_ref": case.reference,
                    "data": {"complaint": complaint.reference, "respondent": case.respondent_id},
                }
                for case in new
            ],
        )
    return cases, len(missing)


@dataclass
class IngestResult:
    received: int = 0
    created: int = 0
    duplicates: int = 0
    attributed: int = 0
    threats: int = 0
    cases_opened: int = 0
    rejected: list = field(default_factory=list)
    digest: str = ""

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "created": self.created,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "attributed": self.attributed,
            "threats": self.threats,
            "cases_opened": self.cases_opened,
        }


def evidence_ingest(
    *, complaint: Complaint, items: list[dict], actor, now=None, audit: bool = True, rejected: list | None = None
) -> IngestResult:
    """Store valid evidence items on a complaint (caller holds a transaction and the complaint lock).

    Duplicates, within the batch and against what the complaint holds, are counted and
    skipped. Senders are attributed to members and each member sender's case is opened
    or reused. One audit event records the batch with its counts and a digest.
    """
    now = now or timezone.now()
    rejected = rejected or []
    result = IngestResult(received=len(items) + len(rejected), rejected=rejected)
    digest = hashlib.sha256()
    prepared = []
    seen = set()
    # A wave repeats its senders and texts many times over: normalise each once per batch.
    keys_by_sender: dict[tuple, str] = {}
    for item in items:
        sender = (
            item.get("channel", ""),
            item.get("author_handle"),
            item.get("author_email"),
            item.get("author_phone"),
        )
        key = keys_by_sender.get(sender)
        if key is None:
            key = keys_by_sender[sender] = sender_key(item)
        url_c = canonical_url(item.get("url", ""))
        h = content_hash(item, key, url_c)
        digest.update(h.encode())
        if h in seen:
            result.duplicates += 1
            continue
        seen.add(h)
        prepared.append((item, key, url_c, h))
    hashes = [p[3] for p in prepared]
    existing = set()
    if hashes and Evidence.objects.filter(complaint=complaint).exists():
        # SQLite bounds a statement's parameters (999); elsewhere fewer, larger lookups save round trips.
        batch = CHUNK if connection.features.max_query_params else 10 * CHUNK
        for i in range(0, len(hashes), batch):
            existing.update(
                Evidence.objects.filter(complaint=complaint, content_hash__in=hashes[i : i + batch]).values_list(
                    "content_hash", flat=True
                )
            )
    if existing:
        result.duplicates += sum(1 for p in prepared if p[3] in existing)
        prepared = [p for p in prepared if p[3] not in existing]
    lexicon = Lexicon.load()
    member_by_key = members_for_senders({p[1] for p in prepared})
    cases, result.cases_opened = cases_for_members(
        complaint=complaint, member_ids=set(member_by_key.values()), actor=actor, now=now
    )
    rows = []
    touched_cases: set[int] = set()
    signatures: dict[str, str] = {}
    for item, key, url_c, h in prepared:
        member_id = member_by_key.get(key)
        case = cases.get(member_id) if member_id else None
        if member_id:
            result.attributed += 1
        if case is not None:
            touched_cases.add(case.pk)
        text = item.get("text", "")
        categories, severity = lexicon.flag(text)
        threat = THREAT in categories
        result.threats += threat
        signature = signatures.get(text)
        if signature is None:
            signature = signatures[text] = text_signature(text)
        rows.append(
            {
                "complaint_id": complaint.pk,
                "case_id": case.pk if case is not None else None,
                "member_id": member_id,
                "channel": item["channel"],
                "author_handle": item.get("author_handle", ""),
                "author_name": item.get("author_name", ""),
                "author_email": item.get("author_email", ""),
                "author_phone": item.get("author_phone", ""),
                "sender_key": key,
                "url": item.get("url", ""),
                "url_canonical": url_c,
                "text": text,
                "occurred_at": item["occurred_at"],
                "content_hash": h,
                "signature": signature,
                "categories": categories,
                "severity": severity or Severity.LOW,
                "threat": threat,
                "campaign_id": None,
            }
        )
    for index, campaign in campaigns_detect(complaint=complaint, incoming=rows).items():
        rows[index]["campaign_id"] = campaign.pk
    evidence_insert(rows)
    result.created = len(rows)
    cases_refresh(case_ids=touched_cases, now=now)
    result.digest = digest.hexdigest()
    if audit:
        audit_record(
            actor=actor,
            action=Event.EVIDENCE_INGEST,
            obj=complaint,
            data={
                **{k: v for k, v in result.as_dict().items() if k != "rejected"},
                "rejected": len(result.rejected),
                "digest": result.digest,
            },
        )
    return result


# The columns a new evidence row is written with, as attribute names.
_PLAIN_COLUMNS = (
    "complaint_id",
    "case_id",
    "member_id",
    "channel",
    "author_handle",
    "author_name",
    "author_email",
    "author_phone",
    "sender_key",
    "url",
    "url_canonical",
    "text",
    "content_hash",
    "signature",
    "severity",
    "threat",
    "campaign_id",
)
_ADAPTED_COLUMNS = ("occurred_at", "categories", "created_at", "attachment")


def evidence_insert(rows: list[dict]) -> None:
    """Write checked evidence rows (dicts keyed by attribute name) as one stream: COPY on
    PostgreSQL, one executemany elsewhere.

    bulk_create would send every value of every row through its field's preparation (half
    a million calls for a 25,000-item wave), costing more than all the checking,
    normalising and flagging put together. These values are plain strings, numbers and
    ids already, so only the date-times go through the backend's adapter and the JSON list
    is written as JSON text, as JSONField does. No model signals are sent (none listen for
    Evidence).
    """
    if not rows:
        return
    ops = connection.ops
    encoder = Evidence._meta.get_field("categories").encoder
    created_at = ops.adapt_datetimefield_value(timezone.now())  # as auto_now_add would
    adapt_time = ops.adapt_datetimefield_value
    as_json: dict[tuple, str] = {}
    plain = operator.itemgetter(*_PLAIN_COLUMNS)
    values = []
    for row in rows:
        categories = tuple(row["categories"])
        if categories not in as_json:
            as_json[categories] = json.dumps(list(categories), cls=encoder)
        # No attachment: the ORM writes an empty FileField as "".
        values.append((*plain(row), adapt_time(row["occurred_at"]), as_json[categories], created_at, ""))
    column_of = {f.attname: f.column for f in Evidence._meta.concrete_fields}
    table = ops.quote_name(Evidence._meta.db_table)
    columns = ", ".join(ops.quote_name(column_of[name]) for name in _PLAIN_COLUMNS + _ADAPTED_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            placeholders = ", ".join(["%s"] * (len(_PLAIN_COLUMNS) + len(_ADAPTED_COLUMNS)))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


def member_ids_for_respondents(respondents: list[dict]) -> tuple[set[int], list[dict]]:
    """Resolve the respondents named in a complaint: (member ids, the unidentified ones)."""
    ids, unidentified = set(), []
    numbers = [r["membership_number"] for r in respondents if r.get("membership_number")]
    known = dict(Member.objects.filter(membership_number__in=numbers).values_list("membership_number", "pk"))
    for i, r in enumerate(respondents):
        if r.get("membership_number"):
            if r["membership_number"] not in known:
                raise ValidationError(
                    f"Item {i}: unknown membership number '{r['membership_number']}'.", field="respondents"
                )
            ids.add(known[r["membership_number"]])
            continue
        item = {
            "channel": r.get("platform", ""),
            "author_handle": r.get("handle", ""),
            "author_email": r.get("email", ""),
            "author_phone": r.get("phone", ""),
        }
        key = sender_key(item)
        member_id = members_for_senders([key]).get(key) if key else None
        if member_id:
            ids.add(member_id)
        else:
            unidentified.append({k: v for k, v in r.items() if v})
    return ids, unidentified


THREAT = "threat_of_violence"


def cases_refresh(*, case_ids, now) -> None:
    """Recompute volume, threats and severity of cases from their evidence (one UPDATE per 500 cases).

    Severity follows the worst item and the volume; a threat makes the case critical
    and starts the police-referral clock if it has not started.
    """
    if not case_ids:
        return
    conf = settings.CONDUCT
    evidence = Evidence.objects.filter(case=OuterRef("pk")).order_by().values("case")
    number = IntegerField()
    count = Coalesce(Subquery(evidence.annotate(n=Count("pk")).values("n")), 0, output_field=number)
    threats = Coalesce(
        Subquery(evidence.filter(threat=True).annotate(n=Count("pk")).values("n")), 0, output_field=number
    )
    worst = Coalesce(
        Subquery(evidence.annotate(worst=Max("severity")).values("worst")), Severity.LOW, output_field=number
    )
    volume = Choose(
        When(GreaterThanOrEqual(count, conf["VOLUME_HIGH"]), then=Value(Severity.HIGH)),
        When(GreaterThanOrEqual(count, conf["VOLUME_MEDIUM"]), then=Value(Severity.MEDIUM)),
        default=Value(Severity.LOW),
        output_field=number,
    )
    threatened = GreaterThan(threats, 0)
    due = now + dt.timedelta(hours=conf["POLICE_REFERRAL_HOURS"])
    case_ids = sorted(case_ids)
    for i in range(0, len(case_ids), CHUNK):
        Case.objects.filter(pk__in=case_ids[i : i + CHUNK]).update(
            evidence_count=count,
            threat_count=threats,
            severity=Choose(
                When(threatened, then=Value(Severity.CRITICAL)),
                default=Greatest(F("severity"), worst, volume, output_field=number),
                output_field=number,
            ),
            police_referral_due=Choose(
                When(police_referral_due__isnull=False, then=F("police_referral_due")),
                When(threatened, then=Value(due)),
                default=None,
            ),
        )


_TIME_ORDER = operator.itemgetter(0, 1, 2)


def campaigns_detect(*, complaint: Complaint, incoming: list[dict]) -> dict[int, Campaign]:
    """Group near-identical texts sent by enough distinct senders in one burst into campaigns.

    For each text signature of the incoming rows (not stored yet), the busiest window (24
    hours by default) over the complaint's stored and incoming items is found; the
    signature is a campaign when that window holds at least the minimum of distinct
    senders and nearly all of the signature's items (95% by default). A phrase that
    recurs over weeks, however common, is abuse but not a coordinated campaign. Stored
    items of a burst are linked here; returns {index in incoming: campaign} for the rest.
    """
    conf = settings.CONDUCT
    window = dt.timedelta(hours=conf["CAMPAIGN_WINDOW_HOURS"])
    # Each item is (occurred_at, stored first, pk or index, sender key, text): sorted, the
    # order of the stored items by time then pk, incoming ones being stored after them.
    by_signature: dict[str, list] = {}
    for index, row in enumerate(incoming):
        if row["signature"]:
            by_signature.setdefault(row["signature"], []).append(
                (row["occurred_at"], 1, index, row["sender_key"], row["text"])
            )
    signatures = sorted(by_signature)
    for i in range(0, len(signatures), CHUNK):
        stored = Evidence.objects.filter(complaint=complaint, signature__in=signatures[i : i + CHUNK]).values_list(
            "pk", "signature", "occurred_at", "sender_key", "text"
        )
        for pk, signature, occurred_at, key, text in stored:
            by_signature[signature].append((occurred_at, 0, pk, key, text))
    found: dict[int, Campaign] = {}
    for signature in signatures:
        items = sorted(by_signature[signature], key=_TIME_ORDER)
        burst = _busiest_window(items, window)
        senders = {r[3] for r in burst if r[3]}
        if len(senders) < conf["CAMPAIGN_MIN_SENDERS"] or len(burst) < conf["CAMPAIGN_CONCENTRATION"] * len(items):
            continue
        campaign, _ = Campaign.objects.update_or_create(
            complaint=complaint,
            signature=signature,
            defaults={
                "sample_text": burst[0][4][:1000],
                "senders": len(senders),
                "items": len(burst),
                "first_at": burst[0][0],
                "last_at": burst[-1][0],
            },
        )
        ids = [r[2] for r in burst if r[1] == 0]
        for j in range(0, len(ids), CHUNK):
            Evidence.objects.filter(pk__in=ids[j : j + CHUNK]).update(campaign=campaign)
        found.update((r[2], campaign) for r in burst if r[1] == 1)
    return found


def _busiest_window(items: list, window: dt.timedelta) -> list:
    """The longest run of time-ordered items (time first) that fits in `window`."""
    best, start = (0, 0), 0
    for end in range(len(items)):
        while items[end][0] - items[start][0] > window:
            start += 1
        if end - start > best[1] - best[0]:
            best = (start, end)
    return items[best[0] : best[1] + 1]


def evidence_attribute_waiting(*, identities, actor=None, now=None) -> int:
    """Attribute evidence waiting on unidentified senders to the members whose identities were just
    registered, opening (or reusing) one case per member per complaint. Returns items attributed."""
    now = now or timezone.now()
    member_by_key = {
        f"{i.kind}:{i.platform if i.kind == 'handle' else ''}:{i.normalised}": i.member_id
        for i in identities
        if i.normalised
    }
    if not member_by_key:
        return 0
    keys = sorted(member_by_key)
    waiting: dict[int, list[tuple[int, str]]] = {}
    for i in range(0, len(keys), CHUNK):
        for pk, complaint_id, key in Evidence.objects.filter(
            member__isnull=True, sender_key__in=keys[i : i + CHUNK]
        ).values_list("pk", "complaint_id", "sender_key"):
            waiting.setdefault(complaint_id, []).append((pk, key))
    attributed = 0
    for complaint in Complaint.objects.select_for_update().filter(pk__in=list(waiting)):
        items = waiting[complaint.pk]
        member_ids = {member_by_key[key] for _, key in items}
        cases, opened = cases_for_members(complaint=complaint, member_ids=member_ids, actor=actor, now=now)
        by_member: dict[int, list[int]] = {}
        for pk, key in items:
            by_member.setdefault(member_by_key[key], []).append(pk)
        for member_id, pks in by_member.items():
            case = cases.get(member_id)
            for j in range(0, len(pks), CHUNK):
                Evidence.objects.filter(pk__in=pks[j : j + CHUNK]).update(member_id=member_id, case=case)
            attributed += len(pks)
        cases_refresh(case_ids={c.pk for c in cases.values()}, now=now)
        audit_record(
            actor=actor,
            action=Event.EVIDENCE_ATTRIBUTE,
            obj=complaint,
            data={"items": len(items), "members": len(member_ids), "cases_opened": opened},
        )
    return attributed


@transaction.atomic
def evidence_upload(*, complaint: Complaint, items: list[dict], rejected: list[dict], actor, now=None) -> IngestResult:
    """Store a validated bulk upload on a complaint (the owner or an officer), as one audited batch."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == Complaint.Status.CLOSED:
        raise ConflictError("The complaint is closed; open a new one for new evidence.")
    is_owner = complaint.filed_by_id == actor.pk
    if not is_owner and not roles.has_role(actor, roles.OFFICER):
        raise PermissionDenied("Only the complainant or an officer can add evidence.")
    result = evidence_ingest(complaint=complaint, items=items, actor=actor, now=now, rejected=rejected)
    return result
