"""Walk cases through the workflow services, one step or many, each step at a chosen time.

The demo's scenarios and the test suite share this one walker, so every case either of
them shows is in a state the services produced: each step is a service call at the case's
current version, writing its CaseEvent, its audit event and its side effects as in use.

    walker = CaseWalker(officer=o, investigator=i, panel=[p1, p2, p3], appeal_panel=[j], now=t0)
    (case,) = walker.file(complainant=user, respondents=[member], rules=["RU9"])
    case = walker.walk(case, Stage.DECIDED, panel=[p1], sanctions=[walker.sanction("formal_warning")])

Every step takes `now=` (the walker's `now` when omitted) and the acting user (a sensible
default: the officer triages, the case's investigator investigates, the first panel member
decides, another confirms, the respondent answers and appeals). Every step returns the case
as stored after it.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum

from complaints.demo.steps import CaseSteps, fresh
from complaints.models import Case, Decision
from complaints.services.cases import SanctionSpec

DAY = dt.timedelta(days=1)


class Stage(StrEnum):
    """Where `CaseWalker.walk` takes a case, in workflow order (DISMISSED is a side exit)."""

    RECEIVED = "received"
    INVESTIGATION = "investigation"  # an investigator assigned, no notice yet
    AWAITING_RESPONSE = "awaiting_response"  # notice issued
    ANSWERED = "answered"  # the respondent answered (or the deadline passed): investigation, ready for a panel
    PANEL = "panel"
    DECIDED = "decided"  # decided, and confirmed where the sanction needs a second panel member
    APPEAL = "appeal"  # appeal lodged, no appeal panel yet
    APPEAL_PANEL = "appeal_panel"  # appeal panel set: the appeal awaits its decision
    CLOSED = "closed"  # closed: after the appeal window, or by the appeal's decision
    DISMISSED = "dismissed"


FORWARD = [s for s in Stage if s != Stage.DISMISSED]


def stage_of(case: Case) -> Stage:
    """The stage a stored case is at."""
    status = case.status
    if status == Case.Status.INVESTIGATION:
        return Stage.INVESTIGATION if case.notice_issued_at is None else Stage.ANSWERED
    if status == Case.Status.APPEAL:
        return Stage.APPEAL_PANEL if case.appeal_panel.exists() else Stage.APPEAL
    return Stage(status)


class CaseWalker(CaseSteps):
    """Files complaints and moves their cases through the workflow services, as given staff, at given times."""

    def walk(
        self,
        case: Case,
        to: Stage | str,
        *,
        now: dt.datetime | None = None,
        investigator=None,
        rules: Iterable | None = None,
        respond: bool = True,
        panel: Sequence | None = None,
        outcome: str = Decision.Outcome.UPHELD,
        sanctions: Sequence[SanctionSpec] | None = None,
        departure_reason: str = "",
        confirm: bool = True,
        appeal_panel: Sequence | None = None,
    ) -> Case:
        """Take `case` forward from its stage to `to`, one step at a time, with the defaults of each step.

        Every step is at `now`, except where the workflow needs time to pass: going on without a
        response (`respond=False`) waits for the deadline, and closing a decided case waits for the
        appeal window to lapse; later steps follow on from then. The panel is the walker's first
        panel member, or its first three when a sanction needs a full panel. A decision is confirmed (by a
        second member of its panel) unless `confirm=False`; from an appeal, CLOSED is reached by
        the appeal panel's decision (dismissed). DISMISSED is reached from received or investigation.
        """
        to = Stage(to)
        at = self._at(now)
        case = fresh(case)
        if to == Stage.DISMISSED:
            return self.dismiss(case, now=at)
        if stage_of(case) == Stage.DISMISSED or FORWARD.index(stage_of(case)) > FORWARD.index(to):
            raise ValueError(f"{case.reference} is {stage_of(case)}: past {to}.")
        while (stage := stage_of(case)) != to:
            if stage == Stage.RECEIVED:
                case = self.open_investigation(case, investigator=investigator, now=at)
            elif stage == Stage.INVESTIGATION:
                case = self.issue_notice(case, rules=rules, now=at)
            elif stage == Stage.AWAITING_RESPONSE and respond:
                case = self.record_response(case, now=at)
            elif stage == Stage.AWAITING_RESPONSE:
                at = max(at, case.response_due + DAY)
                case = self.continue_without_response(case, now=at)
            elif stage == Stage.ANSWERED:
                full = sanctions and any(s.sanction_type.needs_full_panel for s in sanctions)
                default = self.panel[:3] if full else self.panel[:1]
                case = self.refer_to_panel(case, panel=panel if panel is not None else default, now=at)
            elif stage == Stage.PANEL:
                case = self.decide(
                    case, outcome=outcome, sanctions=sanctions, departure_reason=departure_reason, now=at
                )
                decision = case.decisions.order_by("-decided_at", "-pk").first()
                if confirm and decision.needs_confirmation:
                    case = self.confirm(case, now=at)
            elif stage == Stage.DECIDED and to == Stage.CLOSED:
                decision = case.decisions.order_by("-decided_at", "-pk").first()
                if decision.outcome == Decision.Outcome.UPHELD:
                    at = max(at, decision.appeal_due + DAY)
                case = self.close(case, now=at)
            elif stage == Stage.DECIDED:
                case = self.lodge_appeal(case, now=at)
            elif stage == Stage.APPEAL:
                case = self.set_appeal_panel(case, panel=appeal_panel, now=at)
            elif stage == Stage.APPEAL_PANEL:
                case = self.decide_appeal(case, now=at)
        return case
