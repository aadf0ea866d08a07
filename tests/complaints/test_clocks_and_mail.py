"""Clocks with time travel (`now=`), the e-mails they send (mail.outbox), interim suspensions."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from complaints.models import Case, CaseEvent, InterimSuspension, Sanction
from complaints.services import cases as svc
from complaints.services.clocks import clocks_apply, reminders_collect, reminders_send
from complaints.services.complaints import complaint_file
from complaints.services.interim import interim_suspension_impose, interim_suspension_review
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Member
from tests.complaints.factories import CaseFactory, DecisionFactory, SanctionFactory
from tests.conduct.factories import rule, sanction_type
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_filing_sends_the_acknowledgement_on_commit(django_capture_on_commit_callbacks):
    member = MemberFactory(with_login=True)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_file(actor=member.user, summary="Abuse", description="Details.")
    assert len(mail.outbox) == 1
    assert complaint.reference in mail.outbox[0].subject and mail.outbox[0].to == [member.email]


def test_a_refused_action_sends_nothing(django_capture_on_commit_callbacks):
    case = CaseFactory(investigation=True)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        svc.case_issue_notice(case=case, actor=UserFactory(roles=["officer"]), version=1, allegations="x", rules=[])
    assert mail.outbox == []


def test_notice_and_decision_reach_the_respondent_and_the_outcome_the_complainant(django_capture_on_commit_callbacks):
    case = CaseFactory(investigation=True)
    officer = UserFactory(roles=["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        case = svc.case_issue_notice(case=case, actor=officer, version=1, allegations="Abuse.", rules=[rule("RU11")])
    assert mail.outbox[-1].to == [case.respondent.email] and "RU11" in mail.outbox[-1].body
    svc.case_record_response(case=case, actor=case.respondent.user, version=None, text="Sorry.")
    panel = UserFactory(roles=["panel"])
    svc.case_refer_to_panel(case=case, actor=officer, version=3, report="Report.", panel=[panel])
    with django_capture_on_commit_callbacks(execute=True):
        svc.case_decide(
            case=case,
            actor=panel,
            version=4,
            findings=[svc.Finding(rule("RU11"), True)],
            outcome="upheld",
            sanctions=[svc.SanctionSpec(sanction_type("reminder"))],
            reasons="Proven.",
        )
    recipients = [m.to[0] for m in mail.outbox]
    assert case.respondent.email in recipients and case.complaint.complainant.email in recipients
    decision_mail = next(m for m in mail.outbox if m.to == [case.respondent.email] and "Decision" in m.subject)
    assert "You may appeal until" in decision_mail.body


def test_response_deadline_lapses_with_time():
    case = CaseFactory(awaiting_response=True)
    later = case.response_due + dt.timedelta(minutes=1)
    with pytest.raises(ConflictError):
        svc.case_record_response(case=case, actor=case.respondent.user, version=None, text="Late.", now=later)
    officer = UserFactory(roles=["officer"])
    with pytest.raises(ConflictError):
        svc.case_continue_without_response(case=case, actor=officer, version=1, now=later - dt.timedelta(days=1))
    case = svc.case_continue_without_response(case=case, actor=officer, version=1, now=later)
    assert case.response_lapsed and case.status == Case.Status.INVESTIGATION


def test_reminders_list_overdue_work_and_mail_it():
    officer = UserFactory(roles=["officer"], email="officer@party.example.org")
    case = CaseFactory(awaiting_response=True, assigned_to=officer)
    assert reminders_collect(now=timezone.now()).get(officer) is None
    later = case.response_due + dt.timedelta(days=1)
    items = reminders_collect(now=later)[officer]
    assert any(case.reference in line and "overdue" in line for line in items)
    assert reminders_send(now=later) >= 1
    assert any(m.to == [officer.email] and case.reference in m.body for m in mail.outbox)


def test_apply_clocks_closes_lapsed_cases_and_marks_ended_sanctions_spent():
    month_ago = timezone.now() - dt.timedelta(days=30)
    decision = DecisionFactory(decided_at=month_ago, case=CaseFactory(decided=True, decided_at=month_ago))
    sanction = SanctionFactory(
        decision=decision,
        code="suspension_membership",
        duration_days=10,
        imposed_on=timezone.localdate() - dt.timedelta(days=30),
    )
    result = clocks_apply()
    assert result == {"closed": 1, "spent": 1}
    sanction.refresh_from_db()
    assert sanction.status == Sanction.Status.SPENT
    assert Case.objects.get(pk=decision.case_id).status == Case.Status.CLOSED
    assert CaseEvent.objects.get(case=decision.case, action="close").actor is None


def test_interim_suspension_changes_standing_but_is_never_a_sanction():
    case = CaseFactory(investigation=True)
    officer = UserFactory(roles=["officer"])
    suspension = interim_suspension_impose(case=case, actor=officer, reason="Threats under investigation.")
    member = Member.objects.get(pk=case.respondent_id)
    assert member.standing == Member.Standing.ADMIN_SUSPENDED
    assert not Sanction.objects.filter(member=member).exists()
    assert suspension.next_review_due - suspension.imposed_at == dt.timedelta(days=28)
    with pytest.raises(ConflictError):
        interim_suspension_impose(case=case, actor=officer, reason="Again.")
    later = timezone.now() + dt.timedelta(days=29)
    assert suspension.review_overdue(later) and not suspension.long_running(later)
    assert suspension.long_running(timezone.now() + dt.timedelta(days=200))
    suspension = interim_suspension_review(case=case, actor=officer, keep=True, reason="Still needed.", now=later)
    assert not suspension.review_overdue(later)
    interim_suspension_review(case=case, actor=officer, keep=False, reason="Cleared.", now=later)
    assert Member.objects.get(pk=member.pk).standing == Member.Standing.GOOD
    assert InterimSuspension.objects.get(pk=suspension.pk).lifted_at == later


def test_interim_suspension_refusals_change_nothing():
    case = CaseFactory(investigation=True)
    with pytest.raises(PermissionDenied):
        interim_suspension_impose(case=case, actor=UserFactory(roles=["panel"]), reason="No.")
    with pytest.raises(ValidationError):
        interim_suspension_impose(case=case, actor=UserFactory(roles=["officer"]), reason=" ")
    with pytest.raises(ConflictError):
        interim_suspension_review(case=case, actor=UserFactory(roles=["officer"]), keep=False, reason="None there.")
    assert not InterimSuspension.objects.exists() and not CaseEvent.objects.filter(case=case).exists()
