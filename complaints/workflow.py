"""The action registry: every workflow action and measure on a case, declared once.

Each `Entry` of `ACTIONS` gives an action's transition (the states it may be taken
from and the state it leads to, or none for a measure beside the workflow), who may
take it, its guard, and where its service, API input serializer and admin form live.
The services check it (`check`), the API and the admin find their serializer, form
and service here, `allowed_actions` and the admin buttons are read from it, and the
OpenAPI schema lists its serializers; a test proves every `Action` has exactly one
entry whose three parts resolve.

Adding an action: a member of `Action`, one `Entry` below, the service (which calls
`services.cases.common.begin`), an input serializer in `api/actions.py` and a form in
`admin/forms.py`.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.utils import timezone
from django.utils.module_loading import import_string

from complaints import guards
from complaints.conflicts import complaint_conflict_reason, conflict_reason, ties_of
from complaints.models import Case, Complaint
from core import roles
from core.errors import ConflictError, PermissionDenied

S = Case.Status
OPEN = tuple(Case.OPEN_STATUSES)


class Action(StrEnum):
    # The workflow (DESIGN.md §4): each moves the case on, or keeps it where it is.
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
    # Measures beside the workflow: any open stage, the status does not change.
    POLICE_REFERRAL = "police_referral"
    INTERIM_SUSPENSION_IMPOSE = "interim_suspension_impose"
    INTERIM_SUSPENSION_REVIEW = "interim_suspension_review"
    # Opening a case on a complaint, for a member identified after filing.
    OPEN_CASE = "open_case"
    # On a complaint as a whole, whoever sent its evidence: the police and the machine's flags.
    COMPLAINT_POLICE_REFERRAL = "complaint_police_referral"
    CLASSIFY_EVIDENCE = "classify_evidence"


# Who may act, beyond holding a role:
RESPONDENT = "respondent"  # the member the case is about
PANEL_MEMBER = "panel_member"  # sits on this case's panel
APPEAL_PANEL_MEMBER = "appeal_panel_member"
# Sits on the panel whose decision awaits confirmation: the appeal panel while the case is
# in appeal, else the first panel.
CONFIRMING_PANEL_MEMBER = "confirming_panel_member"


@dataclass(frozen=True)
class Entry:
    """One action: its transition, who may take it, its guard, and its service, serializer and form."""

    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change
    actors: tuple[str, ...]  # roles.OFFICER / roles.PANEL, or the person-based names above
    service: str  # "module.function" of the one service that takes the action
    serializer: str  # "module.Class" of the API input serializer
    form: str  # "module.Class" of the admin form
    guard: object = None  # guard(case, actor, now) -> refusal in words or None (409)
    measure: bool = False  # a step beside the workflow: listed apart, never changes the status
    on_complaint: bool = False  # taken on a complaint, for a case that does not exist yet
    # Taken on a complaint as a whole (`check_complaint`): `sources` are the complaint's statuses.
    complaint_wide: bool = False
    # Where the target depends on the state the case is in ({source: target}).
    target_by_source: tuple[tuple[str, str], ...] = ()
    # Where the action leaves something awaiting a second panel member's confirmation.
    target_if_pending: str | None = None

    def next_status(self, source: str, *, pending: bool = False) -> str | None:
        """The status the case moves to from `source` (None: unchanged)."""
        if pending and self.target_if_pending is not None:
            return self.target_if_pending
        return dict(self.target_by_source).get(source, self.target)


_SERVICES = "complaints.services.cases"
_API = "complaints.api.actions"
_FORMS = "complaints.admin.forms"


def _entry(label, sources, target, actors, service, serializer, form, **kw) -> Entry:
    return Entry(
        label, sources, target, actors, f"{_SERVICES}.{service}", f"{_API}.{serializer}", f"{_FORMS}.{form}", **kw
    )


OFFICER = (roles.OFFICER,)
# Threats reach the police whoever sent them, whatever the complaint's state.
COMPLAINT_ANY = tuple(Complaint.Status.values)
ACTIONS: dict[Action, Entry] = {
    Action.OPEN_INVESTIGATION: _entry(
        "Open investigation", (S.RECEIVED,), S.INVESTIGATION, OFFICER,
        "investigation.case_open_investigation", "OpenInvestigationSerializer", "OpenInvestigationForm",
    ),
    Action.DISMISS: _entry(
        "Dismiss", (S.RECEIVED, S.INVESTIGATION), S.DISMISSED, OFFICER,
        "investigation.case_dismiss", "DismissSerializer", "DismissForm",
    ),
    Action.RESOLVE_INFORMALLY: _entry(
        "Resolve informally", (S.RECEIVED, S.INVESTIGATION), S.DECIDED, OFFICER,
        "investigation.case_resolve_informally", "ResolveInformallySerializer", "ResolveInformallyForm",
    ),
    Action.ISSUE_NOTICE: _entry(
        "Issue notice", (S.INVESTIGATION,), S.AWAITING_RESPONSE, OFFICER,
        "notice.case_issue_notice", "IssueNoticeSerializer", "IssueNoticeForm",
    ),
    Action.RECORD_RESPONSE: _entry(
        "Record response", (S.AWAITING_RESPONSE,), S.INVESTIGATION, (RESPONDENT, roles.OFFICER),
        "notice.case_record_response", "RecordResponseSerializer", "RecordResponseForm",
        guard=guards.before_response_deadline,
    ),
    Action.CONTINUE_WITHOUT_RESPONSE: _entry(
        "Continue without response", (S.AWAITING_RESPONSE,), S.INVESTIGATION, OFFICER,
        "notice.case_continue_without_response", "ContinueWithoutResponseSerializer", "ContinueWithoutResponseForm",
        guard=guards.after_response_deadline,
    ),
    Action.REFER_TO_PANEL: _entry(
        "Refer to panel", (S.INVESTIGATION,), S.PANEL, OFFICER,
        "decisions.case_refer_to_panel", "ReferToPanelSerializer", "ReferToPanelForm",
        guard=guards.notice_issued,
    ),
    Action.DECIDE: _entry(
        "Decide", (S.PANEL,), S.DECIDED, (PANEL_MEMBER,),
        "decisions.case_decide", "DecideSerializer", "DecideForm",
    ),
    # Confirms a first decision (the case stays decided) or an appeal's variation (the case closes).
    Action.CONFIRM_DECISION: _entry(
        "Confirm decision", (S.DECIDED, S.APPEAL), None, (CONFIRMING_PANEL_MEMBER,),
        "decisions.case_confirm_decision", "ConfirmDecisionSerializer", "ConfirmDecisionForm",
        guard=guards.awaits_confirmation, target_by_source=((S.APPEAL, S.CLOSED),),
    ),
    Action.LODGE_APPEAL: _entry(
        "Lodge appeal", (S.DECIDED,), S.APPEAL, (RESPONDENT, roles.OFFICER),
        "appeals.case_lodge_appeal", "LodgeAppealSerializer", "LodgeAppealForm",
        guard=guards.appeal_open,
    ),
    Action.SET_APPEAL_PANEL: _entry(
        "Set appeal panel", (S.APPEAL,), None, OFFICER,
        "appeals.case_set_appeal_panel", "SetAppealPanelSerializer", "SetAppealPanelForm",
        guard=guards.appeal_undecided,
    ),
    # A variation that suspends or expels stays in appeal until confirm_decision.
    Action.DECIDE_APPEAL: _entry(
        "Decide appeal", (S.APPEAL,), S.CLOSED, (APPEAL_PANEL_MEMBER,),
        "appeals.case_decide_appeal", "DecideAppealSerializer", "DecideAppealForm",
        guard=guards.appeal_panel_set, target_if_pending=S.APPEAL,
    ),
    Action.CLOSE: _entry(
        "Close", (S.DECIDED,), S.CLOSED, OFFICER,
        "closing.case_close", "CloseSerializer", "CloseForm",
        guard=guards.closable,
    ),
    Action.POLICE_REFERRAL: _entry(
        "Record police referral", OPEN, None, OFFICER,
        "measures.case_record_police_referral", "PoliceReferralInputSerializer", "PoliceReferralForm",
        guard=guards.not_covered_by_complaint_referral, measure=True,
    ),
    Action.INTERIM_SUSPENSION_IMPOSE: _entry(
        "Impose interim suspension", OPEN, None, OFFICER,
        "measures.interim_suspension_impose", "InterimSuspensionInputSerializer", "InterimSuspensionImposeForm",
        guard=guards.no_open_interim, measure=True,
    ),
    Action.INTERIM_SUSPENSION_REVIEW: _entry(
        "Review interim suspension", OPEN, None, OFFICER,
        "measures.interim_suspension_review", "InterimReviewInputSerializer", "InterimSuspensionReviewForm",
        guard=guards.open_interim, measure=True,
    ),
    Action.OPEN_CASE: _entry(
        "Open case", (S.RECEIVED,), S.RECEIVED, OFFICER,
        "investigation.case_open", "CaseOpenSerializer", "CaseOpenForm",
        guard=guards.no_case_yet, on_complaint=True,
    ),
    Action.COMPLAINT_POLICE_REFERRAL: Entry(
        "Record a police referral", COMPLAINT_ANY, None, OFFICER,
        "complaints.services.police.complaint_record_police_referral",
        "complaints.api.threats.ComplaintPoliceReferralSerializer",
        "complaints.admin.threats.ComplaintPoliceReferralForm",
        measure=True, complaint_wide=True,
    ),
    Action.CLASSIFY_EVIDENCE: Entry(
        "Correct the classification", COMPLAINT_ANY, None, OFFICER,
        "complaints.services.evidence.classification.evidence_classify_many",
        "complaints.api.threats.ClassificationSerializer",
        "complaints.admin.threats.ClassificationForm",
        measure=True, complaint_wide=True,
    ),
}  # fmt: skip


def entry(action: Action | str) -> Entry:
    """The registry entry of `action`; an unknown name is refused in words (409)."""
    try:
        return ACTIONS[Action(action)]
    except ValueError:
        raise ConflictError(f"There is no action called '{action}'.") from None


@cache
def service_of(action: Action):
    return import_string(ACTIONS[action].service)


@cache
def serializer_of(action: Action):
    return import_string(ACTIONS[action].serializer)


@cache
def form_of(action: Action):
    return import_string(ACTIONS[action].form)


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


def _who(actors: tuple[str, ...]) -> str:
    words = {
        roles.OFFICER: "a compliance officer",
        roles.PANEL: "a panel member",
        RESPONDENT: "the respondent",
        PANEL_MEMBER: "a member of this case's panel",
        APPEAL_PANEL_MEMBER: "a member of this case's appeal panel",
        CONFIRMING_PANEL_MEMBER: "another member of the panel that decided",
    }
    return " or ".join(words[a] for a in actors)


def check(case: Case, action: Action | str, actor, now: dt.datetime | None = None, ties=None) -> Entry:
    """Raise the refusal, in words, for `actor` taking `action` on `case` now; return the entry.

    Who (role or person: 403), then conflicts of interest (403), then the state (409),
    then the entry's guard (409).
    """
    now = now or timezone.now()
    the_entry = entry(action)
    action = Action(action)
    if the_entry.complaint_wide:
        raise ConflictError(f"{the_entry.label} is taken on a complaint, not on one case.")
    if not any(_actor_matches(case, actor, who) for who in the_entry.actors):
        raise PermissionDenied(f"Only {_who(the_entry.actors)} may {the_entry.label.lower()} on this case.")
    acting_as_respondent = RESPONDENT in the_entry.actors and _actor_matches(case, actor, RESPONDENT)
    if not acting_as_respondent:
        reason = conflict_reason(actor, case, ties)
        if reason:
            raise PermissionDenied(f"Conflict of interest: {reason}.")
    if case.status not in the_entry.sources:
        raise ConflictError(f"{the_entry.label} is not possible while the case is {case.get_status_display()}.")
    if the_entry.guard is not None:
        refusal = the_entry.guard(case, actor, now)
        if refusal:
            raise ConflictError(refusal)
    return the_entry


def check_complaint(complaint: Complaint, action: Action | str, actor, now: dt.datetime | None = None) -> Entry:
    """Raise the refusal, in words, for `actor` taking a complaint-wide `action` on `complaint`.

    Who (403), then conflicts of interest with any party to the complaint (403), then the
    complaint's state (409).
    """
    the_entry = entry(action)
    if not the_entry.complaint_wide:
        raise ConflictError(f"{the_entry.label} is taken on a case, not on a complaint.")
    if not any(roles.has_role(actor, who) for who in the_entry.actors):
        raise PermissionDenied(f"Only {_who(the_entry.actors)} may {the_entry.label.lower()} on this complaint.")
    reason = complaint_conflict_reason(actor, complaint)
    if reason:
        raise PermissionDenied(f"Conflict of interest: {reason}.")
    if complaint.status not in the_entry.sources:
        raise ConflictError(
            f"{the_entry.label} is not possible while the complaint is {complaint.get_status_display()}."
        )
    return the_entry


def refusal(case: Case, action: Action | str, actor, now: dt.datetime | None = None, ties=None) -> str | None:
    """Why `actor` may not take `action` on `case` now, in words, or None."""
    try:
        check(case, action, actor, now, ties)
    except (ConflictError, PermissionDenied) as exc:
        return exc.message
    return None


def _allowed(case: Case, actor, now, *, measures: bool) -> list[str]:
    now = now or timezone.now()
    ties = ties_of(actor)
    return [
        action.value
        for action, the_entry in ACTIONS.items()
        if the_entry.measure == measures
        and not the_entry.on_complaint
        and not the_entry.complaint_wide
        and case.status in the_entry.sources
        and refusal(case, action, actor, now, ties) is None
    ]


def allowed_actions(case: Case, actor, now: dt.datetime | None = None) -> list[str]:
    """The workflow actions `actor` may take on `case` now, in table order."""
    return _allowed(case, actor, now, measures=False)


def allowed_measures(case: Case, actor, now: dt.datetime | None = None) -> list[str]:
    """The measures (police referral, interim suspension) `actor` may take on `case` now."""
    return _allowed(case, actor, now, measures=True)
