"""The workflow actions of DESIGN.md §4: one atomic service each.

Each locks the case, checks the caller's version (409 when stale), checks the
transition table (state 409, role or person 403), validates what it was given (400),
changes the case and appends a CaseEvent and an audit event.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from complaints import guidance as guidance_lookup
from complaints import notifications
from complaints.conflicts import conflict_reason
from complaints.models import Appeal, Case, Complaint, Decision, Response, Sanction
from complaints.services.common import advance, begin, record
from complaints.services.standing import member_standing_refresh
from complaints.workflow import Action, pending_appeal
from conduct.models import Rule, SanctionType
from core import roles
from core.errors import PermissionDenied, ValidationError

TRAINING_CONDITION = "Mandatory equality and anti-discrimination training."
INFORMAL_MAX_LEVEL_CODE = "formal_warning"


@dataclass
class SanctionSpec:
    """A sanction asked for by a decision: the type, a term for fixed-term types, conditions."""

    sanction_type: SanctionType
    duration_days: int | None = None
    conditions: str = ""


@dataclass
class Finding:
    rule: Rule
    breached: bool


def _conf(name: str) -> int:
    return settings.CONDUCT[name]


def _require_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("This field is required.", field=field)
    return value


def _validate_sanctions(specs: list[SanctionSpec], field: str = "sanctions") -> None:
    for spec in specs:
        st = spec.sanction_type
        if st.fixed_term:
            if not spec.duration_days:
                raise ValidationError(f"'{st.code}' needs duration_days.", field=field)
            if st.max_duration_days and spec.duration_days > st.max_duration_days:
                raise ValidationError(f"'{st.code}' may last at most {st.max_duration_days} days.", field=field)
        elif spec.duration_days:
            raise ValidationError(f"'{st.code}' has no fixed term; remove duration_days.", field=field)
        if st.code == "conditions" and not spec.conditions.strip():
            raise ValidationError("A 'conditions' sanction must state its conditions.", field=field)


def _tell_complainant(case: Case, outcome: str) -> None:
    """The complainant is told the outcome of each case their complaint opened."""
    complaint = case.complaint
    notifications.notify_on_commit(
        "outcome", [notifications.complainant_address(complaint)], complaint=complaint, case=case, outcome=outcome
    )


def _tell_respondent_decision(case: Case) -> None:
    decision = case.decisions.order_by("-decided_at", "-pk").first()
    notifications.notify_on_commit(
        "decision",
        [notifications.respondent_address(case)],
        case=case,
        decision=decision,
        sanctions=list(decision.sanctions.select_related("sanction_type")),
        appeal_days=_conf("APPEAL_DAYS"),
    )


def _tell_respondent_appeal(case: Case, appeal: Appeal) -> None:
    """The respondent is told the appeal's outcome, and again when a pending variation takes effect."""
    replacements = []
    if appeal.outcome == Appeal.Outcome.VARIED:
        replacements = list(
            appeal.decision.sanctions.select_related("sanction_type")
            .filter(replaces__isnull=False, status__in=[Sanction.Status.PENDING, Sanction.Status.ACTIVE])
            .order_by("pk")
        )
    notifications.notify_on_commit(
        "appeal_outcome", [notifications.respondent_address(case)], case=case, appeal=appeal, sanctions=replacements
    )


def _complaint_after_case_change(complaint: Complaint, now) -> None:
    """Acknowledge on the first action; close the complaint once every case is finished."""
    fields = []
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
        complaint.status = Complaint.Status.ACKNOWLEDGED
        fields += ["acknowledged_at", "status"]
    if not complaint.cases.filter(status__in=Case.OPEN_STATUSES).exists() and complaint.cases.exists():
        complaint.status = Complaint.Status.CLOSED
        fields.append("status")
    if fields:
        complaint.save(update_fields=sorted(set(fields)) + ["updated_at"])


def _create_sanctions(
    case: Case,
    decision: Decision,
    specs: list[SanctionSpec],
    *,
    pending: bool,
    today: dt.date,
    rules,
    categories,
    departed: bool,
    replaces: list[Sanction] = (),
) -> list[Sanction]:
    created = []
    for spec in specs:
        st = spec.sanction_type
        sanction = Sanction(
            case=case,
            decision=decision,
            member=case.respondent,
            constituency_id=case.respondent.constituency_id,
            sanction_type=st,
            level=st.level,
            duration_days=spec.duration_days,
            conditions=spec.conditions.strip(),
            status=Sanction.Status.PENDING if pending else Sanction.Status.ACTIVE,
            departed_from_guidance=departed,
            replaces=replaces[0] if replaces else None,
        )
        if not pending:
            _start(sanction, today)
        sanction.save()
        sanction.rules.set(rules)
        sanction.categories.set(categories)
        created.append(sanction)
    return created


def _start(sanction: Sanction, today: dt.date) -> None:
    """Fix the dates of a sanction that takes effect today."""
    sanction.imposed_on = sanction.starts_on = today
    if sanction.duration_days:
        sanction.ends_on = today + dt.timedelta(days=sanction.duration_days - 1)
    if sanction.sanction_type.bars_rejoining:
        sanction.rejoin_barred_until = today + dt.timedelta(days=_conf("REJOIN_BAR_DAYS"))


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
    _complaint_after_case_change(case.complaint, now)
    return case


@transaction.atomic
def case_dismiss(*, case: Case, actor, version: int | None, reason_code: str, reason: str, now=None) -> Case:
    """Dismiss a case with a reason code and text."""
    case, transition, now = begin(case, Action.DISMISS, actor, version, now)
    if reason_code not in Case.DismissReason.values:
        raise ValidationError(f"Unknown reason code '{reason_code}'.", field="reason_code")
    reason = _require_text(reason, "reason")
    from_status = case.status
    case.dismiss_reason_code, case.dismiss_reason, case.closed_at = reason_code, reason, now
    advance(case, transition.target, ["dismiss_reason_code", "dismiss_reason", "closed_at"])
    record(case, actor, Action.DISMISS, from_status=from_status, now=now, data={"reason_code": reason_code})
    _tell_complainant(case, "dismissed")
    _complaint_after_case_change(case.complaint, now)
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
    _validate_sanctions([sanction], "sanction")
    reasons = _require_text(reasons, "reasons")
    from_status = case.status
    decision = Decision.objects.create(
        case=case,
        informal=True,
        outcome=Decision.Outcome.UPHELD,
        reasons=reasons,
        decided_by=actor,
        decided_at=now,
    )
    _create_sanctions(
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
    _complaint_after_case_change(case.complaint, now)
    _tell_respondent_decision(case)
    _tell_complainant(case, Decision.Outcome.UPHELD.label)
    return case


@transaction.atomic
def case_issue_notice(
    *,
    case: Case,
    actor,
    version: int | None,
    allegations: str,
    rules: list[Rule],
    response_due: dt.datetime | None = None,
    now=None,
) -> Case:
    """Tell the respondent the allegations and the rules charged; start the response clock."""
    case, transition, now = begin(case, Action.ISSUE_NOTICE, actor, version, now)
    allegations = _require_text(allegations, "allegations")
    if not rules:
        raise ValidationError("Charge at least one rule.", field="rules")
    versions = {r.code_version_id for r in rules}
    if len(versions) != 1:
        raise ValidationError("All rules charged must come from one version of the code.", field="rules")
    if response_due is None:
        response_due = now + dt.timedelta(days=_conf("RESPONSE_DAYS"))
    elif response_due <= now:
        raise ValidationError("The response deadline must be in the future.", field="response_due")
    from_status = case.status
    case.allegations, case.notice_issued_at, case.response_due = allegations, now, response_due
    case.code_version_id = versions.pop()
    advance(case, transition.target, ["allegations", "notice_issued_at", "response_due", "code_version"])
    case.rules_charged.set(rules)
    case.categories.add(*{r.category_id for r in rules})
    record(
        case,
        actor,
        Action.ISSUE_NOTICE,
        from_status=from_status,
        now=now,
        data={"rules": sorted(r.code for r in rules), "response_due": response_due.isoformat()},
    )
    notifications.notify_on_commit("notice", [notifications.respondent_address(case)], case=case, rules=list(rules))
    return case


@transaction.atomic
def case_record_response(*, case: Case, actor, version: int | None, text: str, now=None) -> Response:
    """Record the respondent's answer before the deadline (by them, or by an officer for them).

    After the deadline nobody may answer: an officer continues without a response instead.
    """
    case, transition, now = begin(case, Action.RECORD_RESPONSE, actor, version, now)
    text = _require_text(text, "text")
    on_behalf = roles.member_of(actor) is None or roles.member_of(actor).pk != case.respondent_id
    from_status = case.status
    response = Response.objects.create(case=case, text=text, submitted_by=actor, on_behalf=on_behalf, submitted_at=now)
    advance(case, transition.target)
    record(case, actor, Action.RECORD_RESPONSE, from_status=from_status, now=now, data={"on_behalf": on_behalf})
    return response


@transaction.atomic
def case_continue_without_response(*, case: Case, actor, version: int | None, now=None) -> Case:
    """After the response deadline, go on without a response; the lapse is recorded."""
    case, transition, now = begin(case, Action.CONTINUE_WITHOUT_RESPONSE, actor, version, now)
    from_status = case.status
    case.response_lapsed = True
    advance(case, transition.target, ["response_lapsed"])
    record(
        case,
        actor,
        Action.CONTINUE_WITHOUT_RESPONSE,
        from_status=from_status,
        now=now,
        data={"response_lapsed": True, "response_due": case.response_due.isoformat() if case.response_due else None},
    )
    return case


def _check_panel(case: Case, panel: list, *, appeal: bool) -> None:
    field = "panel"
    sizes = {_conf("PANEL_SIZE_MINOR"), _conf("PANEL_SIZE_MAJOR")}
    if len({u.pk for u in panel}) != len(panel):
        raise ValidationError("A panel member is named twice.", field=field)
    if len(panel) not in sizes:
        raise ValidationError(f"A panel has {' or '.join(map(str, sorted(sizes)))} members.", field=field)
    for user in panel:
        if not roles.has_role(user, roles.PANEL):
            raise ValidationError(f"'{user.get_username()}' is not a panel member.", field=field)
        if user.pk == case.assigned_to_id:
            raise PermissionDenied(f"'{user.get_username()}' investigated this case and may not sit on its panel.")
        if appeal and any(u.pk == user.pk for u in case.panel.all()):
            raise PermissionDenied(f"'{user.get_username()}' sat on the first panel and may not hear the appeal.")
        reason = conflict_reason(user, case)
        if reason:
            raise PermissionDenied(f"'{user.get_username()}' has a conflict of interest: {reason}.")


@transaction.atomic
def case_refer_to_panel(*, case: Case, actor, version: int | None, report: str, panel: list, now=None) -> Case:
    """Send an investigated case, with the report, to a panel none of whom investigated it or is conflicted."""
    case, transition, now = begin(case, Action.REFER_TO_PANEL, actor, version, now)
    report = _require_text(report, "report")
    _check_panel(case, panel, appeal=False)
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
    reasons = _require_text(reasons, "reasons")
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
    _validate_sanctions(sanctions)
    full_panel = any(s.sanction_type.needs_full_panel for s in sanctions)
    if full_panel and case.panel.count() < _conf("PANEL_SIZE_MAJOR"):
        raise ValidationError(
            f"Suspension or expulsion needs a panel of {_conf('PANEL_SIZE_MAJOR')}.", field="sanctions"
        )
    guidance = guidance_lookup.guidance_for(case, breached) if breached else None
    departed = guidance is not None and any(not guidance.contains(s.sanction_type) for s in sanctions)
    departure_reason = (departure_reason or "").strip()
    if departed and not departure_reason:
        raise ValidationError(
            f"The sanction is outside the guidance range ({guidance.min_code} to {guidance.max_code}); "
            "state a departure_reason.",
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
    _create_sanctions(
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
        _tell_complainant(case, decision.get_outcome_display())
    _tell_respondent_decision(case)
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
        return _confirm_appeal(case, transition, actor, now)
    decision = case.decisions.order_by("-decided_at", "-pk").first()
    today = timezone.localdate(now)
    decision.confirmed_by, decision.confirmed_at = actor, now
    decision.save(update_fields=["confirmed_by", "confirmed_at"])
    for sanction in decision.sanctions.select_related("sanction_type").filter(status=Sanction.Status.PENDING):
        sanction.status = Sanction.Status.ACTIVE
        _start(sanction, today)
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
    _tell_complainant(case, decision.get_outcome_display())
    return decision


def _confirm_appeal(case: Case, transition, actor, now) -> Appeal:
    """The variation takes effect: the sanctions it replaces are marked varied, its own start today."""
    appeal = pending_appeal(case)
    today = timezone.localdate(now)
    appeal.confirmed_by, appeal.confirmed_at = actor, now
    appeal.save(update_fields=["confirmed_by", "confirmed_at"])
    sanctions = list(appeal.decision.sanctions.select_related("sanction_type"))
    for sanction in sanctions:
        if sanction.status == Sanction.Status.PENDING:
            sanction.status = Sanction.Status.ACTIVE
            _start(sanction, today)
            sanction.save(update_fields=["status", "imposed_on", "starts_on", "ends_on", "rejoin_barred_until"])
        elif sanction.status not in (Sanction.Status.OVERTURNED, Sanction.Status.VARIED):
            sanction.status, sanction.revoked_on = Sanction.Status.VARIED, today
            sanction.save(update_fields=["status", "revoked_on"])
    from_status = case.status
    case.closed_at = now
    advance(case, transition.next_status(from_status), ["closed_at"])
    record(case, actor, Action.CONFIRM_DECISION, from_status=from_status, now=now, data={"appeal": appeal.pk})
    member_standing_refresh(member=case.respondent, actor=actor, today=today)
    _complaint_after_case_change(case.complaint, now)
    _tell_respondent_appeal(case, appeal)
    _tell_complainant(case, f"decided on appeal: {appeal.get_outcome_display()}")
    return appeal


@transaction.atomic
def case_lodge_appeal(*, case: Case, actor, version: int | None, grounds: str, now=None) -> Appeal:
    """The respondent appeals within the window; one appeal per decision."""
    case, transition, now = begin(case, Action.LODGE_APPEAL, actor, version, now)
    grounds = _require_text(grounds, "grounds")
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
    _check_panel(case, panel, appeal=True)
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
    reasons = _require_text(reasons, "reasons")
    if outcome not in Appeal.Outcome.values:
        raise ValidationError(f"Unknown outcome '{outcome}'.", field="outcome")
    sanctions = sanctions or []
    if outcome == Appeal.Outcome.VARIED:
        if not sanctions:
            raise ValidationError("A varied outcome states the new sanctions.", field="sanctions")
        _validate_sanctions(sanctions)
    elif sanctions:
        raise ValidationError("Only a varied outcome takes sanctions.", field="sanctions")
    pending = outcome == Appeal.Outcome.VARIED and any(s.sanction_type.needs_full_panel for s in sanctions)
    if pending and case.appeal_panel.count() < _conf("PANEL_SIZE_MAJOR"):
        raise ValidationError(
            f"Suspension or expulsion needs an appeal panel of {_conf('PANEL_SIZE_MAJOR')}.", field="sanctions"
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
        _create_sanctions(
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
    _tell_respondent_appeal(case, appeal)
    if not pending:
        _complaint_after_case_change(case.complaint, now)
        _tell_complainant(case, f"decided on appeal: {appeal.get_outcome_display()}")
    return appeal


@transaction.atomic
def case_close(*, case: Case, actor, version: int | None, now=None) -> Case:
    """Close a decided case once its decision is in effect and the appeal window has lapsed."""
    case, transition, now = begin(case, Action.CLOSE, actor, version, now)
    from_status = case.status
    case.closed_at = now
    advance(case, transition.target, ["closed_at"])
    record(case, actor, Action.CLOSE, from_status=from_status, now=now)
    _complaint_after_case_change(case.complaint, now)
    return case


def cases_close_lapsed(*, now=None) -> int:
    """Close every decided case whose appeal window has lapsed (run from cron). Returns how many.

    The window runs from when the decision took effect: its confirmation when it needed one.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=_conf("APPEAL_DAYS"))
    closed = 0
    took_effect_before_cutoff = Q(decisions__needs_confirmation=False, decisions__decided_at__lt=cutoff) | Q(
        decisions__needs_confirmation=True, decisions__confirmed_at__lt=cutoff
    )
    candidates = (
        Case.objects.filter(status=Case.Status.DECIDED)
        .filter(took_effect_before_cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in candidates:
        with transaction.atomic():
            case, transition, _ = _begin_system(pk, now)
            if transition is None:
                continue
            case.closed_at = now
            advance(case, transition.target, ["closed_at"])
            record(case, None, Action.CLOSE, from_status=Case.Status.DECIDED, now=now, data={"automatic": True})
            _complaint_after_case_change(case.complaint, now)
            closed += 1
    return closed


def _begin_system(pk: int, now):
    """The automatic close runs as the system: it checks only the state and the guard."""
    from complaints import workflow
    from complaints.services.common import lock_case

    case = lock_case(Case(pk=pk))
    transition = workflow.TRANSITIONS[Action.CLOSE]
    if case.status not in transition.sources or transition.guard(case, None, now):
        return case, None, now
    return case, transition, now


def audit_case_read(*, case: Case, actor, via: str) -> None:
    """Record a staff read of a case: `case.read` by its team, `case.read_outside_team` by anyone else.

    Whether the reader was on the team (investigator, panel, appeal panel) is fixed at
    the time of the read, which is what the access log must show.
    """
    on_team = actor.pk in case.team_user_ids()
    action = "case.read" if on_team else "case.read_outside_team"
    with transaction.atomic():
        audit_record(actor=actor, action=action, obj=case, case_ref=case.reference, data={"via": via})


@transaction.atomic
def case_record_police_referral(
    *,
    case: Case,
    actor,
    version: int | None = None,
    force: str = "",
    unit: str = "",
    crime_reference: str = "",
    referred_at: dt.datetime | None = None,
    not_referred_reason: str = "",
    now=None,
):
    """Record a police-referral decision: a referral, or a reason not to refer. The case stays open."""
    from complaints.models import PoliceReferral
    from complaints.services.common import ensure_version, lock_case
    from core.errors import ConflictError

    now = now or timezone.now()
    case = lock_case(case)
    ensure_version(case, version)
    if not roles.has_role(actor, roles.OFFICER):
        raise PermissionDenied("Only a compliance officer can record a police referral.")
    reason = conflict_reason(actor, case)
    if reason:
        raise PermissionDenied(f"Conflict of interest: {reason}.")
    if not case.is_open:
        raise ConflictError("The case is no longer open.")
    referring = bool(force or unit or crime_reference or referred_at)
    not_referred_reason = (not_referred_reason or "").strip()
    if referring and not_referred_reason:
        raise ValidationError("Give either a referral or a reason not to refer, not both.", field="not_referred_reason")
    if not referring and not not_referred_reason:
        raise ValidationError("Give the referral (force, referred_at) or a not_referred_reason.", field="force")
    if referring:
        if not force.strip():
            raise ValidationError("This field is required.", field="force")
        referred_at = referred_at or now
        if referred_at > now:
            raise ValidationError("Cannot be in the future.", field="referred_at")
    referral = PoliceReferral.objects.create(
        case=case,
        force=force.strip(),
        unit=unit.strip(),
        crime_reference=crime_reference.strip(),
        referred_at=referred_at if referring else None,
        not_referred_reason=not_referred_reason,
        recorded_by=actor,
        recorded_at=now,
    )
    advance(case, None)
    record(
        case,
        actor,
        "police_referral",
        from_status=case.status,
        now=now,
        data={"referred": referring, "force": referral.force, "crime_reference": referral.crime_reference},
    )
    return referral
