"""A member's standing from sanctions and interim suspensions (complaints/services/standing.py),
and which sanctions were in force on a day (complaints.models.sanctions_in_force_q)."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import InterimSuspension, Sanction, sanctions_in_force_q
from complaints.services.standing import member_standing_compute, member_standing_refresh, sanctions_mark_spent
from members.models import Member
from tests.complaints.factories import CaseFactory, SanctionFactory
from tests.members.factories import MemberFactory, UserFactory

DAY = dt.timedelta(days=1)
GOOD, SUSPENDED, EXPELLED = Member.Standing.GOOD, Member.Standing.SUSPENDED, Member.Standing.EXPELLED


@pytest.fixture
def today():
    return timezone.localdate()


def sanction(member, code, *, starts_on, duration_days=None, status=Sanction.Status.ACTIVE, **extra):
    """A sanction on `member` that took effect on `starts_on` (ends_on follows from duration_days)."""
    return SanctionFactory(
        decision__case__respondent=member,
        code=code,
        imposed_on=starts_on,
        duration_days=duration_days,
        status=status,
        **extra,
    )


def interim(member, *, lifted=False):
    now = timezone.now()
    return InterimSuspension.objects.create(
        case=CaseFactory(respondent=member, investigation=True),
        member=member,
        reason="Threats to staff.",
        imposed_by=UserFactory(roles=["officer"]),
        imposed_at=now - 3 * DAY,
        next_review_due=now + 25 * DAY,
        lifted_at=now - DAY if lifted else None,
    )


def in_force(s: Sanction, day: dt.date) -> bool:
    return Sanction.objects.filter(sanctions_in_force_q(day)).filter(pk=s.pk).exists()


# --- member_standing_compute ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_member_without_sanctions_is_in_good_standing(member, today):
    assert member_standing_compute(member, today) == (GOOD, None, None)


@pytest.mark.django_db
def test_active_suspension_suspends_until_its_last_day(member, today):
    s = sanction(member, "suspension_membership", starts_on=today - 10 * DAY, duration_days=90)
    assert s.ends_on == today + 79 * DAY
    assert member_standing_compute(member, today) == (SUSPENDED, today + 79 * DAY, None)
    assert member_standing_compute(member, s.ends_on) == (SUSPENDED, s.ends_on, None)
    assert member_standing_compute(member, s.ends_on + DAY) == (GOOD, None, None)


@pytest.mark.django_db
def test_ended_suspension_leaves_good_standing_even_before_it_is_marked_spent(member, today):
    sanction(member, "suspension_membership", starts_on=today - 100 * DAY, duration_days=30)
    assert member_standing_compute(member, today) == (GOOD, None, None)


@pytest.mark.django_db
def test_the_longest_of_two_suspensions_sets_the_end(member, today):
    sanction(member, "suspension_membership", starts_on=today - 10 * DAY, duration_days=30)
    sanction(member, "suspension_membership", starts_on=today - 5 * DAY, duration_days=90)
    assert member_standing_compute(member, today) == (SUSPENDED, today + 84 * DAY, None)


@pytest.mark.django_db
def test_suspension_from_office_does_not_suspend_membership(member, today):
    sanction(member, "suspension_office", starts_on=today - 10 * DAY, duration_days=90)
    assert member_standing_compute(member, today) == (GOOD, None, None)


@pytest.mark.django_db
def test_expulsion_expels_and_bars_rejoining(member, today):
    barred = today + 5 * 365 * DAY
    sanction(member, "expulsion", starts_on=today - DAY, rejoin_barred_until=barred)
    sanction(member, "suspension_membership", starts_on=today - 10 * DAY, duration_days=90)
    assert member_standing_compute(member, today) == (EXPELLED, None, barred)


@pytest.mark.django_db
def test_overturned_suspension_counts_only_before_it_was_revoked(member, today):
    sanction(
        member,
        "suspension_membership",
        starts_on=today - 10 * DAY,
        duration_days=90,
        status=Sanction.Status.OVERTURNED,
        revoked_on=today - 2 * DAY,
    )
    assert member_standing_compute(member, today)[0] == GOOD
    assert member_standing_compute(member, today - 2 * DAY)[0] == GOOD
    assert member_standing_compute(member, today - 3 * DAY)[0] == SUSPENDED


@pytest.mark.django_db
def test_pending_suspension_does_not_suspend(member, today):
    sanction(member, "suspension_membership", starts_on=today, duration_days=90, status=Sanction.Status.PENDING)
    assert member_standing_compute(member, today) == (GOOD, None, None)


@pytest.mark.django_db
def test_open_interim_suspension_is_an_administrative_suspension(member, today):
    interim(member)
    assert member_standing_compute(member, today) == (Member.Standing.ADMIN_SUSPENDED, None, None)


@pytest.mark.django_db
def test_lifted_interim_suspension_leaves_good_standing(member, today):
    interim(member, lifted=True)
    assert member_standing_compute(member, today) == (GOOD, None, None)


@pytest.mark.django_db
def test_a_sanctioned_suspension_outranks_an_interim_one(member, today):
    interim(member)
    sanction(member, "suspension_membership", starts_on=today, duration_days=30)
    assert member_standing_compute(member, today) == (SUSPENDED, today + 29 * DAY, None)


@pytest.mark.django_db
def test_refresh_stores_a_change_once_and_audits_it(member, today):
    sanction(member, "suspension_membership", starts_on=today, duration_days=30)

    member_standing_refresh(member=member, today=today)
    member_standing_refresh(member=member, today=today)

    member.refresh_from_db()
    assert (member.standing, member.standing_until) == (SUSPENDED, today + 29 * DAY)
    (event,) = AuditEvent.objects.filter(action="member.standing", object_id=str(member.pk))
    assert event.data["before"]["standing"] == GOOD and event.data["after"]["standing"] == SUSPENDED


# --- sanctions_mark_spent ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mark_spent_stores_ended_terms_and_refreshes_standing(member, today):
    ended = sanction(member, "suspension_membership", starts_on=today - 40 * DAY, duration_days=30)
    running = sanction(MemberFactory(), "suspension_membership", starts_on=today - 5 * DAY, duration_days=30)
    warning = sanction(member, "formal_warning", starts_on=today - 400 * DAY)
    member_standing_refresh(member=member, today=today - 20 * DAY)
    assert Member.objects.get(pk=member.pk).standing == SUSPENDED

    assert sanctions_mark_spent(today=today) == 1

    assert Sanction.objects.get(pk=ended.pk).status == Sanction.Status.SPENT
    assert Sanction.objects.get(pk=running.pk).status == Sanction.Status.ACTIVE
    assert Sanction.objects.get(pk=warning.pk).status == Sanction.Status.ACTIVE
    member.refresh_from_db()
    assert (member.standing, member.standing_until) == (GOOD, None)


@pytest.mark.django_db
def test_mark_spent_with_nothing_ended_changes_nothing(member, today):
    sanction(member, "suspension_membership", starts_on=today - 5 * DAY, duration_days=30)
    events = AuditEvent.objects.count()
    assert sanctions_mark_spent(today=today) == 0
    assert AuditEvent.objects.count() == events


def test_mark_spent_runs_from_cron_outside_a_transaction(audit_flushable_db, today):
    """Like cases_close_lapsed, the daily job must open its own transaction for the standing audit rows."""
    member = MemberFactory()
    sanction(member, "suspension_membership", starts_on=today - 40 * DAY, duration_days=30)
    Member.objects.filter(pk=member.pk).update(standing=SUSPENDED, standing_until=today - 11 * DAY)

    assert sanctions_mark_spent(today=today) == 1

    member.refresh_from_db()
    assert member.standing == GOOD
    assert AuditEvent.objects.filter(action="member.standing", object_id=str(member.pk)).count() == 1


# --- sanctions_in_force_q ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_active_sanction_is_in_force_from_its_start(member, today):
    s = sanction(member, "formal_warning", starts_on=today - 10 * DAY)
    assert in_force(s, today - 10 * DAY) and in_force(s, today) and in_force(s, today + 1000 * DAY)
    assert not in_force(s, today - 11 * DAY)


@pytest.mark.django_db
def test_spent_sanction_was_in_force_during_its_term_only(member, today):
    s = sanction(
        member, "suspension_membership", starts_on=today - 40 * DAY, duration_days=30, status=Sanction.Status.SPENT
    )
    assert s.ends_on == today - 11 * DAY
    assert in_force(s, today - 40 * DAY) and in_force(s, today - 11 * DAY)
    assert not in_force(s, today - 10 * DAY) and not in_force(s, today)


@pytest.mark.django_db
def test_overturned_sanction_is_in_force_before_its_revocation_not_after(member, today):
    s = sanction(
        member,
        "suspension_membership",
        starts_on=today - 10 * DAY,
        duration_days=90,
        status=Sanction.Status.OVERTURNED,
        revoked_on=today - 2 * DAY,
    )
    assert in_force(s, today - 3 * DAY)
    assert not in_force(s, today - 2 * DAY) and not in_force(s, today)


@pytest.mark.django_db
def test_pending_sanction_is_never_in_force(member, today):
    s = sanction(member, "suspension_membership", starts_on=today - 10 * DAY, duration_days=90, status="pending")
    assert not any(in_force(s, today + n * DAY) for n in range(-15, 100, 5))
