"""allowed_actions (complaints/workflow.py): at each stage, exactly the actions each person may take now,
and check() agrees with it action by action."""

import pytest

from complaints.demo.walker import Stage
from complaints.services import cases as svc
from tests.complaints.factories import CaseFactory
from tests.complaints.services.helpers import APPEAL_DAYS, DAY, assert_allowed, suspension

pytestmark = pytest.mark.django_db


def test_allowed_actions_on_a_received_case(officer, panel, auditor, t0):
    case = CaseFactory()
    assert_allowed(case, officer, ["open_investigation", "dismiss", "resolve_informally"], t0)
    for actor in (panel[0], case.respondent.user, auditor):
        assert_allowed(case, actor, [], t0)


def test_allowed_actions_during_investigation(officer, auditor, t0, case_at):
    case = case_at(Stage.ANSWERED)
    assert_allowed(case, officer, ["dismiss", "resolve_informally", "issue_notice", "refer_to_panel"], t0)
    assert_allowed(case, case.respondent.user, [], t0)
    assert_allowed(case, auditor, [], t0)


def test_allowed_actions_while_awaiting_a_response(officer, auditor, case_at):
    case = case_at(Stage.AWAITING_RESPONSE)
    before, after = case.response_due - DAY, case.response_due + DAY
    assert_allowed(case, officer, ["record_response"], before)
    assert_allowed(case, case.respondent.user, ["record_response"], before)
    assert_allowed(case, officer, ["continue_without_response"], after)
    assert_allowed(case, case.respondent.user, [], after)
    assert_allowed(case, auditor, [], before)


def test_allowed_actions_at_the_panel_stage(officer, panel, auditor, t0, case_at):
    case = case_at(Stage.PANEL, panel=panel[:1])
    assert_allowed(case, panel[0], ["decide"], t0)
    for actor in (panel[1], officer, case.respondent.user, auditor):
        assert_allowed(case, actor, [], t0)


def test_allowed_actions_on_a_decision_awaiting_confirmation(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, **suspension(), confirm=False)
    assert_allowed(case, panel[0], [], t0)
    assert_allowed(case, panel[1], ["confirm_decision"], t0)
    assert_allowed(case, panel[2], ["confirm_decision"], t0)


def test_allowed_actions_on_a_decided_case_in_and_after_the_appeal_window(officer, panel, auditor, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1])
    within, after = t0 + DAY, t0 + (APPEAL_DAYS + 1) * DAY
    assert_allowed(case, case.respondent.user, ["lodge_appeal"], within)
    assert_allowed(case, officer, ["lodge_appeal"], within)
    assert_allowed(case, panel[0], [], within)
    assert_allowed(case, auditor, [], within)
    assert_allowed(case, case.respondent.user, [], after)
    assert_allowed(case, officer, ["close"], after)


def test_allowed_actions_during_an_appeal(officer, panel, judge, auditor, t0, case_at):
    case = case_at(Stage.APPEAL, panel=panel[:1])
    assert_allowed(case, officer, ["set_appeal_panel"], t0)
    assert_allowed(case, judge, [], t0)
    svc.case_set_appeal_panel(case=case, actor=officer, version=case.version, panel=[judge], now=t0)
    assert_allowed(case, judge, ["decide_appeal"], t0)
    for actor in (panel[0], case.respondent.user, auditor):
        assert_allowed(case, actor, [], t0)


def test_nothing_is_allowed_on_a_closed_case(officer, panel, auditor, t0, case_at):
    case = case_at(Stage.CLOSED, panel=panel[:1])
    for actor in (officer, panel[0], case.respondent.user, auditor):
        assert_allowed(case, actor, [], t0)
