"""A varied appeal that suspends or expels: like a first decision it needs a full appeal panel and takes
effect only when a second member of that panel confirms it (DESIGN.md §6: four eyes)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from complaints import guards
from complaints.models import Case, Complaint, ConflictDeclaration, Sanction
from complaints.services import cases as svc
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Member
from tests.complaints.services.helpers import DAY, assert_allowed, event_of, refused, reload, spec, vary_to
from tests.complaints.timeline import case_events
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_varied_appeal_to_a_suspension_waits_for_a_second_appeal_panel_member(
    officer, panel, appeal_panel, t0, django_capture_on_commit_callbacks, appealed
):
    case = appealed(appeal_panel)
    respondent, complainant = case.respondent, case.complaint.complainant
    old = case.sanctions.get()
    first_term_ends = old.ends_on
    version = case.version
    decided_at = t0 + 10 * DAY

    with django_capture_on_commit_callbacks(execute=True):
        appeal = vary_to(case, appeal_panel[0], spec("suspension_membership", 30), now=decided_at)

    assert (appeal.outcome, appeal.decided_by, appeal.decided_at) == ("varied", appeal_panel[0], decided_at)
    assert appeal.needs_confirmation and appeal.awaiting_confirmation and appeal.confirmed_at is None
    reload(case)
    assert (case.status, case.version, case.closed_at) == (Case.Status.APPEAL, version + 1, None)
    # The old suspension stands; the new one is pending, with no dates yet.
    reload(old)
    assert (old.status, old.revoked_on) == (Sanction.Status.ACTIVE, None)
    new = case.sanctions.exclude(pk=old.pk).get()
    assert (new.status, new.replaces, new.duration_days) == (Sanction.Status.PENDING, old, 30)
    assert (new.imposed_on, new.starts_on, new.ends_on) == (None, None, None)
    reload(respondent)
    assert (respondent.standing, respondent.standing_until) == (Member.Standing.SUSPENDED, first_term_ends)
    assert reload(case.complaint).status != Complaint.Status.CLOSED
    event, audit = event_of(case, "decide_appeal")
    assert (event.actor, event.from_status, event.to_status) == (appeal_panel[0], "appeal", "appeal")
    assert event.data == {"outcome": "varied", "sanctions": ["suspension_membership"], "needs_confirmation": True}
    assert audit.data["needs_confirmation"] is True
    # The respondent is told the outcome and that it waits; the complainant is told nothing yet.
    assert [m.to for m in mail.outbox] == [[respondent.email]]
    assert "second member of the appeal panel" in mail.outbox[0].body
    # Who must confirm: the other members of the appeal panel, nobody else.
    assert guards.awaiting_confirmation(case) == appeal
    assert {u.pk for u in guards.confirmers(case)} == {appeal_panel[1].pk, appeal_panel[2].pk}
    assert_allowed(case, appeal_panel[0], [], decided_at)
    assert_allowed(case, appeal_panel[1], ["confirm_decision"], decided_at)
    assert_allowed(case, appeal_panel[2], ["confirm_decision"], decided_at)
    for actor in (panel[0], panel[1], officer, respondent.user):
        assert_allowed(case, actor, [], decided_at)

    confirmed_at = t0 + 12 * DAY
    today = timezone.localdate(confirmed_at)
    standing_events = AuditEvent.objects.filter(action="member.standing", object_id=str(respondent.pk)).count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = svc.case_confirm_decision(case=case, actor=appeal_panel[1], version=case.version, now=confirmed_at)

    assert confirmed == appeal
    reload(appeal)
    assert (appeal.confirmed_by, appeal.confirmed_at, appeal.awaiting_confirmation) == (
        appeal_panel[1],
        confirmed_at,
        False,
    )
    reload(old)
    assert (old.status, old.revoked_on) == (Sanction.Status.VARIED, today)
    reload(new)
    assert (new.status, new.imposed_on, new.starts_on, new.ends_on) == (
        Sanction.Status.ACTIVE,
        today,
        today,
        today + 29 * DAY,
    )
    reload(respondent)
    assert (respondent.standing, respondent.standing_until) == (Member.Standing.SUSPENDED, today + 29 * DAY)
    assert AuditEvent.objects.filter(action="member.standing", object_id=str(respondent.pk)).count() == (
        standing_events + 1
    )
    reload(case)
    assert (case.status, case.version, case.closed_at) == (Case.Status.CLOSED, version + 2, confirmed_at)
    assert reload(case.complaint).status == Complaint.Status.CLOSED
    event = case_events(case, "confirm_decision")[-1]
    assert (event.actor, event.from_status, event.to_status, event.data) == (
        appeal_panel[1],
        "appeal",
        "closed",
        {"appeal": appeal.pk},
    )
    audit = AuditEvent.objects.filter(case_ref=case.reference, action="case.confirm_decision").latest("seq")
    assert (audit.actor, audit.data["from"], audit.data["to"]) == (appeal_panel[1], "appeal", "closed")
    assert guards.awaiting_confirmation(case) is None
    # Now the respondent is told it took effect, and the complainant the outcome.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([respondent.email, complainant.email])
    to_respondent = next(m for m in mail.outbox if m.to == [respondent.email])
    assert "confirmed" in to_respondent.subject and "Suspension of membership (30 days)" in to_respondent.body


def test_varied_appeal_to_expulsion_bars_rejoining_only_once_confirmed(officer, panel, appeal_panel, t0, appealed):
    case = appealed(appeal_panel)
    respondent = case.respondent
    vary_to(case, appeal_panel[2], spec("expulsion"), now=t0 + 10 * DAY)
    reload(respondent)
    assert (respondent.standing, respondent.rejoin_barred_until) == (Member.Standing.SUSPENDED, None)

    confirmed_at = t0 + 11 * DAY
    svc.case_confirm_decision(case=reload(case), actor=appeal_panel[0], version=case.version, now=confirmed_at)

    today = timezone.localdate(confirmed_at)
    reload(respondent)
    assert respondent.standing == Member.Standing.EXPELLED
    assert respondent.rejoin_barred_until == today + dt.timedelta(days=5 * 365)
    assert sorted(case.sanctions.values_list("status", flat=True)) == ["active", "varied"]


def test_pending_appeal_variation_refusals_change_nothing(officer, panel, appeal_panel, t0, appealed):
    case = appealed(appeal_panel)
    appeal = vary_to(case, appeal_panel[0], spec("suspension_membership", 30), now=t0 + 10 * DAY)
    reload(case)
    now = t0 + 11 * DAY
    ConflictDeclaration.objects.create(user=appeal_panel[2], member=case.respondent, reason="Former colleague")

    # The appeal's decider cannot confirm it; nor the first panel, an officer, an outsider, the conflicted.
    refused(
        PermissionDenied,
        svc.case_confirm_decision,
        case,
        match="second member of the appeal panel must confirm",
        actor=appeal_panel[0],
        now=now,
    )
    for outsider in (panel[0], panel[1], officer, UserFactory(roles=["panel"]), case.respondent.user):
        refused(
            PermissionDenied,
            svc.case_confirm_decision,
            case,
            match="Only another member of the panel that decided may confirm decision",
            actor=outsider,
            now=now,
        )
    refused(
        PermissionDenied,
        svc.case_confirm_decision,
        case,
        match="Conflict of interest: declared conflict \\(Former colleague\\)",
        actor=appeal_panel[2],
        now=now,
    )
    refused(
        ConflictError,
        svc.case_confirm_decision,
        case,
        match="changed since you read it",
        actor=appeal_panel[1],
        version=case.version - 1,
        now=now,
    )
    # Once decided, the appeal is neither decided again nor given a new panel.
    refused(
        ConflictError,
        svc.case_decide_appeal,
        case,
        match="awaits a second member of the appeal panel",
        actor=appeal_panel[1],
        outcome="upheld",
        reasons="Overturn instead.",
        now=now,
    )
    refused(
        ConflictError,
        svc.case_set_appeal_panel,
        case,
        match="awaits a second member of the appeal panel",
        actor=officer,
        panel=[appeal_panel[1]],
        now=now,
    )
    assert {u.pk for u in guards.confirmers(case)} == {appeal_panel[1].pk}
    assert sorted(case.sanctions.values_list("status", flat=True)) == ["active", "pending"]
    assert reload(appeal).awaiting_confirmation and appeal.outcome == "varied"
    assert set(case.appeal_panel.all()) == set(appeal_panel)


@pytest.mark.parametrize("code, days", [("suspension_office", 30), ("suspension_membership", 30), ("expulsion", None)])
def test_varied_appeal_that_suspends_or_expels_needs_a_full_appeal_panel(
    code, days, officer, panel, judge, t0, appealed
):
    case = appealed()  # an appeal panel of one
    old = case.sanctions.get()
    refused(
        ValidationError,
        svc.case_decide_appeal,
        case,
        match="needs an appeal panel of 3",
        actor=judge,
        outcome="varied",
        reasons="Reduced.",
        sanctions=[spec(code, days)],
        now=t0 + 10 * DAY,
    )
    assert list(case.sanctions.all()) == [old] and reload(old).status == Sanction.Status.ACTIVE
    assert case.appeals.get().outcome == ""


@pytest.mark.parametrize("outcome", ["dismissed", "upheld"])
def test_appeal_dismissed_or_upheld_by_a_full_panel_needs_no_confirmation(
    outcome, officer, panel, appeal_panel, t0, appealed
):
    case = appealed(appeal_panel)
    appeal = svc.case_decide_appeal(
        case=case, actor=appeal_panel[0], version=case.version, outcome=outcome, reasons="Decided.", now=t0 + 10 * DAY
    )
    assert appeal.needs_confirmation is False and not appeal.awaiting_confirmation
    assert reload(case).status == Case.Status.CLOSED
    assert guards.awaiting_confirmation(case) is None
