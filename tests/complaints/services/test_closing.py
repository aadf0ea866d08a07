"""Closing a decided case: by an officer once the appeal window has lapsed, or by the system
(cases_close_lapsed), the window counted from when the decision took effect (DESIGN.md §4)."""

import pytest

from complaints.demo.walker import Stage
from complaints.models import Case, Complaint
from complaints.services import cases as svc
from core.errors import ConflictError
from tests.complaints.services.helpers import APPEAL_DAYS, DAY, event_of, recorded, refused, reload, suspension
from tests.complaints.timeline import case_events

pytestmark = pytest.mark.django_db


# --- close ---------------------------------------------------------------------------------------------------------


def test_close_is_refused_while_the_appeal_window_is_open(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1])
    refused(ConflictError, svc.case_close, case, match="still open", actor=officer, now=t0 + APPEAL_DAYS * DAY)


def test_officer_closes_once_the_appeal_window_has_lapsed(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1])
    now = t0 + (APPEAL_DAYS + 1) * DAY

    svc.case_close(case=case, actor=officer, version=case.version, now=now)

    reload(case)
    assert (case.status, case.closed_at) == (Case.Status.CLOSED, now)
    assert reload(case.complaint).status == Complaint.Status.CLOSED
    event, _ = event_of(case, "close")
    assert (event.actor, event.from_status, event.to_status) == (officer, "decided", "closed")


def test_case_not_upheld_closes_without_waiting_for_the_appeal_window(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1], outcome="not_upheld")
    svc.case_close(case=case, actor=officer, version=case.version, now=t0 + DAY)
    assert reload(case).status == Case.Status.CLOSED


def test_close_is_refused_while_the_decision_awaits_confirmation(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, **suspension(), confirm=False)
    refused(ConflictError, svc.case_close, case, match="confirmation", actor=officer, now=t0 + 60 * DAY)


def test_close_waits_for_the_appeal_window_counted_from_the_confirmation(officer, panel, t0, case_at, walker):
    confirmed_at = t0 + 10 * DAY
    case = case_at(Stage.DECIDED, **suspension(), confirm=False)
    case = walker.confirm(case, by=panel[1], now=confirmed_at)
    refused(ConflictError, svc.case_close, case, match="still open", actor=officer, now=t0 + (APPEAL_DAYS + 1) * DAY)

    now = confirmed_at + (APPEAL_DAYS + 1) * DAY
    svc.case_close(case=case, actor=officer, version=case.version, now=now)
    assert (reload(case).status, case.closed_at) == (Case.Status.CLOSED, now)


def test_the_system_closes_a_confirmed_decision_once_the_window_from_its_confirmation_lapsed(
    officer, panel, t0, case_at, walker
):
    confirmed_at = t0 + 10 * DAY
    case = case_at(Stage.DECIDED, **suspension(), confirm=False)
    case = walker.confirm(case, by=panel[1], now=confirmed_at)
    events = recorded()

    assert svc.cases_close_lapsed(now=t0 + (APPEAL_DAYS + 1) * DAY) == 0
    assert reload(case).status == Case.Status.DECIDED and recorded() == events

    assert svc.cases_close_lapsed(now=confirmed_at + (APPEAL_DAYS + 1) * DAY) == 1
    assert reload(case).status == Case.Status.CLOSED
    assert event_of(case, "close")[0].data == {"automatic": True}


def test_lapsed_decided_cases_are_closed_by_the_system(officer, panel, t0, case_at):
    lapsed = case_at(Stage.DECIDED, panel=panel[:1])
    recent = case_at(Stage.DECIDED, panel=panel[:1], now=t0 + 10 * DAY)
    unconfirmed = case_at(Stage.DECIDED, **suspension(), confirm=False)
    now = t0 + (APPEAL_DAYS + 1) * DAY

    assert svc.cases_close_lapsed(now=now) == 1

    reload(lapsed)
    assert (lapsed.status, lapsed.closed_at) == (Case.Status.CLOSED, now)
    assert reload(recent).status == Case.Status.DECIDED
    assert reload(unconfirmed).status == Case.Status.DECIDED
    event, audit = event_of(lapsed, "close")
    assert (event.actor, event.data, event.from_status) == (None, {"automatic": True}, "decided")
    assert (audit.actor, audit.actor_name) == (None, "system")
    assert not case_events(cases=[recent, unconfirmed], action="close")
