"""Data-protection duties: a subject access export for one member, and retention.

The export gives a member what the engine holds about them, with third parties
redacted: complainants who did not agree to be named, other members, and staff (shown
by role only). Retention anonymises the narrative and the personal details of a
complaint once every one of its cases has been closed for the retention period, and
no sanction of those cases is pending or still running. Sanctions themselves, counts,
dates, categories and severities stay, so the register and the published statistics
keep their meaning. The audit log is append-only and is never rewritten: it holds
references and counts, but the few short texts it records (an interim suspension's
review or lift reason, a police force and crime reference) outlive retention there.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone

from audit.events import Event
from audit.models import AuditEvent
from audit.services import audit_record
from complaints.models import (
    Appeal,
    Campaign,
    Case,
    Complaint,
    Decision,
    Evidence,
    InterimSuspension,
    PoliceReferral,
    Response,
    Sanction,
)
from members.models import Member

REDACTED = "[redacted]"
ANONYMISED = "[anonymised]"


def _when(value):
    return value.isoformat() if value is not None else None


def _staff(user) -> str | None:
    """Staff act for the party: the export names their role, never the person."""
    return None if user is None else "staff"


# --- Subject access export --------------------------------------------------------------


def subject_access_export(*, member: Member, actor, stored_as: str = "") -> dict:
    """Everything held about `member`, third parties redacted; the export is audited (with the
    storage name it is written to, `stored_as`, when a task writes it there)."""
    cases = list(
        Case.objects.filter(respondent=member)
        .select_related("complaint", "complaint__complainant", "code_version")
        .prefetch_related(
            "rules_charged",
            "categories",
            Prefetch("responses", queryset=Response.objects.order_by("submitted_at")),
            Prefetch("decisions", queryset=Decision.objects.order_by("decided_at")),
            Prefetch("appeals", queryset=Appeal.objects.order_by("lodged_at")),
            Prefetch("police_referrals", queryset=PoliceReferral.objects.order_by("recorded_at")),
        )
        .order_by("opened_at", "pk")
    )
    case_ids = [c.pk for c in cases]
    export = {
        "generated_at": _when(timezone.now()),
        "member": _member_section(member),
        "complaints_made": _complaints_made(member),
        "cases_as_respondent": [_case_section(case) for case in cases],
        "sanctions": _sanctions(Sanction.objects.filter(member=member)),
        "interim_suspensions": [
            {
                "case": s.case.reference,
                "reason": s.reason,
                "imposed_at": _when(s.imposed_at),
                "next_review_due": _when(s.next_review_due),
                "lifted_at": _when(s.lifted_at),
                "lift_reason": s.lift_reason,
            }
            for s in InterimSuspension.objects.filter(member=member).select_related("case").order_by("imposed_at")
        ],
        "evidence_sent": _evidence_sent(member),
        "access_log": _access_log(member, [c.reference for c in cases]),
    }
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Event.MEMBER_SUBJECT_ACCESS_EXPORT,
            obj=member,
            data={
                "cases": len(case_ids),
                "complaints_made": len(export["complaints_made"]),
                "evidence_items": len(export["evidence_sent"]),
                **({"stored_as": stored_as} if stored_as else {}),
            },
        )
    return export


def _member_section(member: Member) -> dict:
    return {
        "membership_number": member.membership_number,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "phone": member.phone,
        "constituency": member.constituency.name if member.constituency_id else None,
        "region": member.constituency.region.name if member.constituency_id else None,
        "joined_on": _when(member.joined_on),
        "status": member.status,
        "offices": member.offices,
        "affiliations": member.affiliations,
        "standing": member.standing,
        "standing_until": _when(member.standing_until),
        "rejoin_barred_until": _when(member.rejoin_barred_until),
        "identities": [
            {"kind": i.kind, "platform": i.platform, "value": i.value}
            for i in member.identities.order_by("kind", "platform", "value")
        ],
    }


def _complaints_made(member: Member) -> list[dict]:
    """The member's own complaints: what they wrote, and where each case stands (respondents redacted)."""
    complaints = (
        Complaint.objects.filter(complainant=member)
        .annotate(evidence_items=Count("evidence"))
        .prefetch_related("cases")
        .order_by("submitted_at")
    )
    return [
        {
            "reference": c.reference,
            "summary": c.summary,
            "description": c.description,
            "incident_date": _when(c.incident_date),
            "status": c.status,
            "submitted_at": _when(c.submitted_at),
            "acknowledged_at": _when(c.acknowledged_at),
            "share_identity_with_respondent": c.share_identity_with_respondent,
            "evidence_items": c.evidence_items,
            "cases": [
                {"reference": case.reference, "status": case.status, "respondent": REDACTED} for case in c.cases.all()
            ],
        }
        for c in complaints
    ]


def _case_section(case: Case) -> dict:
    complaint = case.complaint
    if complaint.share_identity_with_respondent and complaint.complainant_id:
        complainant = complaint.complainant.name
    elif complaint.share_identity_with_respondent and complaint.complainant_name:
        complainant = complaint.complainant_name
    else:
        complainant = REDACTED
    return {
        "reference": case.reference,
        "status": case.status,
        "opened_at": _when(case.opened_at),
        "complainant": complainant,
        "categories": sorted(c.code for c in case.categories.all()),
        "allegations": case.allegations,
        "rules_charged": sorted(r.code for r in case.rules_charged.all()),
        "code_version": case.code_version.version if case.code_version_id else None,
        "notice_issued_at": _when(case.notice_issued_at),
        "response_due": _when(case.response_due),
        "response_lapsed": case.response_lapsed,
        "responses": [
            {"text": r.text, "submitted_at": _when(r.submitted_at), "on_behalf": r.on_behalf}
            for r in case.responses.all()
        ],
        "decisions": [
            {
                "outcome": d.outcome,
                "informal": d.informal,
                "findings": d.findings,
                "reasons": d.reasons,
                "departed_from_guidance": d.departed_from_guidance,
                "departure_reason": d.departure_reason,
                "decided_by": _staff(d.decided_by_id),
                "decided_at": _when(d.decided_at),
                "confirmed_at": _when(d.confirmed_at),
            }
            for d in case.decisions.all()
        ],
        "appeals": [
            {
                "grounds": a.grounds,
                "lodged_at": _when(a.lodged_at),
                "outcome": a.outcome,
                "reasons": a.reasons,
                "decided_at": _when(a.decided_at),
            }
            for a in case.appeals.all()
        ],
        "police_referrals": [
            {"referred": p.referred_at is not None, "recorded_at": _when(p.recorded_at)}
            for p in case.police_referrals.all()
        ],
        "decided_at": _when(case.decided_at),
        "closed_at": _when(case.closed_at),
        "dismiss_reason": case.dismiss_reason,
    }


def _sanctions(queryset) -> list[dict]:
    return [
        {
            "case": s.case.reference,
            "sanction": s.sanction_type.code,
            "name": s.sanction_type.name,
            "status": s.status,
            "duration_days": s.duration_days,
            "conditions": s.conditions,
            "imposed_on": _when(s.imposed_on),
            "starts_on": _when(s.starts_on),
            "ends_on": _when(s.ends_on),
            "revoked_on": _when(s.revoked_on),
            "rejoin_barred_until": _when(s.rejoin_barred_until),
        }
        for s in queryset.select_related("case", "sanction_type").order_by("imposed_on", "pk")
    ]


def _evidence_sent(member: Member) -> list[dict]:
    """Items attributed to the member as their sender: their own words. The recipient is not named."""
    rows = (
        Evidence.objects.filter(member=member)
        .order_by("occurred_at", "pk")
        .values_list(
            "case__reference", "channel", "author_handle", "url", "text", "occurred_at", "categories", "threat"
        )
    )
    return [
        {
            "case": case,
            "channel": channel,
            "handle": handle,
            "url": url,
            "text": text,
            "occurred_at": _when(at),
            "categories": categories,
            "threat": threat,
        }
        for case, channel, handle, url, text, at, categories, threat in rows.iterator(chunk_size=2000)
    ]


def _access_log(member: Member, case_refs: list[str]) -> list[dict]:
    """Who (by role) read or acted on the member's record and cases, from the audit log."""
    events = AuditEvent.objects.filter(
        Q(object_type=Member._meta.label_lower, object_id=str(member.pk)) | Q(case_ref__in=case_refs)
    ).order_by("seq")
    return [
        {"seq": seq, "at": _when(at), "action": action, "by": "system" if actor == "system" else "staff"}
        for seq, at, action, actor in events.values_list("seq", "at", "action", "actor_name").iterator(chunk_size=2000)
    ]


# --- Retention --------------------------------------------------------------------------


@dataclass
class RetentionResult:
    cutoff: dt.datetime
    complaints: list[str] = field(default_factory=list)
    evidence_items: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "cutoff": _when(self.cutoff),
            "complaints": len(self.complaints),
            "evidence_items": self.evidence_items,
            "dry_run": self.dry_run,
        }


def retention_due(now: dt.datetime):
    """Complaints past retention: last case closed before the cutoff, and nothing open or running.

    Running: a sanction pending confirmation, a fixed term not yet over, a bar on
    re-joining not yet lifted, or an interim suspension in place. A sanction with no
    term (a warning, an expulsion) stays on the register; only the narrative goes.
    """
    cutoff = now - dt.timedelta(days=settings.CONDUCT["RETENTION_DAYS"])
    open_case = Case.objects.filter(complaint=OuterRef("pk"), closed_at__isnull=True)
    live_sanction = Sanction.objects.filter(case__complaint=OuterRef("pk")).filter(
        Q(status=Sanction.Status.PENDING)
        | Q(status=Sanction.Status.ACTIVE, ends_on__gte=now.date())
        | Q(rejoin_barred_until__gte=now.date())
    )
    open_interim = InterimSuspension.objects.filter(case__complaint=OuterRef("pk"), lifted_at__isnull=True)
    return (
        Complaint.objects.filter(anonymised_at__isnull=True, submitted_at__lt=cutoff)
        .annotate(last_closed=Max("cases__closed_at"))
        .filter(Q(last_closed__isnull=True, status=Complaint.Status.CLOSED) | Q(last_closed__lt=cutoff))
        .exclude(Exists(open_case))
        .exclude(Exists(live_sanction))
        .exclude(Exists(open_interim))
        .order_by("submitted_at", "pk")
    ), cutoff


def retention_apply(*, actor=None, now=None, dry_run: bool = False) -> RetentionResult:
    """Anonymise every complaint past retention, each in its own transaction with its audit event."""
    now = now or timezone.now()
    due, cutoff = retention_due(now)
    result = RetentionResult(cutoff=cutoff, dry_run=dry_run)
    for complaint_id, reference in list(due.values_list("pk", "reference")):
        if dry_run:
            result.complaints.append(reference)
            result.evidence_items += Evidence.objects.filter(complaint_id=complaint_id).count()
            continue
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
            if complaint.anonymised_at is not None:
                continue
            items = _anonymise_complaint(complaint, now)
            audit_record(
                actor=actor,
                action=Event.COMPLAINT_ANONYMISE,
                obj=complaint,
                data={"evidence_items": items, "cases": list(complaint.cases.values_list("reference", flat=True))},
            )
        result.complaints.append(reference)
        result.evidence_items += items
    return result


def _anonymise_complaint(complaint: Complaint, now) -> int:
    complaint.complainant_name = ""
    complaint.complainant_email = ""
    complaint.target_names = []
    complaint.summary = ANONYMISED
    complaint.description = ANONYMISED
    complaint.unidentified_respondents = []
    complaint.anonymised_at = now
    complaint.save(
        update_fields=[
            "complainant_name",
            "complainant_email",
            "target_names",
            "summary",
            "description",
            "unidentified_respondents",
            "anonymised_at",
            "updated_at",
        ]
    )
    items = Evidence.objects.filter(complaint=complaint).update(
        author_handle="",
        author_name="",
        author_email="",
        author_phone="",
        sender_key="",
        url="",
        url_canonical="",
        text="",
    )
    Campaign.objects.filter(complaint=complaint).update(sample_text=ANONYMISED)
    cases = Case.objects.filter(complaint=complaint)
    cases.update(allegations=ANONYMISED, report=ANONYMISED, dismiss_reason=ANONYMISED)
    Response.objects.filter(case__in=cases).update(text=ANONYMISED)
    Decision.objects.filter(case__in=cases).update(reasons=ANONYMISED, departure_reason="")
    Appeal.objects.filter(case__in=cases).update(grounds=ANONYMISED, reasons=ANONYMISED)
    InterimSuspension.objects.filter(case__in=cases).update(reason=ANONYMISED, lift_reason="")
    PoliceReferral.objects.filter(case__in=cases).update(
        force="", unit="", crime_reference="", not_referred_reason=ANONYMISED
    )
    return items
