"""Every non-trivial read of complaints and cases, scoped to the caller's role."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils import timezone

from complaints.conflicts import complaint_conflicts_q, conflict_reason, conflicts_q
from complaints.models import (
    Appeal,
    Case,
    Complaint,
    Decision,
    Evidence,
    InterimSuspension,
    Sanction,
    UploadJob,
)
from complaints.selectors.threats import case_referral_made, case_referral_made_exists
from core import roles
from core.errors import NotFound
from members.models import Member


def _conf(name):
    return settings.CONDUCT[name]


def complaint_list(*, user):
    """Members: the complaints they filed. Officers and auditors: all. Panel: complaints of their cases.

    Staff never see a complaint they are conflicted with (they are a respondent, or tied to
    any party to it: `complaints.conflicts`), as if it did not exist; a complaint they filed
    themselves stays theirs to follow.
    """
    held = roles.user_roles(user)
    qs = Complaint.objects.all()
    if held & {roles.OFFICER, roles.AUDITOR}:
        pass
    elif roles.PANEL in held:
        qs = qs.filter(Q(cases__panel=user) | Q(cases__appeal_panel=user)).distinct()
    elif roles.MEMBER in held:
        qs = qs.filter(filed_by=user)
    else:
        return Complaint.objects.none()
    if held & set(roles.STAFF_ROLES):
        qs = qs.filter(Q(filed_by=user) | ~complaint_conflicts_q(user))
    return qs.prefetch_related(
        Prefetch(
            "cases",
            queryset=Case.objects.order_by("reference").prefetch_related(
                Prefetch("decisions", queryset=Decision.objects.order_by("decided_at", "pk"))
            ),
        ),
    ).order_by("-submitted_at", "-pk")


def complaint_get(*, user, reference: str) -> Complaint:
    complaint = complaint_list(user=user).filter(reference=reference).first()
    if complaint is None:
        raise NotFound("No complaint with that reference.")
    return complaint


def upload_job_get(*, user, job_id) -> UploadJob:
    """An upload job, for the member or officer who started it and for officers who may see its
    complaint; anyone else is told it does not exist."""
    job = UploadJob.objects.filter(pk=job_id).first()
    if job is not None and job.created_by_id != user.pk:
        may_see = roles.has_role(user, roles.OFFICER) and complaint_list(user=user).filter(pk=job.complaint_id).exists()
        job = job if may_see else None
    if job is None:
        raise NotFound("No upload job with that id.")
    return job


def evidence_list(*, complaint: Complaint):
    return Evidence.objects.filter(complaint=complaint).select_related("member").order_by("occurred_at", "pk")


def overdue_q(now: dt.datetime) -> Q:
    """Cases with a deadline passed: acknowledgement, response, police referral, decision."""
    ack = Q(
        status=Case.Status.RECEIVED,
        complaint__acknowledged_at__isnull=True,
        complaint__submitted_at__lt=now - dt.timedelta(days=_conf("ACKNOWLEDGE_DAYS")),
    )
    response = Q(status=Case.Status.AWAITING_RESPONSE, response_due__lt=now)
    police = Q(police_referral_due__lt=now) & ~case_referral_made_exists()
    decision = Q(
        status__in=[Case.Status.RECEIVED, Case.Status.INVESTIGATION, Case.Status.AWAITING_RESPONSE, Case.Status.PANEL],
        complaint__acknowledged_at__lt=now - dt.timedelta(days=_conf("DECISION_DAYS")),
    )
    return Q(status__in=Case.OPEN_STATUSES) & (ack | response | police | decision)


def case_list(*, user, now=None):
    """Officers and auditors: every case. Panel members: the cases they sit on. Others: none."""
    held = roles.user_roles(user)
    qs = Case.objects.all()
    if held & {roles.OFFICER, roles.AUDITOR}:
        pass
    elif roles.PANEL in held:
        qs = qs.filter(Q(panel=user) | Q(appeal_panel=user)).distinct()
    else:
        return Case.objects.none()
    return qs.select_related("respondent__constituency", "complaint", "assigned_to").order_by(
        "-severity", "-evidence_count", "opened_at", "pk"
    )


def case_queue(*, user):
    """The cases listed to the caller: an officer does not see the cases they are conflicted on."""
    qs = case_list(user=user)
    held = roles.user_roles(user)
    if roles.OFFICER in held and roles.AUDITOR not in held:
        qs = qs.exclude(conflicts_q(user))
    return qs


def case_detail_queryset(qs):
    return qs.select_related("complaint__complainant", "respondent", "assigned_to").prefetch_related(
        "categories",
        "panel",
        "appeal_panel",
        "police_referrals",
        "rules_charged",
        Prefetch("decisions", queryset=Decision.objects.order_by("decided_at", "pk")),
        Prefetch("sanctions", queryset=Sanction.objects.select_related("sanction_type").order_by("pk")),
        Prefetch("interim_suspensions", queryset=InterimSuspension.objects.filter(lifted_at__isnull=True)),
        "complaint__campaigns",
    )


def case_read(*, user, reference: str) -> Case:
    """A case for reading: as `case_get`, and 404 to staff conflicted with it, who must not read the
    case about themselves or those they are tied to. (Acting on it, they are refused in words: 403.)"""
    case = case_get(user=user, reference=reference)
    if roles.user_roles(user) & set(roles.STAFF_ROLES) and conflict_reason(user, case):
        raise NotFound("No case with that reference.")
    return case


def case_get(*, user, reference: str) -> Case:
    case = case_detail_queryset(case_list(user=user)).filter(reference=reference).first()
    if case is None:
        raise NotFound("No case with that reference.")
    return case


def case_deadlines(case: Case) -> dict:
    complaint = case.complaint
    decisions = list(case.decisions.all())
    latest = decisions[-1] if decisions else None
    ack_at = complaint.acknowledged_at
    return {
        "acknowledge_by": complaint.acknowledge_due,
        "decide_by": ack_at + dt.timedelta(days=_conf("DECISION_DAYS")) if ack_at else None,
        "response_due": case.response_due,
        "appeal_due": latest.appeal_due if latest else None,
        "police_referral_due": case.police_referral_due,
    }


def case_deadline_rows(case: Case, now: dt.datetime | None = None) -> list[dict]:
    """The case's deadlines in words, earliest first: {"key", "label", "what", "when", "pending", "late"}.

    `pending`: the deadline still waits on someone (the overdue rules: an unacknowledged
    complaint, a decision not yet made, a response awaited, a police-referral decision no
    referral covers); `late`: pending, the case open and the moment passed. A police-referral
    deadline a decision covers is left out. Reads `_referred` when the queryset annotated it
    with `case_referral_made_exists`, else asks (one query).
    """
    now = now or timezone.now()
    S = Case.Status
    meaning = {
        "acknowledge_by": ("acknowledge by", "acknowledgement", case.complaint.acknowledged_at is None),
        "decide_by": (
            "decide by",
            "decision",
            case.status in (S.RECEIVED, S.INVESTIGATION, S.AWAITING_RESPONSE, S.PANEL),
        ),
        "response_due": ("response due", "respondent's response", case.status == S.AWAITING_RESPONSE),
        "appeal_due": ("appeal window ends", "appeal window", False),
        "police_referral_due": ("police referral decision due", "police referral", True),
    }
    referred = getattr(case, "_referred", None)
    rows = []
    for key, when in case_deadlines(case).items():
        if when is None:
            continue
        if key == "police_referral_due":
            referred = case_referral_made(case) if referred is None else referred
            if referred:
                continue
        label, what, pending = meaning[key]
        late = pending and case.is_open and when < now
        rows.append({"key": key, "label": label, "what": what, "when": when, "pending": pending, "late": late})
    return sorted(rows, key=lambda row: row["when"])


def case_next_deadline(case: Case, now: dt.datetime | None = None) -> dict | None:
    """The nearest deadline still waiting on someone on an open case (an overdue one first), or None."""
    if not case.is_open:
        return None
    return next((row for row in case_deadline_rows(case, now) if row["pending"]), None)


def allegation_list(*, user):
    """The cases against the caller for which notice was issued."""
    member = roles.member_of(user)
    if member is None:
        return Case.objects.none()
    return (
        Case.objects.filter(respondent=member, notice_issued_at__isnull=False)
        .select_related("complaint__complainant")
        .prefetch_related(
            Prefetch("rules_charged"),
            Prefetch("evidence", queryset=Evidence.objects.order_by("occurred_at", "pk")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.order_by("decided_at", "pk").prefetch_related(
                    Prefetch("sanctions", queryset=Sanction.objects.select_related("sanction_type"))
                ),
            ),
            Prefetch("appeals", queryset=Appeal.objects.order_by("lodged_at")),
        )
        .order_by("-notice_issued_at", "pk")
    )


def allegation_get(*, user, reference: str) -> Case:
    case = allegation_list(user=user).filter(reference=reference).first()
    if case is None:
        raise NotFound("No allegation with that reference.")
    return case


# --- Auditors -----------------------------------------------------------------------


# What the register's serializer reads; nothing else is loaded for a page.
_REGISTER_COLUMNS = (
    "level",
    "duration_days",
    "conditions",
    "status",
    "departed_from_guidance",
    "imposed_on",
    "starts_on",
    "ends_on",
    "revoked_on",
    "member__membership_number",
    "member__first_name",
    "member__last_name",
    "constituency__name",
    "constituency__region__name",
    "sanction_type__code",
    "case__reference",
)


def sanction_list(*, today: dt.date | None = None):
    """The sanction register, newest first, loading only what its serializer reads.

    Rule and category codes are not prefetched: `sanction_codes_attach` reads them for
    a page in two queries without building a related manager and a queryset per row.
    """
    return (
        Sanction.objects.select_related("member", "constituency__region", "sanction_type", "case")
        .only(*_REGISTER_COLUMNS)
        .order_by("-imposed_on", "-pk")
    )


def sanction_codes_attach(sanctions: list[Sanction]) -> None:
    """Set `rule_codes` and `category_codes` (each sorted) on every sanction: two queries for any number."""
    ids = [s.pk for s in sanctions]
    if not ids:
        return
    rules, categories = {pk: [] for pk in ids}, {pk: [] for pk in ids}
    for pk, code in Sanction.rules.through.objects.filter(sanction_id__in=ids).values_list("sanction_id", "rule__code"):
        rules[pk].append(code)
    for pk, code in Sanction.categories.through.objects.filter(sanction_id__in=ids).values_list(
        "sanction_id", "category__code"
    ):
        categories[pk].append(code)
    for s in sanctions:
        s.rule_codes, s.category_codes = sorted(rules[s.pk]), sorted(categories[s.pk])


def sanction_status_q(status: str, today: dt.date) -> Q:
    """Effective status: a fixed-term sanction whose term ended is spent even before it is marked."""
    S = Sanction.Status
    if status == S.ACTIVE:
        return Q(status=S.ACTIVE) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if status == S.SPENT:
        return Q(status=S.SPENT) | Q(status=S.ACTIVE, ends_on__lt=today)
    return Q(status=status)


def member_history(*, member) -> list[dict]:
    """Every case, decision, sanction, interim suspension and appeal of a member, oldest first."""
    today = timezone.localdate()
    entries = []
    cases = list(Case.objects.filter(respondent=member).select_related("complaint").order_by("opened_at"))
    for case in cases:
        entries.append(
            {
                "at": case.opened_at,
                "kind": "case",
                "case": case.reference,
                "detail": {"status": case.status, "complaint": case.complaint.reference},
            }
        )
    decisions = Decision.objects.filter(case__respondent=member).select_related("case")
    for d in decisions:
        entries.append(
            {
                "at": d.decided_at,
                "kind": "decision",
                "case": d.case.reference,
                "detail": {
                    "outcome": d.outcome,
                    "informal": d.informal,
                    "reasons": d.reasons,
                    "departed_from_guidance": d.departed_from_guidance,
                    "confirmed_at": d.confirmed_at,
                },
            }
        )
    sanctions = Sanction.objects.filter(member=member).select_related("sanction_type", "case", "decision")
    for s in sanctions:
        entries.append(
            {
                "at": s.created_at,
                "kind": "sanction",
                "case": s.case.reference,
                "detail": {
                    "code": s.sanction_type.code,
                    "level": s.level,
                    "status": s.effective_status(today),
                    "starts_on": s.starts_on,
                    "ends_on": s.ends_on,
                    "revoked_on": s.revoked_on,
                },
            }
        )
    for i in InterimSuspension.objects.filter(member=member).select_related("case"):
        entries.append(
            {
                "at": i.imposed_at,
                "kind": "interim_suspension",
                "case": i.case.reference,
                "detail": {"reason": i.reason, "lifted_at": i.lifted_at, "next_review_due": i.next_review_due},
            }
        )
    for a in Appeal.objects.filter(case__respondent=member).select_related("case"):
        entries.append(
            {
                "at": a.lodged_at,
                "kind": "appeal",
                "case": a.case.reference,
                "detail": {"outcome": a.outcome, "decided_at": a.decided_at},
            }
        )
    entries.sort(key=lambda e: (e["at"], e["kind"]))
    return entries


def sender_ranking(*, complaint: Complaint, limit: int = 100) -> dict:
    """Senders of a complaint's evidence ranked by threats then volume, members and others apart.

    Internal to officers: never shown to complainants, respondents or in published figures.
    """
    rows = (
        Evidence.objects.filter(complaint=complaint)
        .values("sender_key", "member_id")
        .annotate(
            items=Count("pk"),
            threats=Count("pk", filter=Q(threat=True)),
            first_at=Min("occurred_at"),
            last_at=Max("occurred_at"),
        )
        .order_by("-threats", "-items", "sender_key")
    )
    members, others = [], []
    for row in rows:
        target = members if row["member_id"] else others
        if len(target) < limit:
            target.append(row)
    by_id = Member.objects.in_bulk([r["member_id"] for r in members])

    def shape(row):
        kind, platform, value = (
            (row["sender_key"].split(":", 2) + ["", "", ""])[:3] if row["sender_key"] else ("", "", "")
        )
        member = by_id.get(row["member_id"])
        return {
            "sender": value or None,
            "kind": kind or None,
            "platform": platform or None,
            "member": {"membership_number": member.membership_number, "name": member.name} if member else None,
            "items": row["items"],
            "threats": row["threats"],
            "first_at": row["first_at"],
            "last_at": row["last_at"],
        }

    return {"members": [shape(r) for r in members], "non_members": [shape(r) for r in others]}


def officers_on_duty():
    """The active logins holding the officer role (the officer group, or a superuser, who holds it
    too): who is reminded of unassigned work and alerted to new threats."""
    User = get_user_model()
    return (
        User.objects.filter(Q(groups__name=roles.OFFICER) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("pk")
    )
