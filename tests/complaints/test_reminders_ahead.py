"""Reminders come before a deadline, and once when it has passed: each (item, stage, person) once,
however often `send_reminders` runs. Time moves by passing `now=`."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Case, Complaint, ReminderSent
from complaints.services.cases import case_open_investigation, interim_suspension_impose
from complaints.services.clocks import (
    local_time,
    reminders_claim,
    reminders_collect,
    reminders_deliver,
    reminders_send,
)
from complaints.services.evidence import evidence_upload
from complaints.services.police import complaint_record_police_referral
from tests.complaints.factories import CaseFactory, ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # GMT in London: local time is UTC
HOUR = dt.timedelta(hours=1)
STEP = dt.timedelta(minutes=15)


@pytest.fixture
def officers():
    return [UserFactory(roles=["officer"]) for _ in range(2)]


def acknowledged_complaint(at=T0 - HOUR):
    """Acknowledged, so that only the clocks under test fall due."""
    return ComplaintFactory(submitted_at=at, acknowledged_at=at, status=Complaint.Status.ACKNOWLEDGED)


def threats(complaint, *senders, at):
    """Upload one threat from each sender handle at `at` (the police clock starts then)."""
    items = [
        {
            "channel": "twitter",
            "author_handle": handle,
            "text": f"someone will hang you Ruth, just wait {handle}",
            "occurred_at": at - 2 * HOUR,
        }
        for handle in senders
    ]
    result = evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by, now=at)
    assert result.threats == len(senders)


def refer_all(complaint, officer, at):
    return complaint_record_police_referral(
        complaint=complaint, actor=officer, senders="all", force="Metropolitan Police", now=at
    )


def every_15_minutes(start, end, mailoutbox):
    """Run the reminders at each quarter hour from start to end: {moment: [(to, body), ...]} of the runs that sent."""
    sent = {}
    now = start
    while now <= end:
        before = len(mailoutbox)
        reminders_deliver(now=now)
        if len(mailoutbox) > before:
            sent[now] = [(m.to[0], m.body) for m in mailoutbox[before:]]
        now += STEP
    return sent


def police_line(complaint, tail, items=1, label="Police-referral decision"):
    waiting = f"{items} threat item{'s' if items != 1 else ''} waiting"
    return f"{label} on complaint {complaint.reference} ({waiting}): {tail}"


def test_a_deadline_reads_in_local_time():
    assert local_time(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)) == "2 Dec 2026, 09:00"
    assert local_time(dt.datetime(2026, 6, 2, 8, 0, tzinfo=dt.UTC)) == "2 Jun 2026, 09:00"  # British Summer Time


def test_police_clock_is_reminded_12_and_2_hours_ahead_and_once_overdue_at_15_minute_steps(officers, mailoutbox):
    complaint = acknowledged_complaint()
    threats(complaint, "stranger1", at=T0)  # not a member: no case, so every officer hears

    sent = every_15_minutes(T0, T0 + 30 * HOUR, mailoutbox)

    assert list(sent) == [T0 + 12 * HOUR, T0 + 22 * HOUR, T0 + 24 * HOUR + STEP]
    addresses = sorted(o.email for o in officers)
    lines = [
        police_line(complaint, "due 2 Dec 2026, 09:00 (12 h left)"),
        police_line(complaint, "due 2 Dec 2026, 09:00 (2 h left)"),
        police_line(complaint, "overdue since 2 Dec 2026, 09:00"),
    ]
    for moment, line in zip(sent, lines, strict=True):
        assert sorted(to for to, _ in sent[moment]) == addresses
        assert all(line in body for _, body in sent[moment])
    assert ReminderSent.objects.count() == 3 * len(officers)


def test_running_again_at_the_same_moment_sends_nothing_more(officers, mailoutbox):
    complaint = acknowledged_complaint()
    threats(complaint, "stranger1", at=T0)
    later = T0 + 13 * HOUR

    first = reminders_deliver(now=later)
    again = reminders_deliver(now=later)

    assert (first.sent, first.emails, first.skipped) == (2, 2, 0)
    assert (again.sent, again.emails, again.skipped) == (0, 0, 2)
    assert len(mailoutbox) == 2
    assert reminders_collect(now=later) == {}


def test_the_command_prints_what_it_sent_and_skipped(officers, mailoutbox, capsys):
    complaint = acknowledged_complaint(at=timezone.now() - 14 * HOUR)
    threats(complaint, "stranger1", at=timezone.now() - 13 * HOUR)

    call_command("send_reminders")
    call_command("send_reminders")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "sent 2 reminder(s) in 2 e-mail(s); skipped 0 already sent",
        "sent 0 reminder(s) in 0 e-mail(s); skipped 2 already sent",
    ]
    assert len(mailoutbox) == 2


def test_when_runs_were_missed_only_the_latest_stage_goes(officers, mailoutbox):
    complaint = acknowledged_complaint()
    threats(complaint, "stranger1", at=T0)

    reminders_deliver(now=T0 + 23 * HOUR)

    assert len(mailoutbox) == 2
    assert all(police_line(complaint, "due 2 Dec 2026, 09:00 (1 h left)") in m.body for m in mailoutbox)
    assert all("(12 h left)" not in m.body for m in mailoutbox)


def test_a_referral_stops_the_reminders_of_the_complaint_and_of_its_members_cases(officers, mailoutbox):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="member1")
    complaint = acknowledged_complaint()
    threats(complaint, "member1", "stranger1", at=T0)
    case = Case.objects.get(complaint=complaint)
    assert case.police_referral_due == T0 + 24 * HOUR
    reminders_deliver(now=T0 + 12 * HOUR)
    assert len(mailoutbox) == 2

    refer_all(complaint, officers[0], at=T0 + 13 * HOUR)

    assert every_15_minutes(T0 + 13 * HOUR, T0 + 30 * HOUR, mailoutbox) == {}


def test_a_supplementary_clock_gets_its_own_reminders(officers, mailoutbox):
    complaint = acknowledged_complaint()
    threats(complaint, "stranger1", at=T0)
    reminders_deliver(now=T0 + 12 * HOUR)
    refer_all(complaint, officers[0], at=T0 + 13 * HOUR)
    later = T0 + 20 * HOUR  # new threats after the referral: a new clock, due 3 Dec 05:00
    threats(complaint, "stranger2", "stranger3", at=later)
    mailoutbox.clear()

    sent = every_15_minutes(T0 + 13 * HOUR, later + 30 * HOUR, mailoutbox)

    assert list(sent) == [later + 12 * HOUR, later + 22 * HOUR, later + 24 * HOUR + STEP]
    label = "Supplementary police-referral decision"
    assert all(
        police_line(complaint, "due 3 Dec 2026, 05:00 (12 h left)", items=2, label=label) in body
        for _, body in sent[later + 12 * HOUR]
    )
    assert all(
        police_line(complaint, "overdue since 3 Dec 2026, 05:00", items=2, label=label) in body
        for _, body in sent[later + 24 * HOUR + STEP]
    )


def test_the_police_clock_goes_to_the_one_officer_of_the_threat_cases_else_to_every_officer(officers, mailoutbox):
    investigator = UserFactory(roles=["officer"])
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="member1")
    owned = acknowledged_complaint()
    threats(owned, "member1", at=T0)
    case = Case.objects.get(complaint=owned)
    case_open_investigation(case=case, actor=officers[0], version=case.version, investigator=investigator, now=T0)
    mixed = acknowledged_complaint()
    threats(mixed, "member1", "stranger1", at=T0)  # a non-member's threat has no case: everyone hears
    Case.objects.filter(complaint=mixed).update(assigned_to=investigator)

    due = reminders_collect(now=T0 + 12 * HOUR)

    owned_line = police_line(owned, "due 2 Dec 2026, 09:00 (12 h left)")
    mixed_line = police_line(mixed, "due 2 Dec 2026, 09:00 (12 h left)", items=2)
    assert due == {
        investigator: [owned_line, mixed_line],
        officers[0]: [mixed_line],
        officers[1]: [mixed_line],
    }


def test_a_response_deadline_is_reminded_two_days_ahead_and_once_overdue(mailoutbox):
    case = CaseFactory(awaiting_response=True, complaint=acknowledged_complaint(at=timezone.now()))
    due = case.response_due
    officer = case.assigned_to

    sent = {}
    for moment in (due - 3 * dt.timedelta(days=1), due - dt.timedelta(days=2) - STEP, due - dt.timedelta(days=2)):
        sent[moment] = reminders_send(now=moment)
    for moment in (due - dt.timedelta(days=1), due, due + STEP, due + dt.timedelta(days=1)):
        sent[moment] = reminders_send(now=moment)

    assert list(sent.values()) == [0, 0, 1, 0, 0, 1, 0]
    ahead, overdue = mailoutbox
    assert ahead.to == overdue.to == [officer.email]
    assert f"Respondent's response on case {case.reference}: due {local_time(due)} (2 days left)" in ahead.body
    assert f"Respondent's response on case {case.reference}: overdue since {local_time(due)}" in overdue.body


def test_an_unacknowledged_complaint_with_no_case_is_reminded_to_every_officer(officers):
    complaint = ComplaintFactory(submitted_at=T0)

    due = reminders_collect(now=T0 + dt.timedelta(days=5))

    line = f"Acknowledgement on complaint {complaint.reference}: due 8 Dec 2026, 09:00 (2 days left)"
    assert due == {officers[0]: [line], officers[1]: [line]}
    assert reminders_collect(now=T0 + dt.timedelta(days=5) - STEP) == {}


def test_an_interim_suspension_review_is_reminded_ahead_and_overdue(officers):
    case = CaseFactory(investigation=True, complaint=acknowledged_complaint(at=timezone.now()))
    imposed = timezone.now()
    suspension = interim_suspension_impose(case=case, actor=officers[0], reason="Threats.", now=imposed)
    review = suspension.next_review_due
    officer = case.assigned_to

    assert reminders_collect(now=review - dt.timedelta(days=2)) == {
        officer: [f"Interim suspension review on case {case.reference}: due {local_time(review)} (2 days left)"]
    }
    assert reminders_collect(now=review + STEP) == {
        officer: [f"Interim suspension review on case {case.reference}: overdue since {local_time(review)}"]
    }


def test_a_deactivated_assigned_officer_is_replaced_by_every_active_officer(officers):
    case = CaseFactory(awaiting_response=True, complaint=acknowledged_complaint(at=timezone.now()))
    gone = case.assigned_to
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    due = reminders_collect(now=case.response_due + STEP)

    assert set(due) == {*officers}


def world(n):
    """n complaints, each with a running police clock, a member's case awaiting a response and a non-member threat."""
    for i in range(n):
        member = MemberFactory()
        IdentityFactory(member=member, platform="twitter", value=f"member{i}")
        complaint = acknowledged_complaint()
        threats(complaint, f"member{i}", f"stranger{i}", at=T0)
        CaseFactory(awaiting_response=True, complaint=complaint, response_due=T0 + 10 * HOUR)


def test_collecting_reminders_costs_the_same_queries_for_one_complaint_or_many(officers):
    world(1)
    with CaptureQueriesContext(connection) as one:
        small = reminders_collect(now=T0 + 12 * HOUR)
    world(4)
    with CaptureQueriesContext(connection) as many:
        large = reminders_collect(now=T0 + 12 * HOUR)

    assert len(one.captured_queries) == len(many.captured_queries)
    assert sum(map(len, small.values())) < sum(map(len, large.values()))


def test_a_key_another_run_recorded_first_is_not_claimed_again():
    key = "police:RU-1:2026-12-01T09:00:00Z:12h:user"
    ReminderSent.objects.create(key=f"{key}1", sent_at=T0)

    claimed = reminders_claim([f"{key}1", f"{key}2"])

    assert claimed == {f"{key}2"}
    assert ReminderSent.objects.count() == 2
