"""Filing and acknowledging complaints."""

import secrets

from django.db import transaction
from django.utils import timezone

from audit import events
from audit.events import Event
from audit.services import audit_record
from complaints import notifications
from complaints.models import Complaint
from complaints.services.evidence import cases_for_members, evidence_ingest, member_ids_for_respondents
from core import roles
from core.errors import ConflictError, PermissionDenied, ValidationError

_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_complaint_reference() -> str:
    while True:
        ref = "RU-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))
        if not Complaint.objects.filter(reference=ref).exists():
            return ref


def default_target_names(*, complainant=None, complainant_name: str = "") -> list[str]:
    """A complainant's first, last and full name: a member's, or an external complainant's given name."""
    if complainant is not None:
        first, last = complainant.first_name, complainant.last_name
        full = " ".join(f"{first} {last}".split())
    else:
        full = " ".join((complainant_name or "").split())
        parts = full.split()
        first, last = (parts[0], parts[-1]) if len(parts) > 1 else (full, "")
    return clean_names([first, last, full])


def clean_names(names) -> list[str]:
    """Names as given, spaces tidied, empty and repeated ones left out."""
    return list(dict.fromkeys(" ".join(str(n).split()) for n in names if str(n).strip()))


def clean_pronouns(pronouns) -> list[str]:
    return list(dict.fromkeys(str(p).strip().casefold() for p in pronouns if str(p).strip()))


@transaction.atomic
def complaint_file(
    *,
    actor,
    summary: str,
    description: str,
    incident_date=None,
    rules=(),
    complainant_is_target=True,
    share_identity_with_respondent=False,
    respondents=(),
    evidence=(),
    target_names=None,
    target_pronouns=None,
    now=None,
) -> Complaint:
    """A member files a complaint: respondents are resolved, evidence taken in, one case per member respondent.

    The target's names default, when the complainant is the target, to the complainant's
    first, last and full name; the detector flags the evidence against them and the pronouns.
    """
    now = now or timezone.now()
    complainant = roles.member_of(actor)
    if complainant is None:
        raise PermissionDenied("Only a member can file a complaint.")
    member_ids, unidentified = member_ids_for_respondents(list(respondents))
    if complainant.pk in member_ids:
        raise ValidationError("You cannot file a complaint about yourself.", field="respondents")
    complaint = Complaint.objects.create(
        reference=new_complaint_reference(),
        filed_by=actor,
        complainant=complainant,
        complainant_is_target=complainant_is_target,
        share_identity_with_respondent=share_identity_with_respondent,
        summary=summary,
        description=description,
        incident_date=incident_date,
        unidentified_respondents=unidentified,
        target_names=clean_names(target_names)
        if target_names
        else (default_target_names(complainant=complainant) if complainant_is_target else []),
        target_pronouns=clean_pronouns(target_pronouns or []),
        submitted_at=now,
    )
    complaint.rules.set(rules)
    audit_record(
        actor=actor,
        action=Event.COMPLAINT_FILE,
        obj=complaint,
        data={
            "rules": sorted(r.code for r in rules),
            "respondents": len(member_ids),
            "unidentified": len(unidentified),
            "evidence": len(evidence),
        },
    )
    cases_for_members(complaint=complaint, member_ids=member_ids, actor=actor, now=now)
    if evidence:
        evidence_ingest(complaint=complaint, items=list(evidence), actor=actor, now=now)
    if rules:
        # Every case the complaint opened, named or found through evidence, carries its rules' categories.
        categories = {r.category_id for r in rules}
        severity = max(r.severity for r in rules)
        for case in complaint.cases.all():
            case.categories.add(*categories)
        complaint.cases.filter(severity__lt=severity).update(severity=severity)
    notifications.notify_on_commit(
        "acknowledgement", [notifications.complainant_address(complaint)], complaint=complaint
    )
    return complaint


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor, now=None) -> Complaint:
    """An officer acknowledges receipt (the 7-day clock stops)."""
    now = now or timezone.now()
    if not roles.has_role(actor, roles.OFFICER):
        raise PermissionDenied("Only a compliance officer can acknowledge a complaint.")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.acknowledged_at is not None:
        raise ConflictError("The complaint was already acknowledged.")
    complaint.acknowledged_at = now
    complaint.status = Complaint.Status.ACKNOWLEDGED
    complaint.save(update_fields=["acknowledged_at", "status", "updated_at"])
    audit_record(actor=actor, action=Event.COMPLAINT_ACKNOWLEDGE, obj=complaint)
    return complaint


def audit_complaint_read(*, complaint: Complaint, actor, via: str, what: str) -> None:
    """Record a staff read of a complaint or what it holds: `complaint.read` by its team,
    `complaint.read_outside_team` by anyone else (shown in the access log). A member reading
    their own complaint is not a staff read and records nothing.

    The team is everyone on the team of one of its cases; while none of its cases has an
    investigator yet, the compliance officers triaging it are the team.
    """
    if not roles.user_roles(actor) & set(roles.STAFF_ROLES):
        return
    team: set[int] = set()
    assigned = False
    for case in complaint.cases.prefetch_related("panel", "appeal_panel"):
        team |= case.team_user_ids()
        assigned = assigned or case.assigned_to_id is not None
    on_team = actor.pk in team or (not assigned and roles.has_role(actor, roles.OFFICER))
    with transaction.atomic():
        events.complaint_read(actor=actor, complaint=complaint, on_team=on_team, via=via, what=what)
