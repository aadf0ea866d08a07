"""Threats and the police clock, per complaint, whoever sent them.

The clock belongs to the complaint: a police-referral decision is due a set number of
hours (`POLICE_REFERRAL_HOURS`, 24 by default) after the first threat item the engine
held as a threat (`Evidence.threat_since`: its upload, or the reclassification that
found it), never the message's own time. A referral, or a reasoned decision not to
refer, covers the threat items it names; items it does not cover (threats that arrived
later, or senders it left out) keep a clock running for a supplementary referral.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from complaints.models import Complaint, Evidence, PoliceReferral
from members.models import Member


def _referral_hours() -> dt.timedelta:
    return dt.timedelta(hours=settings.CONDUCT["POLICE_REFERRAL_HOURS"])


def covered_q() -> Exists:
    """Evidence covered by a police-referral decision (a referral or a reason not to refer)."""
    return Exists(PoliceReferral.evidence.through.objects.filter(evidence_id=OuterRef("pk")))


def uncovered_threats(complaint_ids=None):
    """Threat items no police-referral decision covers yet (optionally on some complaints)."""
    qs = Evidence.objects.filter(threat=True).filter(~covered_q())
    if complaint_ids is not None:
        qs = qs.filter(complaint_id__in=complaint_ids)
    return qs


@dataclass(frozen=True)
class Clock:
    """A complaint's police clock now: when it started, when it is due, and what it waits on."""

    first_threat_received_at: dt.datetime | None  # of the running clock; else of the first threat
    referral_due: dt.datetime | None
    overdue: bool
    pending: int  # threat items no decision covers
    threats: int
    supplementary: bool  # a decision was recorded before, so the running clock is for newer threats

    @property
    def running(self) -> bool:
        return self.pending > 0

    def as_dict(self) -> dict:
        return {
            "first_threat_received_at": self.first_threat_received_at,
            "referral_due": self.referral_due,
            "overdue": self.overdue,
            "pending": self.pending,
            "threats": self.threats,
            "supplementary": self.supplementary,
        }


def police_clock(*, complaint: Complaint, now: dt.datetime | None = None) -> Clock:
    """The complaint's police clock (one query, two when a decision was recorded)."""
    now = now or timezone.now()
    covered = covered_q()
    row = (
        Evidence.objects.filter(complaint=complaint, threat=True)
        .annotate(covered=covered)
        .aggregate(
            threats=Count("pk"),
            first=Min("threat_since"),
            pending=Count("pk", filter=Q(covered=False)),
            first_pending=Min("threat_since", filter=Q(covered=False)),
        )
    )
    if not row["threats"]:
        return Clock(None, None, False, 0, 0, False)
    if row["pending"]:
        start = row["first_pending"]
        due = start + _referral_hours()
        supplementary = PoliceReferral.objects.filter(complaint=complaint).exists()
        return Clock(start, due, now > due, row["pending"], row["threats"], supplementary)
    start = row["first"]
    return Clock(start, start + _referral_hours(), False, 0, row["threats"], False)


def clocks_running(*, now: dt.datetime | None = None, complaint_ids=None) -> list[dict]:
    """Every complaint with a running police clock, most urgent first (one query):
    [{"complaint_id", "reference", "started", "due", "pending", "overdue"}]."""
    now = now or timezone.now()
    rows = (
        uncovered_threats(complaint_ids)
        .values("complaint_id", "complaint__reference")
        .annotate(started=Min("threat_since"), pending=Count("pk"))
        .order_by("started", "complaint_id")
    )
    hours = _referral_hours()
    return [
        {
            "complaint_id": r["complaint_id"],
            "reference": r["complaint__reference"],
            "started": r["started"],
            "due": r["started"] + hours,
            "pending": r["pending"],
            "overdue": now > r["started"] + hours,
        }
        for r in rows
    ]


def register_key(sender_key: str, author_name: str) -> str:
    """The threat register's key for a sender: their normal form, else their name, else 'unknown'.

    Stable: the same sender on the same complaint always gets the same key, and referrals
    name senders by it.
    """
    if sender_key:
        return sender_key
    name = " ".join((author_name or "").casefold().split())
    return f"name::{name}" if name else "unknown::"


_ITEM_FIELDS = (
    "pk",
    "sender_key",
    "member_id",
    "channel",
    "author_handle",
    "author_email",
    "author_phone",
    "author_name",
    "occurred_at",
    "threat_since",
)


def threat_senders(*, complaint: Complaint, evidence_ids=None) -> list[dict]:
    """Every threat item on the complaint grouped by sender, member or not: most threats first,
    then the earliest first threat. Each sender: key, identity, member, count, how many no police-referral
    decision covers yet (`pending`), first/last time, items."""
    rows = Evidence.objects.filter(complaint=complaint, threat=True).order_by("occurred_at", "pk")
    if evidence_ids is not None:
        rows = rows.filter(pk__in=evidence_ids)
    senders: dict[str, dict] = {}
    for row in rows.annotate(covered=covered_q()).values(*_ITEM_FIELDS, "covered"):
        key = register_key(row["sender_key"], row["author_name"])
        sender = senders.get(key)
        if sender is None:
            sender = senders[key] = {
                "key": key,
                "channel": row["channel"],
                "handle": row["author_handle"],
                "email": row["author_email"],
                "phone": row["author_phone"],
                "name": row["author_name"],
                "member_id": row["member_id"],
                "threats": 0,
                "pending": 0,
                "first_at": row["occurred_at"],
                "last_at": row["occurred_at"],
                "items": [],
            }
        for field in ("handle", "email", "phone", "name"):
            if not sender[field]:
                sender[field] = row[f"author_{field}"]
        sender["member_id"] = sender["member_id"] or row["member_id"]
        sender["threats"] += 1
        sender["pending"] += not row["covered"]
        sender["last_at"] = row["occurred_at"]
        sender["items"].append(row["pk"])
    members = Member.objects.in_bulk([s["member_id"] for s in senders.values() if s["member_id"]])
    ordered = sorted(senders.values(), key=lambda s: (-s["threats"], s["first_at"], s["key"]))
    for sender in ordered:
        member = members.get(sender.pop("member_id"))
        sender["member"] = {"membership_number": member.membership_number, "name": member.name} if member else None
    return ordered


def referral_list(*, complaint: Complaint) -> list[PoliceReferral]:
    return list(
        PoliceReferral.objects.filter(complaint=complaint)
        .select_related("case", "recorded_by")
        .annotate(items=Count("evidence"))
        .order_by("recorded_at", "pk")
    )


def threat_register(*, complaint: Complaint, now: dt.datetime | None = None) -> dict:
    """The complaint's threat register: its police clock, the decisions recorded, and the senders."""
    clock = police_clock(complaint=complaint, now=now)
    return {
        **clock.as_dict(),
        "referrals": referral_list(complaint=complaint),
        "senders": threat_senders(complaint=complaint),
    }


def case_referral_made_exists():
    """On Case: a police-referral decision covers the case, one made on it or one on its complaint
    covering its respondent's threat items (so nobody records the same referral twice)."""
    on_case = PoliceReferral.objects.filter(case=OuterRef("pk"))
    covering = PoliceReferral.evidence.through.objects.filter(evidence__case=OuterRef("pk"))
    return Exists(on_case) | Exists(covering)


def case_referral_made(case) -> bool:
    """The predicate form of `case_referral_made_exists` for one case."""
    return (
        PoliceReferral.objects.filter(case=case).exists()
        or PoliceReferral.evidence.through.objects.filter(evidence__case=case).exists()
    )


def complaint_audit_q(complaint: Complaint) -> Q:
    """The complaint's audit events: on the complaint itself, on its cases, or naming it in their data."""
    return (
        Q(object_type="complaints.complaint", object_id=str(complaint.pk))
        | Q(case_ref__startswith=f"{complaint.reference}-")
        | Q(data__complaint=complaint.reference)
    )
