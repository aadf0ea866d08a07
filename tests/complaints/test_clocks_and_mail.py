"""Clocks with time travel (`now=`), the e-mails they send (mail.outbox), interim suspensions."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import dateformat, timezone

from complaints.models import Case, InterimSuspension, Sanction
from complaints.services import cases as svc
from complaints.services.cases import interim_suspension_impose, interim_suspension_review
from complaints.services.clocks import clocks_apply, reminders_collect, reminders_send
from complaints.services.complaints import complaint_file
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Member
from tests.complaints.factories import AppealFactory, CaseFactory, DecisionFactory, SanctionFactory
from tests.complaints.timeline import case_events, event_of
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
    notice = mail.outbox[-1].body
    # Told how to answer in words a councillor can follow, with the deadline in UK time; no API path.
    assert "/api/" not in notice and "a compliance officer will record" in notice and "(UK time)" in notice
    assert settings.CONDUCT["PARTY_CONTACT"] in notice
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
    assert event_of(decision.case, "close")[0].actor is None


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
    assert not InterimSuspension.objects.exists() and not case_events(case)


# --- Four eyes: what the respondent is told, who is reminded, when the appeal window opens ------------------------


def full_panel_case():
    case = CaseFactory(panel_stage=True)
    case.rules_charged.add(rule("RU1"))
    panel = [UserFactory(roles=["panel"]) for _ in range(3)]
    case.panel.set(panel)
    return case, panel


def appeal_date(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y H:i")


def test_a_suspension_is_mailed_as_pending_then_with_the_appeal_window_from_its_confirmation(
    django_capture_on_commit_callbacks,
):
    case, panel = full_panel_case()
    respondent = case.respondent
    decided_at = timezone.now() - dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        svc.case_decide(
            case=case,
            actor=panel[0],
            version=1,
            findings=[svc.Finding(rule("RU1"), True)],
            outcome="upheld",
            sanctions=[svc.SanctionSpec(sanction_type("suspension_membership"), 90)],
            reasons="Proven.",
            now=decided_at,
        )
    assert [m.to for m in mail.outbox] == [[respondent.email]]  # the complainant waits for the confirmation
    pending = mail.outbox[0].body
    assert "take effect once a second member of the panel confirms them" in pending
    assert "You may appeal until" not in pending and "within 21 days of that confirmation" in pending

    mail.outbox.clear()
    confirmed_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        svc.case_confirm_decision(case=case, actor=panel[1], version=2, now=confirmed_at)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([respondent.email, case.complaint.complainant.email])
    confirmed = next(m for m in mail.outbox if m.to == [respondent.email])
    assert "confirmed" in confirmed.subject
    assert f"You may appeal until {appeal_date(confirmed_at + dt.timedelta(days=21))}." in confirmed.body
    assert f"until {appeal_date(decided_at + dt.timedelta(days=21))}." not in confirmed.body


def pending_variation(judges):
    """An appeal varied to a suspension by judges[0], awaiting a second appeal panel member."""
    case = CaseFactory(appeal=True)
    case.appeal_panel.set(judges)
    decision = DecisionFactory(case=case, needs_confirmation=True, confirmed_at=timezone.now())
    return AppealFactory(
        decision=decision,
        case=case,
        outcome="varied",
        reasons="Reduced.",
        decided_by=judges[0],
        decided_at=timezone.now(),
        needs_confirmation=True,
    )


def test_the_other_members_of_the_appeal_panel_are_reminded_of_a_variation_to_confirm():
    judges = [UserFactory(roles=["panel"]) for _ in range(3)]
    appeal = pending_variation(judges)
    line = f"the appeal decision on {appeal.case.reference} awaits your confirmation"
    due = reminders_collect(now=timezone.now())
    assert line in due[judges[1]] and line in due[judges[2]]
    assert line not in due.get(judges[0], [])

    appeal.confirmed_by, appeal.confirmed_at = judges[1], timezone.now()
    appeal.save(update_fields=["confirmed_by", "confirmed_at"])
    assert all(line not in items for items in reminders_collect(now=timezone.now()).values())


def test_apply_clocks_counts_the_appeal_window_from_the_confirmation():
    now = timezone.now()
    month_ago = now - dt.timedelta(days=30)

    def confirmed_decision(confirmed_days_ago):
        case = CaseFactory(decided=True, decided_at=month_ago)
        confirmed_at = now - dt.timedelta(days=confirmed_days_ago) if confirmed_days_ago is not None else None
        return DecisionFactory(case=case, decided_at=month_ago, needs_confirmation=True, confirmed_at=confirmed_at)

    within = confirmed_decision(10)  # decided 30 days ago, in effect for 10: the window is open
    lapsed = confirmed_decision(22)
    unconfirmed = confirmed_decision(None)

    assert clocks_apply(now=now)["closed"] == 1

    assert Case.objects.get(pk=lapsed.case_id).status == Case.Status.CLOSED
    assert Case.objects.get(pk=within.case_id).status == Case.Status.DECIDED
    assert Case.objects.get(pk=unconfirmed.case_id).status == Case.Status.DECIDED
    assert not case_events(cases=[within.case, unconfirmed.case])
