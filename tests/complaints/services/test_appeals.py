"""Appeals: lodging one within the window, the appeal panel and its decision (DESIGN.md §4 and §6);
a variation that suspends or expels is in test_appeal_variation.py.

For each action: the allowed path and its event rows; each refusal raises the right domain
error, leaves the case's status and version as they were, and writes no audit event
nor an audit event.
"""

import datetime as dt

import pytest
from django.utils import timezone

from complaints import workflow
from complaints.demo.walker import Stage
from complaints.models import Appeal, Case, Complaint, Sanction
from complaints.services import cases as svc
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Member
from tests.complaints.services.helpers import (
    APPEAL_DAYS,
    DAY,
    event_of,
    refused,
    reload,
    spec,
    suspension,
)
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- lodge_appeal --------------------------------------------------------------------------------------------------


def test_respondent_appeals_on_the_last_day_of_the_window(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1])
    respondent = case.respondent.user
    now = t0 + APPEAL_DAYS * DAY

    appeal = svc.case_lodge_appeal(case=case, actor=respondent, version=case.version, grounds="Unfair.", now=now)

    assert (appeal.decision, appeal.lodged_by, appeal.lodged_at, appeal.grounds) == (
        case.decisions.get(),
        respondent,
        now,
        "Unfair.",
    )
    reload(case)
    assert case.status == Case.Status.APPEAL
    event, _ = event_of(case, "lodge_appeal")
    assert (event.actor, event.data) == (respondent, {"appeal": appeal.pk})


def test_appeal_after_twenty_one_days_is_refused(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1])
    refused(
        ConflictError,
        svc.case_lodge_appeal,
        case,
        match="appeal window has closed",
        actor=case.respondent.user,
        grounds="Late.",
        now=t0 + (APPEAL_DAYS + 1) * DAY,
    )
    assert not Appeal.objects.exists()


def test_second_appeal_is_refused(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1])
    svc.case_lodge_appeal(case=case, actor=case.respondent.user, version=case.version, grounds="One.", now=t0 + DAY)
    refused(ConflictError, svc.case_lodge_appeal, case, actor=case.respondent.user, grounds="Two.", now=t0 + DAY)
    assert Appeal.objects.count() == 1


def test_decision_not_upheld_cannot_be_appealed(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1], outcome="not_upheld")
    refused(
        ConflictError,
        svc.case_lodge_appeal,
        case,
        match="no upheld decision",
        actor=case.respondent.user,
        grounds="?",
        now=t0 + DAY,
    )


def test_member_other_than_the_respondent_cannot_appeal(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, panel=panel[:1])
    refused(
        PermissionDenied,
        svc.case_lodge_appeal,
        case,
        actor=MemberFactory(with_login=True).user,
        grounds="On their behalf.",
        now=t0 + DAY,
    )


def test_respondent_cannot_appeal_a_decision_still_awaiting_confirmation(officer, panel, t0, case_at):
    """A suspension takes effect only when confirmed; appealing before that strands it pending for good."""
    case = case_at(Stage.DECIDED, **suspension(), confirm=False)
    respondent = case.respondent.user
    assert "lodge_appeal" not in workflow.allowed_actions(case, respondent, t0 + DAY)
    refused(
        ConflictError,
        svc.case_lodge_appeal,
        case,
        match="awaits a second panel member's confirmation",
        actor=respondent,
        grounds="Too harsh.",
        now=t0 + DAY,
    )
    assert not Appeal.objects.exists()


def test_appeal_window_of_a_decision_without_confirmation_runs_from_the_decision(officer, panel, t0, case_at):
    decision = case_at(Stage.DECIDED, panel=panel[:1]).decisions.get()
    assert not decision.needs_confirmation
    assert (decision.effective_at, decision.appeal_due) == (t0, t0 + APPEAL_DAYS * DAY)


def test_appeal_window_of_a_confirmed_decision_runs_from_the_confirmation(officer, panel, t0, case_at):
    case = case_at(Stage.DECIDED, **suspension(), confirm=False)
    decision = case.decisions.get()
    assert (decision.effective_at, decision.appeal_due) == (None, None)
    confirmed_at = t0 + 10 * DAY

    svc.case_confirm_decision(case=case, actor=panel[1], version=case.version, now=confirmed_at)

    reload(decision)
    assert (decision.effective_at, decision.appeal_due) == (confirmed_at, confirmed_at + APPEAL_DAYS * DAY)
    # Past 21 days from the decision, still within 21 days of its confirmation: the appeal is in time.
    respondent = case.respondent.user
    last_minute = confirmed_at + APPEAL_DAYS * DAY
    assert "lodge_appeal" in workflow.allowed_actions(reload(case), respondent, last_minute)
    appeal = svc.case_lodge_appeal(
        case=case, actor=respondent, version=case.version, grounds="Too harsh.", now=last_minute
    )
    assert (appeal.decision, appeal.lodged_at) == (decision, last_minute)
    assert reload(case).status == Case.Status.APPEAL


def test_appeal_more_than_21_days_after_the_confirmation_is_refused(officer, panel, t0, case_at, walker):
    confirmed_at = t0 + 10 * DAY
    case = case_at(Stage.DECIDED, **suspension(), confirm=False)
    case = walker.confirm(case, by=panel[1], now=confirmed_at)
    respondent = case.respondent.user
    late = confirmed_at + APPEAL_DAYS * DAY + dt.timedelta(minutes=1)
    assert "lodge_appeal" not in workflow.allowed_actions(case, respondent, late)
    refused(
        ConflictError,
        svc.case_lodge_appeal,
        case,
        match=f"appeal window has closed: it ended .*, {APPEAL_DAYS} days after the decision took effect",
        actor=respondent,
        grounds="Late.",
        now=late,
    )
    assert not Appeal.objects.exists()


# --- set_appeal_panel ----------------------------------------------------------------------------------------------


def test_officer_sets_an_appeal_panel_from_outside_the_first(officer, panel, judge, t0, case_at):
    case = case_at(Stage.APPEAL, panel=panel[:1])
    version = case.version

    svc.case_set_appeal_panel(case=case, actor=officer, version=version, panel=[judge], now=t0)

    reload(case)
    assert (case.status, case.version) == (Case.Status.APPEAL, version + 1)
    assert list(case.appeal_panel.all()) == [judge]
    event, _ = event_of(case, "set_appeal_panel")
    assert (event.from_status, event.to_status, event.data) == ("appeal", "appeal", {"panel": [judge.username]})


def test_member_of_the_first_panel_cannot_hear_the_appeal(officer, panel, t0, case_at):
    case = case_at(Stage.APPEAL, panel=panel[:1])
    refused(
        PermissionDenied,
        svc.case_set_appeal_panel,
        case,
        match="sat on the first panel",
        actor=officer,
        panel=[panel[0]],
        now=t0,
    )
    assert not case.appeal_panel.exists()


def test_investigator_cannot_hear_the_appeal(officer, panel, t0, case_at):
    officer_and_panel_member = UserFactory(roles=["officer", "panel"])
    case = case_at(Stage.APPEAL, panel=panel[:1], investigator=officer_and_panel_member)
    assert case.assigned_to == officer_and_panel_member
    refused(
        PermissionDenied,
        svc.case_set_appeal_panel,
        case,
        match="investigated this case",
        actor=officer,
        panel=[officer_and_panel_member],
        now=t0,
    )


def test_panel_member_cannot_set_the_appeal_panel(officer, panel, judge, t0, case_at):
    case = case_at(Stage.APPEAL, panel=panel[:1])
    refused(PermissionDenied, svc.case_set_appeal_panel, case, actor=judge, panel=[judge], now=t0)


# --- decide_appeal -------------------------------------------------------------------------------------------------


def test_dismissed_appeal_leaves_the_sanctions_standing(officer, panel, judge, t0, appealed):
    case = appealed()
    sanction = case.sanctions.get()
    now = t0 + 10 * DAY

    appeal = svc.case_decide_appeal(
        case=case, actor=judge, version=case.version, outcome="dismissed", reasons="Proportionate.", now=now
    )

    assert (appeal.outcome, appeal.decided_by, appeal.decided_at) == ("dismissed", judge, now)
    assert reload(sanction).status == Sanction.Status.ACTIVE and sanction.revoked_on is None
    assert reload(case.respondent).standing == Member.Standing.SUSPENDED
    reload(case)
    assert (case.status, case.closed_at) == (Case.Status.CLOSED, now)
    assert reload(case.complaint).status == Complaint.Status.CLOSED
    event, _ = event_of(case, "decide_appeal")
    assert (event.actor, event.from_status, event.to_status) == (judge, "appeal", "closed")
    assert event.data == {"outcome": "dismissed", "sanctions": [], "needs_confirmation": False}


def test_upheld_appeal_overturns_the_sanctions_and_restores_good_standing(officer, panel, judge, t0, appealed):
    case = appealed()
    sanction = case.sanctions.get()
    now = t0 + 10 * DAY

    svc.case_decide_appeal(case=case, actor=judge, version=case.version, outcome="upheld", reasons="Wrong.", now=now)

    reload(sanction)
    assert (sanction.status, sanction.revoked_on) == (Sanction.Status.OVERTURNED, timezone.localdate(now))
    respondent = reload(case.respondent)
    assert (respondent.standing, respondent.standing_until) == (Member.Standing.GOOD, None)
    assert reload(case).status == Case.Status.CLOSED


def test_varied_appeal_to_a_lesser_sanction_replaces_the_sanctions_at_once(officer, panel, judge, t0, appealed):
    case = appealed()
    old = case.sanctions.get()
    now = t0 + 10 * DAY
    today = timezone.localdate(now)

    appeal = svc.case_decide_appeal(
        case=case,
        actor=judge,
        version=case.version,
        outcome="varied",
        reasons="Too harsh for a first offence.",
        sanctions=[spec("formal_warning")],
        now=now,
    )

    assert appeal.needs_confirmation is False and not appeal.awaiting_confirmation
    reload(old)
    assert (old.status, old.revoked_on) == (Sanction.Status.VARIED, today)
    new = case.sanctions.exclude(pk=old.pk).get()
    assert (new.status, new.replaces, new.sanction_type.code) == (Sanction.Status.ACTIVE, old, "formal_warning")
    assert (new.imposed_on, new.starts_on, new.ends_on) == (today, today, None)
    respondent = reload(case.respondent)
    assert (respondent.standing, respondent.standing_until) == (Member.Standing.GOOD, None)
    reload(case)
    assert (case.status, case.closed_at) == (Case.Status.CLOSED, now)
    assert event_of(case, "decide_appeal")[0].data == {
        "outcome": "varied",
        "sanctions": ["formal_warning"],
        "needs_confirmation": False,
    }


def test_varied_appeal_without_sanctions_is_refused(officer, panel, judge, t0, appealed):
    case = appealed()
    refused(
        ValidationError,
        svc.case_decide_appeal,
        case,
        actor=judge,
        outcome="varied",
        reasons="Too long.",
        sanctions=[],
        now=t0 + 10 * DAY,
    )
    assert case.sanctions.get().status == Sanction.Status.ACTIVE


def test_dismissed_appeal_with_sanctions_is_refused(officer, panel, judge, t0, appealed):
    case = appealed()
    refused(
        ValidationError,
        svc.case_decide_appeal,
        case,
        actor=judge,
        outcome="dismissed",
        reasons="Fine.",
        sanctions=[spec("reminder")],
        now=t0 + 10 * DAY,
    )


def test_first_panel_member_cannot_decide_the_appeal(officer, panel, judge, t0, appealed):
    case = appealed()
    refused(PermissionDenied, svc.case_decide_appeal, case, actor=panel[0], outcome="upheld", reasons="x", now=t0 + DAY)
    assert case.sanctions.get().status == Sanction.Status.ACTIVE


def test_appeal_cannot_be_decided_before_the_appeal_panel_is_set(officer, panel, t0, case_at):
    case = case_at(Stage.APPEAL, panel=panel[:1])
    refused(PermissionDenied, svc.case_decide_appeal, case, actor=panel[2], outcome="upheld", reasons="x", now=t0 + DAY)
