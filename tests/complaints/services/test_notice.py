"""The notice of allegations and the respondent's answer: issue_notice, record_response and
continue_without_response (DESIGN.md §4 and §6: notice before decision, a deadline for the answer).

For each action: the allowed path and its event rows; each refusal raises the right domain
error, leaves the case's status and version as they were, and writes no audit event
nor an audit event.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from complaints.demo.walker import Stage
from complaints.models import Case, Response
from complaints.services import cases as svc
from core.errors import ConflictError, PermissionDenied, ValidationError
from tests.complaints.factories import CaseFactory
from tests.complaints.services.helpers import DAY, event_of, refused, reload
from tests.conduct.factories import category, rule
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


# --- issue_notice --------------------------------------------------------------------------------------------------


def test_notice_gives_the_respondent_fourteen_days_by_default(case_at, officer, t0):
    case = case_at(Stage.INVESTIGATION)
    version = case.version

    svc.case_issue_notice(
        case=case, actor=officer, version=version, allegations="Abusive messages.", rules=[rule("RU9")], now=t0
    )

    reload(case)
    assert settings.CONDUCT["RESPONSE_DAYS"] == 14
    assert (case.status, case.version) == (Case.Status.AWAITING_RESPONSE, version + 1)
    assert (case.response_due, case.notice_issued_at) == (t0 + 14 * DAY, t0)
    assert case.allegations == "Abusive messages." and list(case.rules_charged.all()) == [rule("RU9")]
    assert case.code_version == rule("RU9").code_version
    event, _ = event_of(case, "issue_notice")
    assert event.data == {"rules": ["RU9"], "response_due": (t0 + 14 * DAY).isoformat()}
    assert (event.from_status, event.to_status) == ("investigation", "awaiting_response")


def test_notice_response_days_follow_the_setting(case_at, officer, t0):
    case = case_at(Stage.INVESTIGATION)
    with override_settings(CONDUCT={**settings.CONDUCT, "RESPONSE_DAYS": 5}):
        svc.case_issue_notice(
            case=case, actor=officer, version=case.version, allegations="A.", rules=[rule("RU9")], now=t0
        )
    assert reload(case).response_due == t0 + 5 * DAY


def test_notice_with_a_given_future_deadline_keeps_it(case_at, officer, t0):
    case = case_at(Stage.INVESTIGATION)
    due = t0 + 30 * DAY
    svc.case_issue_notice(
        case=case, actor=officer, version=case.version, allegations="A.", rules=[rule("RU9")], response_due=due, now=t0
    )
    assert reload(case).response_due == due


def test_notice_with_a_past_deadline_is_refused(case_at, officer, t0):
    case = case_at(Stage.INVESTIGATION)
    error = refused(
        ValidationError,
        svc.case_issue_notice,
        case,
        actor=officer,
        allegations="A.",
        rules=[rule("RU9")],
        response_due=t0 - DAY,
        now=t0,
    )
    assert error.field == "response_due"
    assert reload(case).response_due is None


def test_notice_without_rules_is_refused(case_at, officer, t0):
    case = case_at(Stage.INVESTIGATION)
    error = refused(ValidationError, svc.case_issue_notice, case, actor=officer, allegations="A.", rules=[], now=t0)
    assert error.field == "rules"


def test_notice_without_allegations_is_refused(case_at, officer, t0):
    case = case_at(Stage.INVESTIGATION)
    refused(ValidationError, svc.case_issue_notice, case, actor=officer, allegations="", rules=[rule("RU9")], now=t0)


def test_notice_before_investigation_is_a_conflict(officer, t0):
    case = CaseFactory()
    refused(ConflictError, svc.case_issue_notice, case, actor=officer, allegations="A.", rules=[rule("RU9")], now=t0)


def test_notice_adds_the_categories_of_the_rules_charged(case_at, officer, t0):
    case = case_at(Stage.INVESTIGATION)
    case.categories.add(category("other"))

    svc.case_issue_notice(
        case=case, actor=officer, version=case.version, allegations="A.", rules=[rule("RU2"), rule("RU9")], now=t0
    )

    assert set(reload(case).categories.values_list("code", flat=True)) == {"other", "antisemitism", "harassment"}


# --- record_response / continue_without_response -------------------------------------------------------------------


def test_respondent_answers_before_the_deadline(case_at, t0):
    case = case_at(Stage.AWAITING_RESPONSE)
    respondent = case.respondent.user
    now, version = case.response_due - DAY, case.version

    response = svc.case_record_response(case=case, actor=respondent, version=version, text="I deny it.", now=now)

    reload(case)
    assert (case.status, case.version) == (Case.Status.INVESTIGATION, version + 1)
    assert (response.text, response.submitted_by, response.on_behalf, response.submitted_at) == (
        "I deny it.",
        respondent,
        False,
        now,
    )
    event, audit = event_of(case, "record_response")
    assert (event.actor, event.data, event.to_status) == (respondent, {"on_behalf": False}, "investigation")
    assert audit.actor == respondent


def test_respondent_cannot_answer_after_the_deadline(case_at):
    case = case_at(Stage.AWAITING_RESPONSE)
    refused(
        ConflictError,
        svc.case_record_response,
        case,
        match="deadline has passed",
        actor=case.respondent.user,
        text="Late.",
        now=case.response_due + dt.timedelta(minutes=1),
    )
    assert not Response.objects.exists()


def test_officer_records_the_response_on_the_respondents_behalf(case_at, officer):
    case = case_at(Stage.AWAITING_RESPONSE)
    response = svc.case_record_response(
        case=case, actor=officer, version=case.version, text="Told me by phone.", now=case.response_due - DAY
    )
    assert response.on_behalf is True and response.submitted_by == officer
    event, _ = event_of(case, "record_response")
    assert event.data == {"on_behalf": True}


def test_someone_else_cannot_answer_for_the_respondent(case_at):
    case = case_at(Stage.AWAITING_RESPONSE)
    stranger = MemberFactory(with_login=True).user
    refused(PermissionDenied, svc.case_record_response, case, actor=stranger, text="Me.", now=case.response_due - DAY)


def test_response_with_empty_text_is_refused(case_at):
    case = case_at(Stage.AWAITING_RESPONSE)
    refused(
        ValidationError,
        svc.case_record_response,
        case,
        actor=case.respondent.user,
        text="  ",
        now=case.response_due - DAY,
    )


def test_officer_cannot_continue_without_a_response_before_the_deadline(case_at, officer):
    case = case_at(Stage.AWAITING_RESPONSE)
    refused(
        ConflictError,
        svc.case_continue_without_response,
        case,
        match="not passed yet",
        actor=officer,
        now=case.response_due - DAY,
    )
    assert reload(case).response_lapsed is False


def test_officer_continues_without_a_response_after_the_deadline(case_at, officer):
    case = case_at(Stage.AWAITING_RESPONSE)
    now, version = case.response_due + DAY, case.version

    svc.case_continue_without_response(case=case, actor=officer, version=version, now=now)

    reload(case)
    assert (case.status, case.version, case.response_lapsed) == (Case.Status.INVESTIGATION, version + 1, True)
    assert not Response.objects.exists()
    event, audit = event_of(case, "continue_without_response")
    assert (event.actor, event.from_status, event.to_status) == (
        officer,
        "awaiting_response",
        "investigation",
    )
    assert event.data == {"response_lapsed": True, "response_due": case.response_due.isoformat()}
    assert (audit.actor, audit.data["response_lapsed"]) == (officer, True)


def test_respondent_answers_at_the_deadline_itself(case_at):
    case = case_at(Stage.AWAITING_RESPONSE)
    svc.case_record_response(
        case=case, actor=case.respondent.user, version=case.version, text="Just in time.", now=case.response_due
    )
    assert reload(case).status == Case.Status.INVESTIGATION and Response.objects.count() == 1


def test_officer_cannot_record_a_response_for_the_respondent_after_the_deadline(case_at, officer):
    case = case_at(Stage.AWAITING_RESPONSE)
    refused(
        ConflictError,
        svc.case_record_response,
        case,
        match="deadline has passed; an officer may continue without a response",
        actor=officer,
        text="Told me by phone, a week late.",
        now=case.response_due + dt.timedelta(minutes=1),
    )
    assert not Response.objects.exists()
    assert reload(case).response_lapsed is False


def test_nobody_answers_once_the_officer_has_continued_without_a_response(case_at, officer):
    case = case_at(Stage.AWAITING_RESPONSE)
    svc.case_continue_without_response(case=case, actor=officer, version=case.version, now=case.response_due + DAY)
    for actor in (case.respondent.user, officer):
        refused(
            ConflictError,
            svc.case_record_response,
            case,
            match="is not possible while the case is investigation",
            actor=actor,
            text="Late.",
            now=case.response_due + 2 * DAY,
        )
    assert not Response.objects.exists() and reload(case).response_lapsed is True


def test_continue_without_a_response_on_a_stale_version_is_a_conflict(case_at, officer):
    case = case_at(Stage.AWAITING_RESPONSE)
    refused(
        ConflictError,
        svc.case_continue_without_response,
        case,
        match="changed since you read it",
        actor=officer,
        version=case.version - 1,
        now=case.response_due + DAY,
    )
    assert reload(case).response_lapsed is False


def test_continue_without_a_response_outside_awaiting_response_is_a_conflict(case_at, officer):
    case = case_at(Stage.ANSWERED)
    refused(
        ConflictError,
        svc.case_continue_without_response,
        case,
        match="is not possible while the case is investigation",
        actor=officer,
        now=case.response_due + DAY,
    )
    assert reload(case).response_lapsed is False


def test_respondent_cannot_continue_without_a_response(case_at):
    case = case_at(Stage.AWAITING_RESPONSE)
    refused(
        PermissionDenied,
        svc.case_continue_without_response,
        case,
        actor=case.respondent.user,
        now=case.response_due + DAY,
    )


# --- refer_to_panel ------------------------------------------------------------------------------------------------
