"""The case workflow of DESIGN.md §4 as one table.

`TRANSITIONS` drives the services' checks (`ensure_allowed`), the `allowed_actions`
the API returns and the buttons the admin shows, so the three cannot disagree.
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import timezone

from complaints.conflicts import conflict_reason
from complaints.models import Case
from core import roles
from core.errors import ConflictError, PermissionDenied

S = Case.Status


class Action(StrEnum):
    OPEN_INVESTIGATION = "open_investigation"
    DISMISS = "dismiss"
    RESOLVE_INFORMALLY = "resolve_informally"
    ISSUE_NOTICE = "issue_notice"
    RECORD_RESPONSE = "record_response"
    CONTINUE_WITHOUT_RESPONSE = "continue_without_response"
    REFER_TO_PANEL = "refer_to_panel"
    DECIDE = "decide"
    CONFIRM_DECISION = "confirm_decision"
    LODGE_APPEAL = "lodge_appeal"
    SET_APPEAL_PANEL = "set_appeal_panel"
    DECIDE_APPEAL = "decide_appeal"
    CLOSE = "close"


# Who may act, beyond holding a role:
RESPONDENT = "respondent"  # the member the case is about
PANEL_MEMBER = "panel_member"  # sits on this case's panel
APPEAL_PANEL_MEMBER = "appeal_panel_member"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change
    actors: tuple[str, ...]  # roles.OFFICER / roles.PANEL, or the person-based names above
    guard: object = None  # guard(case, actor, now) -> refusal message or None (409)
    label: str = ""
    needs_conflict_check: bool = True
    extra: dict = field(default_factory=dict)


def _before_response_deadline(case, actor, now):
    if case.response_due and now > case.response_due and not roles.has_role(actor, roles.OFFICER):
        return "The response deadline has passed."
    return None


def _after_response_deadline(case, actor, now):
    if case.response_due and now <= case.response_due:
        return "The response deadline has not passed yet."
    return None


def _latest_decision(case):
    decisions = getattr(case, "_prefetched_objects_cache", {}).get("decisions")
    if decisions is not None:
        return max(decisions, key=lambda d: (d.decided_at, d.pk), default=None)
    return case.decisions.order_by("-decided_at", "-pk").first()


def _decision_awaits_confirmation(case, actor, now):
    decision = _latest_decision(case)
    if decision is None or not decision.needs_confirmation or decision.confirmed_at is not None:
        return "There is no decision waiting for confirmation."
    if decision.decided_by_id == actor.pk:
        return "A second member of the panel must confirm the decision."
    return None


def _notice_issued(case, actor, now):
    if case.notice_issued_at is None:
        return "Issue the notice of allegations before referring the case to a panel."
    return None


def _appeal_open(case, actor, now):
    from complaints.models import Appeal

    decision = _latest_decision(case)
    if decision is None or decision.outcome != decision.Outcome.UPHELD:
        return "There is no upheld decision to appeal."
    if not decision.in_effect:
        return "The decision awaits a second panel member's confirmation; it can be appealed once confirmed."
    if now > decision.appeal_due:
        return "The appeal window has closed."
    if Appeal.objects.filter(decision=decision).exists():
        return "An appeal against this decision has already been lodged."
    return None


def _appeal_panel_set(case, actor, now):
    if not case.appeal_panel.exists():
        return "The appeal panel has not been set."
    return None


def _closable(case, actor, now):
    decision = _latest_decision(case)
    if decision is None:
        return "There is no decision."
    if not decision.in_effect:
        return "The decision awaits a second panel member's confirmation."
    if decision.outcome == decision.Outcome.UPHELD and now <= decision.appeal_due:
        return "The appeal window is still open."
    return None


TRANSITIONS: dict[Action, Transition] = {
    Action.OPEN_INVESTIGATION: Transition((S.RECEIVED,), S.INVESTIGATION, (roles.OFFICER,), label="Open investigation"),
    Action.DISMISS: Transition((S.RECEIVED, S.INVESTIGATION), S.DISMISSED, (roles.OFFICER,), label="Dismiss"),
    Action.RESOLVE_INFORMALLY: Transition(
        (S.RECEIVED, S.INVESTIGATION), S.DECIDED, (roles.OFFICER,), label="Resolve informally"
    ),
    Action.ISSUE_NOTICE: Transition((S.INVESTIGATION,), S.AWAITING_RESPONSE, (roles.OFFICER,), label="Issue notice"),
    Action.RECORD_RESPONSE: Transition(
        (S.AWAITING_RESPONSE,),
        S.INVESTIGATION,
        (RESPONDENT, roles.OFFICER),
        _before_response_deadline,
        label="Record response",
    ),
    Action.CONTINUE_WITHOUT_RESPONSE: Transition(
        (S.AWAITING_RESPONSE,),
        S.INVESTIGATION,
        (roles.OFFICER,),
        _after_response_deadline,
        label="Continue without response",
    ),
    Action.REFER_TO_PANEL: Transition(
        (S.INVESTIGATION,), S.PANEL, (roles.OFFICER,), _notice_issued, label="Refer to panel"
    ),
    Action.DECIDE: Transition((S.PANEL,), S.DECIDED, (PANEL_MEMBER,), label="Decide"),
    Action.CONFIRM_DECISION: Transition(
        (S.DECIDED,), None, (PANEL_MEMBER,), _decision_awaits_confirmation, label="Confirm decision"
    ),
    Action.LODGE_APPEAL: Transition(
        (S.DECIDED,), S.APPEAL, (RESPONDENT, roles.OFFICER), _appeal_open, label="Lodge appeal"
    ),
    Action.SET_APPEAL_PANEL: Transition((S.APPEAL,), None, (roles.OFFICER,), label="Set appeal panel"),
    Action.DECIDE_APPEAL: Transition(
        (S.APPEAL,), S.CLOSED, (APPEAL_PANEL_MEMBER,), _appeal_panel_set, label="Decide appeal"
    ),
    Action.CLOSE: Transition((S.DECIDED,), S.CLOSED, (roles.OFFICER,), _closable, label="Close"),
}


def _actor_matches(case, actor, who: str) -> bool:
    if who == RESPONDENT:
        member = roles.member_of(actor)
        return member is not None and member.pk == case.respondent_id
    if who == PANEL_MEMBER:
        return roles.has_role(actor, roles.PANEL) and any(u.pk == actor.pk for u in case.panel.all())
    if who == APPEAL_PANEL_MEMBER:
        return roles.has_role(actor, roles.PANEL) and any(u.pk == actor.pk for u in case.appeal_panel.all())
    return roles.has_role(actor, who)


def check(case: Case, action: Action | str, actor, now: dt.datetime | None = None) -> Transition:
    """Raise the refusal for `actor` taking `action` on `case` now; return the transition."""
    now = now or timezone.now()
    try:
        action = Action(action)
    except ValueError:
        raise ConflictError(f"Unknown action '{action}'.") from None
    transition = TRANSITIONS[action]
    if not any(_actor_matches(case, actor, who) for who in transition.actors):
        raise PermissionDenied(f"You may not {action.value.replace('_', ' ')} on this case.")
    acting_as_respondent = RESPONDENT in transition.actors and _actor_matches(case, actor, RESPONDENT)
    if transition.needs_conflict_check and not acting_as_respondent:
        reason = conflict_reason(actor, case)
        if reason:
            raise PermissionDenied(f"Conflict of interest: {reason}.")
    if case.status not in transition.sources:
        raise ConflictError(f"'{action.value}' is not allowed while the case is {case.get_status_display()}.")
    if transition.guard is not None:
        refusal = transition.guard(case, actor, now)
        if refusal:
            raise ConflictError(refusal)
    return transition


def allowed_actions(case: Case, actor, now: dt.datetime | None = None) -> list[str]:
    """The actions `actor` may take on `case` now, in table order."""
    now = now or timezone.now()
    allowed = []
    for action, transition in TRANSITIONS.items():
        if case.status not in transition.sources:
            continue
        try:
            check(case, action, actor, now)
        except (ConflictError, PermissionDenied):
            continue
        allowed.append(action.value)
    return allowed
