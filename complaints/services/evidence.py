"""Taking evidence in: normal forms, duplicates, attribution to members, cases per member sender.

Built for volume: one batch of 25,000 items costs a fixed number of queries per
500 rows, never one per item.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from audit.services import audit_record
from complaints.models import Campaign, Case, Complaint, Evidence
from conduct.indicators import Lexicon, normalise_text
from conduct.models import Severity
from core import roles
from core.errors import ConflictError, PermissionDenied
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
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|igshid|mc_cid|mc_eid|ref|ref_src|ref_url|s|t|si)$")


def canonical_url(url: str) -> str:
    """One spelling per post: https, host aliases folded, no tracking parameters, no trailing slash."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower().removeprefix("www.")
    host = _HOST_ALIASES.get(host, host)
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    )
    path = parts.path.rstrip("/") or ""
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
        for case in new:
            audit_record(
                actor=actor,
                action="case.open",
                object_type="complaints.case",
                object_id=case.reference,
                case_ref=case.reference,
                data={"complaint": complaint.reference, "respondent": case.respondent_id},
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
    for item in items:
        key = sender_key(item)
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
    for i in range(0, len(hashes), CHUNK):
        existing.update(
            Evidence.objects.filter(complaint=complaint, content_hash__in=hashes[i : i + CHUNK]).values_list(
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
        rows.append(
            Evidence(
                complaint=complaint,
                case=case,
                member_id=member_id,
                channel=item["channel"],
                author_handle=item.get("author_handle", ""),
                author_name=item.get("author_name", ""),
                author_email=item.get("author_email", ""),
                author_phone=item.get("author_phone", ""),
                sender_key=key,
                url=item.get("url", ""),
                url_canonical=url_c,
                text=text,
                occurred_at=item["occurred_at"],
                content_hash=h,
                categories=categories,
                severity=severity or Severity.LOW,
                threat=threat,
                signature=text_signature(text),
            )
        )
    Evidence.objects.bulk_create(rows, batch_size=CHUNK)
    result.created = len(rows)
    cases_refresh(case_ids=touched_cases, now=now)
    campaigns_detect(complaint=complaint, signatures={r.signature for r in rows if r.signature})
    result.digest = digest.hexdigest()
    if audit:
        audit_record(
            actor=actor,
            action="evidence.ingest",
            obj=complaint,
            data={
                **{k: v for k, v in result.as_dict().items() if k != "rejected"},
                "rejected": len(result.rejected),
                "digest": result.digest,
            },
        )
    return result


def member_ids_for_respondents(respondents: list[dict]) -> tuple[set[int], list[dict]]:
    """Resolve the respondents named in a complaint: (member ids, the unidentified ones)."""
    from core.errors import ValidationError

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
    """Recompute volume, threats and severity of cases from their evidence (one grouped query).

    Severity follows the worst item and the volume; a threat makes the case critical
    and starts the police-referral clock if it has not started.
    """
    if not case_ids:
        return
    conf = settings.CONDUCT
    stats = {
        row["case"]: row
        for row in Evidence.objects.filter(case_id__in=case_ids)
        .values("case")
        .annotate(n=Count("pk"), worst=Max("severity"), threats=Count("pk", filter=Q(threat=True)))
    }
    cases = list(Case.objects.filter(pk__in=case_ids))
    for case in cases:
        row = stats.get(case.pk, {"n": 0, "worst": Severity.LOW, "threats": 0})
        volume = (
            Severity.HIGH
            if row["n"] >= conf["VOLUME_HIGH"]
            else Severity.MEDIUM
            if row["n"] >= conf["VOLUME_MEDIUM"]
            else Severity.LOW
        )
        case.evidence_count, case.threat_count = row["n"], row["threats"]
        case.severity = max(case.severity, row["worst"] or Severity.LOW, volume)
        if row["threats"]:
            case.severity = Severity.CRITICAL
            if case.police_referral_due is None:
                case.police_referral_due = now + dt.timedelta(hours=conf["POLICE_REFERRAL_HOURS"])
    Case.objects.bulk_update(
        cases, ["evidence_count", "threat_count", "severity", "police_referral_due"], batch_size=CHUNK
    )


def campaigns_detect(*, complaint: Complaint, signatures) -> list[Campaign]:
    """Group near-identical texts sent by enough distinct senders in one burst into campaigns.

    For each text signature, the busiest window (24 hours by default) is found; the
    signature is a campaign when that window holds at least the minimum of distinct
    senders and nearly all of the signature's items (95% by default). A phrase that
    recurs over weeks, however common, is abuse but not a coordinated campaign.
    """
    conf = settings.CONDUCT
    window = dt.timedelta(hours=conf["CAMPAIGN_WINDOW_HOURS"])
    found = []
    signatures = sorted(signatures)
    for i in range(0, len(signatures), CHUNK):
        rows = (
            Evidence.objects.filter(complaint=complaint, signature__in=signatures[i : i + CHUNK])
            .order_by("signature", "occurred_at", "pk")
            .values_list("pk", "signature", "occurred_at", "sender_key", "text")
        )
        by_signature: dict[str, list] = {}
        for row in rows:
            by_signature.setdefault(row[1], []).append(row)
        for signature, items in by_signature.items():
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
                    "first_at": burst[0][2],
                    "last_at": burst[-1][2],
                },
            )
            ids = [r[0] for r in burst]
            for j in range(0, len(ids), CHUNK):
                Evidence.objects.filter(pk__in=ids[j : j + CHUNK]).update(campaign=campaign)
            found.append(campaign)
    return found


def _busiest_window(items: list, window: dt.timedelta) -> list:
    """The longest run of time-ordered items that fits in `window`."""
    best, start = (0, 0), 0
    for end in range(len(items)):
        while items[end][2] - items[start][2] > window:
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
            action="evidence.attribute",
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
