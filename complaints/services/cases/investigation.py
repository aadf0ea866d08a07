"""Triage and investigation: open a case, open the investigation, dismiss, resolve informally."""

from django.db import transaction
from django.utils import timezone

from complaints import workflow
from complaints.conflicts import conflict_reason
from complaints.models import Case, Complaint, Decision
from complaints.services.cases.common import (
    SanctionSpec,
    advance,
    begin,
    complaint_after_case_change,
    create_sanctions,
    record,
    require_text,
    tell_complainant,
    tell_respondent_decision,
    validate_sanctions,
)
from complaints.services.evidence import cases_for_members
from complaints.services.standing import member_standing_refresh
from complaints.workflow import Action
from conduct.models import SanctionType
from core import roles
from core.errors import PermissionDenied, ValidationError

INFORMAL_MAX_LEVEL_CODE = "formal_warning"


@transaction.atomic
def case_open_investigation(*, case: Case, actor, version: int | None, investigator, now=None) -> Case:
    """Assign an investigator with no conflict and start the investigation."""
    case, transition, now = begin(case, Action.OPEN_INVESTIGATION, actor, version, now)
    if not roles.has_role(investigator, roles.OFFICER):
        raise ValidationError(f"'{investigator.get_username()}' is not a compliance officer.", field="investigator")
    reason = conflict_reason(investigator, case)
    if reason:
        raise PermissionDenied(f"'{investigator.get_username()}' has a conflict of interest: {reason}.")
    from_status = case.status
    case.assigned_to = investigator
    advance(case, transition.target, ["assigned_to"])
    record(
        case,
        actor,
        Action.OPEN_INVESTIGATION,
        from_status=from_status,
        now=now,
        data={"investigator": investigator.get_username()},
    )
    complaint_after_case_change(case.complaint, now)
    return case


@transaction.atomic
def case_dismiss(*, case: Case, actor, version: int | None, reason_code: str, reason: str, now=None) -> Case:
    """Dismiss a case with a reason code and text."""
    case, transition, now = begin(case, Action.DISMISS, actor, version, now)
    if reason_code not in Case.DismissReason.values:
        raise ValidationError(f"Unknown reason code '{reason_code}'.", field="reason_code")
    reason = require_text(reason, "reason")
    from_status = case.status
    case.dismiss_reason_code, case.dismiss_reason, case.closed_at = reason_code, reason, now
    advance(case, transition.target, ["dismiss_reason_code", "dismiss_reason", "closed_at"])
    record(case, actor, Action.DISMISS, from_status=from_status, now=now, data={"reason_code": reason_code})
    tell_complainant(case, "dismissed")
    complaint_after_case_change(case.complaint, now)
    return case


@transaction.atomic
def case_resolve_informally(
    *, case: Case, actor, version: int | None, sanction: SanctionSpec, reasons: str, now=None
) -> Case:
    """Resolve without a panel: a sanction no higher than a formal warning, with written reasons."""
    case, transition, now = begin(case, Action.RESOLVE_INFORMALLY, actor, version, now)
    ceiling = SanctionType.objects.get(code=INFORMAL_MAX_LEVEL_CODE)
    if sanction.sanction_type.level > ceiling.level:
        raise ValidationError(f"An informal resolution goes no higher than a {ceiling.name.lower()}.", field="sanction")
    validate_sanctions([sanction], "sanction")
    reasons = require_text(reasons, "reasons")
    from_status = case.status
    decision = Decision.objects.create(
        case=case,
        informal=True,
        outcome=Decision.Outcome.UPHELD,
        reasons=reasons,
        decided_by=actor,
        decided_at=now,
    )
    create_sanctions(
        case,
        decision,
        [sanction],
        pending=False,
        today=timezone.localdate(now),
        rules=case.rules_charged.all() or case.complaint.rules.all(),
        categories=case.categories.all(),
        departed=False,
    )
    case.decided_at = now
    advance(case, transition.target, ["decided_at"])
    record(
        case,
        actor,
        Action.RESOLVE_INFORMALLY,
        from_status=from_status,
        now=now,
        data={"sanction": sanction.sanction_type.code},
    )
    member_standing_refresh(member=case.respondent, actor=actor, today=timezone.localdate(now))
    complaint_after_case_change(case.complaint, now)
    tell_respondent_decision(case)
    tell_complainant(case, Decision.Outcome.UPHELD.label)
    return case


@transaction.atomic
def case_open(*, complaint: Complaint, respondent, actor, now=None) -> Case:
    """An officer with no conflict opens a case on a complaint for a member identified after filing."""
    now = now or timezone.now()
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.complainant_id == respondent.pk:
        raise ValidationError("The complainant cannot be the respondent.", field="respondent")
    unopened = Case(complaint=complaint, respondent=respondent, status=Case.Status.RECEIVED)
    workflow.check(unopened, Action.OPEN_CASE, actor, now)
    cases, _ = cases_for_members(complaint=complaint, member_ids={respondent.pk}, actor=actor, now=now)
    case = cases[respondent.pk]
    case.categories.add(*{r.category_id for r in complaint.rules.all()})
    return case
