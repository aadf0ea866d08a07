"""The panel: referral, decision within the guidance, and a second member's confirmation."""

from django.db import transaction
from django.utils import timezone

from complaints import guidance as guidance_lookup
from complaints import notifications
from complaints.models import Appeal, Case, Decision, Sanction
from complaints.services.cases.appeals import confirm_appeal
from complaints.services.cases.common import (
    Finding,
    SanctionSpec,
    advance,
    begin,
    check_panel,
    conf,
    create_sanctions,
    record,
    require_text,
    start_sanction,
    tell_complainant,
    tell_respondent_decision,
    validate_sanctions,
)
from complaints.services.standing import member_standing_refresh
from complaints.workflow import Action
from conduct.models import SanctionType
from core.errors import ValidationError

TRAINING_CONDITION = "Mandatory equality and anti-discrimination training."


@transaction.atomic
def case_refer_to_panel(*, case: Case, actor, version: int | None, report: str, panel: list, now=None) -> Case:
    """Send an investigated case, with the report, to a panel none of whom investigated it or is conflicted."""
    case, transition, now = begin(case, Action.REFER_TO_PANEL, actor, version, now)
    report = require_text(report, "report")
    check_panel(case, panel, appeal=False)
    from_status = case.status
    case.report = report
    advance(case, transition.target, ["report"])
    case.panel.set(panel)
    record(
        case,
        actor,
        Action.REFER_TO_PANEL,
        from_status=from_status,
        now=now,
        data={"panel": sorted(u.get_username() for u in panel)},
    )
    return case


@transaction.atomic
def case_decide(
    *,
    case: Case,
    actor,
    version: int | None,
    findings: list[Finding],
    outcome: str,
    sanctions: list[SanctionSpec],
    reasons: str,
    departure_reason: str = "",
    now=None,
) -> Decision:
    """A panel member decides: findings per rule charged, outcome, sanctions within guidance or a reason.

    Suspension and expulsion need a full panel and take effect only when a second panel
    member confirms; until then they are pending.
    """
    case, transition, now = begin(case, Action.DECIDE, actor, version, now)
    reasons = require_text(reasons, "reasons")
    if outcome not in Decision.Outcome.values:
        raise ValidationError(f"Unknown outcome '{outcome}'.", field="outcome")
    charged = {r.pk: r for r in case.rules_charged.all()}
    if not charged:
        raise ValidationError("No rule was charged on this case; there is nothing to find.", field="findings")
    found = {f.rule.pk for f in findings}
    if len(found) != len(findings):
        raise ValidationError("A rule has two findings.", field="findings")
    if set(charged) != found:
        missing = sorted(r.code for pk, r in charged.items() if pk not in found)
        extra = sorted(f.rule.code for f in findings if f.rule.pk not in charged)
        raise ValidationError(
            "Give one finding for each rule charged"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; not charged {', '.join(extra)}" if extra else "")
            + ".",
            field="findings",
        )
    breached = [f.rule for f in findings if f.breached]
    if outcome == Decision.Outcome.UPHELD and not breached:
        raise ValidationError("An upheld complaint needs at least one rule found breached.", field="findings")
    if outcome == Decision.Outcome.NOT_UPHELD and (breached or sanctions):
        raise ValidationError("A complaint not upheld has no breaches and no sanctions.", field="outcome")
    if outcome == Decision.Outcome.UPHELD and not sanctions:
        raise ValidationError("State the sanction (no further action is one).", field="sanctions")
    validate_sanctions(sanctions)
    full_panel = any(s.sanction_type.needs_full_panel for s in sanctions)
    if full_panel and case.panel.count() < conf("PANEL_SIZE_MAJOR"):
        raise ValidationError(
            f"Suspension or expulsion needs a panel of {conf('PANEL_SIZE_MAJOR')}.", field="sanctions"
        )
    guidance = guidance_lookup.guidance_for(case, breached) if breached else None
    departed = guidance is not None and any(not guidance.contains(s.sanction_type) for s in sanctions)
    departure_reason = (departure_reason or "").strip()
    if departed and not departure_reason:
        names = dict(
            SanctionType.objects.filter(code__in=[guidance.min_code, guidance.max_code]).values_list("code", "name")
        )
        raise ValidationError(
            f"The sanction is outside the guidance range ({names.get(guidance.min_code, guidance.min_code)} to "
            f"{names.get(guidance.max_code, guidance.max_code)}); give the reason for departing from the guidance.",
            field="departure_reason",
        )
    if any(r.category.discriminatory for r in breached) and sanctions:
        if not any("training" in s.conditions.lower() for s in sanctions):
            top = max(sanctions, key=lambda s: s.sanction_type.level)
            top.conditions = (top.conditions + "\n" + TRAINING_CONDITION).strip()
    from_status = case.status
    decision = Decision.objects.create(
        case=case,
        outcome=outcome,
        findings=[{"rule": f.rule.code, "breached": f.breached} for f in findings],
        reasons=reasons,
        departure_reason=departure_reason,
        departed_from_guidance=departed,
        guidance=guidance.as_dict() if guidance else {},
        decided_by=actor,
        decided_at=now,
        needs_confirmation=full_panel,
    )
    categories = {r.category_id for r in breached}
    create_sanctions(
        case,
        decision,
        sanctions,
        pending=full_panel,
        today=timezone.localdate(now),
        rules=breached,
        categories=categories,
        departed=departed,
    )
    case.decided_at = now
    advance(case, transition.target, ["decided_at"])
    record(
        case,
        actor,
        Action.DECIDE,
        from_status=from_status,
        now=now,
        data={
            "outcome": outcome,
            "sanctions": [s.sanction_type.code for s in sanctions],
            "departed_from_guidance": departed,
            "needs_confirmation": full_panel,
        },
    )
    if not full_panel:
        member_standing_refresh(member=case.respondent, actor=actor, today=timezone.localdate(now))
        tell_complainant(case, decision.get_outcome_display())
    tell_respondent_decision(case)
    return decision


@transaction.atomic
def case_confirm_decision(*, case: Case, actor, version: int | None, now=None) -> Decision | Appeal:
    """A second member of the panel that decided confirms a suspension or expulsion, which then takes effect.

    On a first decision the case stays decided and the appeal window opens now. On an appeal
    varied to a suspension or expulsion, the new sanctions replace the old ones and the case closes.
    Standing is recomputed; the respondent and the complainant are told on commit.
    """
    case, transition, now = begin(case, Action.CONFIRM_DECISION, actor, version, now)
    if case.status == Case.Status.APPEAL:
        return confirm_appeal(case, transition, actor, now)
    decision = case.decisions.order_by("-decided_at", "-pk").first()
    today = timezone.localdate(now)
    decision.confirmed_by, decision.confirmed_at = actor, now
    decision.save(update_fields=["confirmed_by", "confirmed_at"])
    for sanction in decision.sanctions.select_related("sanction_type").filter(status=Sanction.Status.PENDING):
        sanction.status = Sanction.Status.ACTIVE
        start_sanction(sanction, today)
        sanction.save(update_fields=["status", "imposed_on", "starts_on", "ends_on", "rejoin_barred_until"])
    from_status = case.status
    advance(case, transition.next_status(from_status))
    record(case, actor, Action.CONFIRM_DECISION, from_status=from_status, now=now, data={"decision": decision.pk})
    member_standing_refresh(member=case.respondent, actor=actor, today=today)
    notifications.notify_on_commit(
        "decision_confirmed",
        [notifications.respondent_address(case)],
        case=case,
        decision=decision,
        sanctions=list(decision.sanctions.select_related("sanction_type")),
    )
    tell_complainant(case, decision.get_outcome_display())
    return decision
