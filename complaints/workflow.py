"""The case workflow of DESIGN.md §4 as one table.

`TRANSITIONS` drives the services' checks (`ensure_allowed`), the `allowed_actions`
the API returns and the buttons the admin shows, so the three cannot disagree.
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
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
# Sits on the panel whose decision awaits confirmation: the appeal panel while the case is
# in appeal, else the first panel.
CONFIRMING_PANEL_MEMBER = "confirming_panel_member"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change
    actors: tuple[str, ...]  # roles.OFFICER / roles.PANEL, or the person-based names above
    guard: object = None  # guard(case, actor, now) -> refusal message or None (409)
    label: str = ""
    needs_conflict_check: bool = True
    extra: dict = field(default_factory=dict)
    # Where the target depends on the state the case is in ({source: target}).
    target_by_source: dict = field(default_factory=dict)
    # Where the action leaves something awaiting a second panel member's confirmation.
    target_if_pending: str | None = None

    def next_status(self, source: str, *, pending: bool = False) -> str | None:
        """The status the case moves to from `source` (None: unchanged)."""
        if pending and self.target_if_pending is not None:
            return self.target_if_pending
        return self.target_by_source.get(source, self.target)


def _before_response_deadline(case, actor, now):
    # Nobody, not even an officer on the respondent's behalf, answers late: after the
    # deadline the officer continues without a response and the lapse is recorded.
    if case.response_due and now > case.response_due:
        return "The response deadline has passed; an officer may continue without a response."
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


def pending_appeal(case):
    """The appeal decided with a variation that awaits a second appeal panel member, or None."""
    appeals = getattr(case, "_prefetched_objects_cache", {}).get("appeals")
    if appeals is None:
        appeals = case.appeals.filter(needs_confirmation=True, confirmed_at__isnull=True).exclude(outcome="")
    return next((a for a in appeals if a.awaiting_confirmation), None)


def awaiting_confirmation(case):
    """What on `case` awaits a second panel member's confirmation: a Decision, an Appeal, or None."""
    if case.status == S.APPEAL:
        return pending_appeal(case)
    if case.status == S.DECIDED:
        decision = _latest_decision(case)
        if decision is not None and not decision.in_effect:
            return decision
    return None


def _awaits_confirmation(case, actor, now):
    pending = awaiting_confirmation(case)
    if pending is None:
        return "There is no decision waiting for confirmation."
    if pending.decided_by_id == actor.pk:
        if case.status == S.APPEAL:
            return "A second member of the appeal panel must confirm the appeal decision."
        return "A second member of the panel must confirm the decision."
    return None


def confirmers(case) -> list:
    """The panel members who may confirm what awaits confirmation on `case` (empty when nothing does)."""
    pending = awaiting_confirmation(case)
    if pending is None:
        return []
    panel = case.appeal_panel.all() if case.status == S.APPEAL else case.panel.all()
    return [u for u in panel if u.pk != pending.decided_by_id and not conflict_reason(u, case)]


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
        return (
            f"The appeal window has closed: it ended {timezone.localtime(decision.appeal_due):%d %b %Y %H:%M}, "
            f"{settings.CONDUCT['APPEAL_DAYS']} days after the decision took effect."
        )
    if Appeal.objects.filter(decision=decision).exists():
        return "An appeal against this decision has already been lodged."
    return None


def _appeal_undecided(case, actor, now):
    if pending_appeal(case) is not None:
        return "The appeal has been decided; it awaits a second member of the appeal panel's confirmation."
    return None


def _appeal_panel_set(case, actor, now):
    if not case.appeal_panel.exists():
        return "The appeal panel has not been set."
    return _appeal_undecided(case, actor, now)


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
    # Confirms a first decision (the case stays decided) or an appeal's variation (the case closes).
    Action.CONFIRM_DECISION: Transition(
        (S.DECIDED, S.APPEAL),
        None,
        (CONFIRMING_PANEL_MEMBER,),
        _awaits_confirmation,
        label="Confirm decision",
        target_by_source={S.APPEAL: S.CLOSED},
    ),
    Action.LODGE_APPEAL: Transition(
        (S.DECIDED,), S.APPEAL, (RESPONDENT, roles.OFFICER), _appeal_open, label="Lodge appeal"
    ),
    Action.SET_APPEAL_PANEL: Transition(
        (S.APPEAL,), None, (roles.OFFICER,), _appeal_undecided, label="Set appeal panel"
    ),
    # A variation that suspends or expels stays in appeal until confirm_decision.
    Action.DECIDE_APPEAL: Transition(
        (S.APPEAL,),
        S.CLOSED,
        (APPEAL_PANEL_MEMBER,),
        _appeal_panel_set,
        label="Decide appeal",
        target_if_pending=S.APPEAL,
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
    if who == CONFIRMING_PANEL_MEMBER:
        return _actor_matches(case, actor, APPEAL_PANEL_MEMBER if case.status == S.APPEAL else PANEL_MEMBER)
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
