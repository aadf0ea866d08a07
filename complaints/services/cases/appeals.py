"""Appeals: lodged by the respondent, heard by a fresh panel, a variation confirmed by a second member."""

from django.db import transaction
from django.utils import timezone

from complaints.guards import pending_appeal
from complaints.models import Appeal, Case, Sanction
from complaints.services.cases.common import (
    SanctionSpec,
    advance,
    begin,
    check_panel,
    complaint_after_case_change,
    conf,
    create_sanctions,
    record,
    require_text,
    start_sanction,
    tell_complainant,
    tell_respondent_appeal,
    validate_sanctions,
)
from complaints.services.standing import member_standing_refresh
from complaints.workflow import Action
from core.errors import ValidationError


@transaction.atomic
def case_lodge_appeal(*, case: Case, actor, version: int | None, grounds: str, now=None) -> Appeal:
    """The respondent appeals within the window; one appeal per decision."""
    case, transition, now = begin(case, Action.LODGE_APPEAL, actor, version, now)
    grounds = require_text(grounds, "grounds")
    decision = case.decisions.order_by("-decided_at", "-pk").first()
    from_status = case.status
    appeal = Appeal.objects.create(case=case, decision=decision, grounds=grounds, lodged_by=actor, lodged_at=now)
    advance(case, transition.target)
    record(case, actor, Action.LODGE_APPEAL, from_status=from_status, now=now, data={"appeal": appeal.pk})
    return appeal


@transaction.atomic
def case_set_appeal_panel(*, case: Case, actor, version: int | None, panel: list, now=None) -> Case:
    """Name the appeal panel: nobody from the first panel, not the investigator, nobody conflicted."""
    case, transition, now = begin(case, Action.SET_APPEAL_PANEL, actor, version, now)
    check_panel(case, panel, appeal=True)
    from_status = case.status
    advance(case, transition.target)
    case.appeal_panel.set(panel)
    record(
        case,
        actor,
        Action.SET_APPEAL_PANEL,
        from_status=from_status,
        now=now,
        data={"panel": sorted(u.get_username() for u in panel)},
    )
    return case


@transaction.atomic
def case_decide_appeal(
    *,
    case: Case,
    actor,
    version: int | None,
    outcome: str,
    reasons: str,
    sanctions: list[SanctionSpec] | None = None,
    now=None,
) -> Appeal:
    """An appeal panel member decides: dismissed (sanctions stand), upheld (overturned), varied (replaced).

    A variation to a suspension or expulsion needs a full appeal panel and, like a first
    decision, takes effect only when a second member confirms it (`case_confirm_decision`):
    until then its sanctions are pending, the old ones stand and the case stays in appeal.
    """
    case, transition, now = begin(case, Action.DECIDE_APPEAL, actor, version, now)
    reasons = require_text(reasons, "reasons")
    if outcome not in Appeal.Outcome.values:
        raise ValidationError(f"Unknown outcome '{outcome}'.", field="outcome")
    sanctions = sanctions or []
    if outcome == Appeal.Outcome.VARIED:
        if not sanctions:
            raise ValidationError("A varied outcome states the new sanctions.", field="sanctions")
        validate_sanctions(sanctions)
    elif sanctions:
        raise ValidationError("Only a varied outcome takes sanctions.", field="sanctions")
    pending = outcome == Appeal.Outcome.VARIED and any(s.sanction_type.needs_full_panel for s in sanctions)
    if pending and case.appeal_panel.count() < conf("PANEL_SIZE_MAJOR"):
        raise ValidationError(
            f"Suspension or expulsion needs an appeal panel of {conf('PANEL_SIZE_MAJOR')}.", field="sanctions"
        )
    appeal = case.appeals.select_related("decision").filter(outcome="").order_by("-lodged_at").first()
    today = timezone.localdate(now)
    old = list(appeal.decision.sanctions.exclude(status__in=[Sanction.Status.OVERTURNED, Sanction.Status.VARIED]))
    if outcome == Appeal.Outcome.UPHELD or (outcome == Appeal.Outcome.VARIED and not pending):
        new_status = Sanction.Status.OVERTURNED if outcome == Appeal.Outcome.UPHELD else Sanction.Status.VARIED
        for sanction in old:
            sanction.status = new_status
            sanction.revoked_on = today
            sanction.save(update_fields=["status", "revoked_on"])
    if outcome == Appeal.Outcome.VARIED:
        first = old[0] if old else None
        create_sanctions(
            case,
            appeal.decision,
            sanctions,
            pending=pending,
            today=today,
            rules=first.rules.all() if first else case.rules_charged.all(),
            categories=first.categories.all() if first else case.categories.all(),
            departed=False,
            replaces=old,
        )
    appeal.outcome, appeal.reasons, appeal.decided_by, appeal.decided_at = outcome, reasons, actor, now
    appeal.needs_confirmation = pending
    appeal.save(update_fields=["outcome", "reasons", "decided_by", "decided_at", "needs_confirmation"])
    from_status = case.status
    fields = []
    if not pending:
        case.closed_at = now
        fields.append("closed_at")
    advance(case, transition.next_status(from_status, pending=pending), fields)
    record(
        case,
        actor,
        Action.DECIDE_APPEAL,
        from_status=from_status,
        now=now,
        data={
            "outcome": outcome,
            "sanctions": [s.sanction_type.code for s in sanctions],
            "needs_confirmation": pending,
        },
    )
    member_standing_refresh(member=case.respondent, actor=actor, today=today)
    tell_respondent_appeal(case, appeal)
    if not pending:
        complaint_after_case_change(case.complaint, now)
        tell_complainant(case, f"decided on appeal: {appeal.get_outcome_display()}")
    return appeal


def confirm_appeal(case: Case, transition, actor, now) -> Appeal:
    """The variation takes effect: the sanctions it replaces are marked varied, its own start today."""
    appeal = pending_appeal(case)
    today = timezone.localdate(now)
    appeal.confirmed_by, appeal.confirmed_at = actor, now
    appeal.save(update_fields=["confirmed_by", "confirmed_at"])
    sanctions = list(appeal.decision.sanctions.select_related("sanction_type"))
    for sanction in sanctions:
        if sanction.status == Sanction.Status.PENDING:
            sanction.status = Sanction.Status.ACTIVE
            start_sanction(sanction, today)
            sanction.save(update_fields=["status", "imposed_on", "starts_on", "ends_on", "rejoin_barred_until"])
        elif sanction.status not in (Sanction.Status.OVERTURNED, Sanction.Status.VARIED):
            sanction.status, sanction.revoked_on = Sanction.Status.VARIED, today
            sanction.save(update_fields=["status", "revoked_on"])
    from_status = case.status
    case.closed_at = now
    advance(case, transition.next_status(from_status), ["closed_at"])
    record(case, actor, Action.CONFIRM_DECISION, from_status=from_status, now=now, data={"appeal": appeal.pk})
    member_standing_refresh(member=case.respondent, actor=actor, today=today)
    complaint_after_case_change(case.complaint, now)
    tell_respondent_appeal(case, appeal)
    tell_complainant(case, f"decided on appeal: {appeal.get_outcome_display()}")
    return appeal
