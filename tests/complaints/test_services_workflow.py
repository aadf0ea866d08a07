"""The case workflow services (complaints/services/cases.py) against DESIGN.md §4 and §6.

For each action: the allowed path and its event rows; each refusal raises the right
domain error, leaves the case's status and version as they were, and writes neither a
case event nor any other audit event.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from complaints import guards, workflow
from complaints.models import Appeal, Case, Complaint, ConflictDeclaration, Decision, Response, Sanction
from complaints.services import cases as svc
from complaints.services.cases import Finding, SanctionSpec
from complaints.services.cases.decisions import TRAINING_CONDITION
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Member
from tests.complaints.factories import CaseFactory, DecisionFactory
from tests.complaints.timeline import case_event_count, case_events, event_of
from tests.conduct.factories import category, rule, sanction_type
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
APPEAL_DAYS = settings.CONDUCT["APPEAL_DAYS"]


# --- helpers -------------------------------------------------------------------------------------------------------


def recorded() -> tuple[int, int]:
    """How many case events and audit events exist."""
    return case_event_count(), AuditEvent.objects.count()


def refused(error, service, case, *, match=None, **kwargs):
    """Call `service` on `case` (at its current version unless given) expecting `error`.

    Asserts the case's status and version are unchanged and that no case event and no
    audit event were written. Returns the exception.
    """
    case.refresh_from_db()
    before = (case.status, case.version)
    events = recorded()
    kwargs.setdefault("version", case.version)
    with pytest.raises(error, match=match) as info:
        service(case=case, **kwargs)
    case.refresh_from_db()
    assert (case.status, case.version) == before
    assert recorded() == events
    return info.value


def reload(obj):
    obj.refresh_from_db()
    return obj


def spec(code, duration_days=None, conditions=""):
    return SanctionSpec(sanction_type(code), duration_days, conditions)


def breached(*codes):
    return [Finding(rule(c), True) for c in codes]


def peer_of(member, *roles):
    """A staff login linked to a member of `member`'s constituency."""
    user = UserFactory(roles=list(roles))
    MemberFactory(user=user, constituency=member.constituency)
    return user


def noticed_case(*, rules=("RU9",), **traits):
    """A case in investigation whose notice was issued (and answered): ready to refer."""
    traits.setdefault("investigation", True)
    case = CaseFactory(
        allegations="Abusive messages.",
        notice_issued_at=timezone.now() - 20 * DAY,
        response_due=timezone.now() - 6 * DAY,
        **traits,
    )
    case.rules_charged.set([rule(c) for c in rules])
    return case


def panel_case(panel, *, rules=("RU9",)):
    """A case at the panel stage with `rules` charged and `panel` sitting."""
    case = noticed_case(rules=rules, panel_stage=True)
    case.panel.set(panel)
    return case


def investigated(officer, *, now, rules=("RU9",), investigator=None, **case_kwargs):
    """Through the services: investigation opened, notice issued on `rules`, the respondent answered."""
    case = CaseFactory(**case_kwargs)
    investigator = investigator or UserFactory(roles=["officer"])
    svc.case_open_investigation(case=case, actor=officer, version=case.version, investigator=investigator, now=now)
    reload(case)
    svc.case_issue_notice(
        case=case,
        actor=officer,
        version=case.version,
        allegations="Abusive messages.",
        rules=[rule(c) for c in rules],
        now=now,
    )
    reload(case)
    svc.case_record_response(case=case, actor=case.respondent.user, version=case.version, text="I deny it.", now=now)
    return reload(case)


def decided(
    officer,
    panel,
    *,
    now,
    code="formal_warning",
    duration_days=None,
    rules=("RU9",),
    confirm=True,
    outcome="upheld",
    investigator=None,
    departure_reason="",
):
    """Through the services: investigated, referred to `panel`, decided by panel[0] (confirmed by panel[1])."""
    case = investigated(officer, now=now, rules=rules, investigator=investigator)
    svc.case_refer_to_panel(case=case, actor=officer, version=case.version, report="Report.", panel=panel, now=now)
    reload(case)
    upheld = outcome == Decision.Outcome.UPHELD
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=case.version,
        findings=[Finding(rule(c), upheld) for c in rules],
        outcome=outcome,
        sanctions=[spec(code, duration_days)] if upheld else [],
        reasons="Proven by the posts." if upheld else "Not proven.",
        departure_reason=departure_reason,
        now=now,
    )
    if confirm and decision.needs_confirmation:
        svc.case_confirm_decision(case=reload(case), actor=panel[1], version=case.version, now=now)
    return reload(case)


def suspended(officer, panel, *, now, days=90):
    """A confirmed suspension of membership on a threat-of-violence charge (inside the guidance range)."""
    return decided(officer, panel, now=now, code="suspension_membership", duration_days=days, rules=("RU1",))


def appealed(officer, panel, judge, *, now, days=90):
    """A confirmed suspension, appealed a day later, heard by `judge`."""
    case = suspended(officer, panel, now=now, days=days)
    svc.case_lodge_appeal(
        case=case, actor=case.respondent.user, version=case.version, grounds="Too harsh.", now=now + DAY
    )
    svc.case_set_appeal_panel(case=reload(case), actor=officer, version=case.version, panel=[judge], now=now + DAY)
    return reload(case)


def confirmed_later(officer, panel, *, decided_at, confirmed_at):
    """A suspension decided by panel[0] at `decided_at` and confirmed by panel[1] at `confirmed_at`."""
    case = decided(
        officer,
        panel,
        now=decided_at,
        code="suspension_membership",
        duration_days=90,
        rules=("RU1",),
        confirm=False,
    )
    svc.case_confirm_decision(case=case, actor=panel[1], version=case.version, now=confirmed_at)
    return reload(case)


def appealed_to_full_panel(officer, panel, judges, *, now, days=90):
    """A confirmed suspension, appealed a day later, heard by an appeal panel of three."""
    case = suspended(officer, panel, now=now, days=days)
    svc.case_lodge_appeal(
        case=case, actor=case.respondent.user, version=case.version, grounds="Too harsh.", now=now + DAY
    )
    svc.case_set_appeal_panel(case=reload(case), actor=officer, version=case.version, panel=judges, now=now + DAY)
    return reload(case)


def vary_to(case, judge, *sanctions, now):
    return svc.case_decide_appeal(
        case=case,
        actor=judge,
        version=case.version,
        outcome="varied",
        reasons="Reduced on appeal.",
        sanctions=list(sanctions),
        now=now,
    )


@pytest.fixture
def appeal_panel():
    """Three panel members who sat on no first panel: a full appeal panel."""
    return [UserFactory(roles=["panel"]) for _ in range(3)]


# --- open_investigation --------------------------------------------------------------------------------------------


def test_officer_opens_investigation_with_an_unconflicted_investigator(officer, investigator, t0):
    case = CaseFactory()

    svc.case_open_investigation(case=case, actor=officer, version=1, investigator=investigator, now=t0)

    reload(case)
    assert (case.status, case.version, case.assigned_to) == (Case.Status.INVESTIGATION, 2, investigator)
    event, audit = event_of(case, "open_investigation")
    assert (event.actor, event.from_status, event.to_status) == (officer, "received", "investigation")
    assert event.data == {"investigator": investigator.username}
    assert audit.actor == officer and audit.data["from"] == "received" and audit.data["version"] == 2
    complaint = reload(case.complaint)
    assert (complaint.status, complaint.acknowledged_at) == (Complaint.Status.ACKNOWLEDGED, t0)


@pytest.mark.parametrize("who", ["panel", "auditor", "respondent", "plain_member"])
def test_only_an_officer_may_open_investigation(who, investigator, t0):
    case = CaseFactory()
    actor = {
        "panel": lambda: UserFactory(roles=["panel"]),
        "auditor": lambda: UserFactory(roles=["auditor"]),
        "respondent": lambda: case.respondent.user,
        "plain_member": lambda: MemberFactory(with_login=True).user,
    }[who]()
    refused(PermissionDenied, svc.case_open_investigation, case, actor=actor, investigator=investigator, now=t0)


def test_open_investigation_with_a_stale_version_is_a_conflict(officer, investigator, t0):
    case = CaseFactory(version=3)
    refused(
        ConflictError,
        svc.case_open_investigation,
        case,
        match="changed since you read it",
        actor=officer,
        version=2,
        investigator=investigator,
        now=t0,
    )


@pytest.mark.parametrize("traits", [{"investigation": True}, {"panel_stage": True}, {"closed": True}])
def test_open_investigation_outside_received_is_a_conflict(traits, officer, investigator, t0):
    case = CaseFactory(**traits)
    refused(ConflictError, svc.case_open_investigation, case, actor=officer, investigator=investigator, now=t0)


def test_investigator_who_is_not_an_officer_is_refused(officer, t0):
    case = CaseFactory()
    refused(
        ValidationError,
        svc.case_open_investigation,
        case,
        match="not a compliance officer",
        actor=officer,
        investigator=UserFactory(roles=["panel"]),
        now=t0,
    )
    assert reload(case).assigned_to is None


def test_investigator_from_the_respondents_constituency_is_refused(officer, t0):
    case = CaseFactory()
    investigator = peer_of(case.respondent, "officer")
    refused(
        PermissionDenied,
        svc.case_open_investigation,
        case,
        match="same constituency",
        actor=officer,
        investigator=investigator,
        now=t0,
    )


@pytest.mark.parametrize("about", ["member", "constituency"])
def test_investigator_with_a_declared_conflict_is_refused_with_the_reason(about, officer, investigator, t0):
    case = CaseFactory()
    target = {"member": case.respondent} if about == "member" else {"constituency": case.respondent.constituency}
    ConflictDeclaration.objects.create(user=investigator, reason="Shares a flat with the respondent", **target)
    refused(
        PermissionDenied,
        svc.case_open_investigation,
        case,
        match=r"declared conflict \(Shares a flat with the respondent\)",
        actor=officer,
        investigator=investigator,
        now=t0,
    )


def test_officer_in_the_respondents_constituency_cannot_act_on_the_case(investigator, t0):
    case = CaseFactory()
    officer = peer_of(case.respondent, "officer")
    refused(
        PermissionDenied,
        svc.case_open_investigation,
        case,
        match="Conflict of interest",
        actor=officer,
        investigator=investigator,
        now=t0,
    )
    refused(PermissionDenied, svc.case_dismiss, case, actor=officer, reason_code="vexatious", reason="No.", now=t0)
    assert workflow.allowed_actions(case, officer, t0) == []


# --- dismiss -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("traits", [{}, {"investigation": True}])
def test_officer_dismisses_from_received_or_investigation(traits, officer, t0):
    case = CaseFactory(**traits)
    from_status = case.status

    svc.case_dismiss(
        case=case,
        actor=officer,
        version=case.version,
        reason_code="insufficient_evidence",
        reason="Nothing attributable.",
        now=t0,
    )

    reload(case)
    assert (case.status, case.version, case.closed_at) == (Case.Status.DISMISSED, 2, t0)
    assert (case.dismiss_reason_code, case.dismiss_reason) == ("insufficient_evidence", "Nothing attributable.")
    event, audit = event_of(case, "dismiss")
    assert (event.actor, event.from_status, event.to_status) == (officer, from_status, "dismissed")
    assert event.data == {"reason_code": "insufficient_evidence"}
    assert audit.data["reason_code"] == "insufficient_evidence"


def test_dismiss_with_an_unknown_reason_code_is_refused(officer, t0):
    case = CaseFactory()
    refused(ValidationError, svc.case_dismiss, case, actor=officer, reason_code="dislike", reason="Because.", now=t0)


@pytest.mark.parametrize("reason", ["", "   "])
def test_dismiss_without_reason_text_is_refused(reason, officer, t0):
    case = CaseFactory()
    error = refused(
        ValidationError, svc.case_dismiss, case, actor=officer, reason_code="vexatious", reason=reason, now=t0
    )
    assert error.field == "reason"


def test_dismiss_from_panel_is_a_conflict(officer, panel, t0):
    case = panel_case(panel[:1])
    refused(ConflictError, svc.case_dismiss, case, actor=officer, reason_code="vexatious", reason="x", now=t0)


def test_complaint_closes_when_its_only_case_is_dismissed(officer, t0):
    case = CaseFactory()
    svc.case_dismiss(case=case, actor=officer, version=1, reason_code="out_of_scope", reason="Private life.", now=t0)
    assert reload(case.complaint).status == Complaint.Status.CLOSED


def test_complaint_stays_open_while_another_case_is_open(officer, t0):
    case = CaseFactory()
    CaseFactory(complaint=case.complaint)
    svc.case_dismiss(case=case, actor=officer, version=1, reason_code="out_of_scope", reason="Private life.", now=t0)
    assert reload(case.complaint).status == Complaint.Status.ACKNOWLEDGED


# --- resolve_informally --------------------------------------------------------------------------------------------


def test_officer_resolves_informally_with_a_formal_warning(officer, t0):
    case = CaseFactory()
    respondent = case.respondent

    svc.case_resolve_informally(
        case=case, actor=officer, version=1, sanction=spec("formal_warning"), reasons="Apologised at once.", now=t0
    )

    reload(case)
    assert (case.status, case.version, case.decided_at) == (Case.Status.DECIDED, 2, t0)
    decision = case.decisions.get()
    assert decision.informal and decision.outcome == Decision.Outcome.UPHELD and decision.decided_by == officer
    sanction = decision.sanctions.get()
    today = timezone.localdate(t0)
    assert (sanction.sanction_type.code, sanction.status) == ("formal_warning", Sanction.Status.ACTIVE)
    assert (sanction.imposed_on, sanction.starts_on, sanction.ends_on) == (today, today, None)
    event, _ = event_of(case, "resolve_informally")
    assert (event.from_status, event.to_status, event.data) == ("received", "decided", {"sanction": "formal_warning"})
    # A warning leaves the member in good standing, and nothing about standing is recorded.
    assert reload(respondent).standing == Member.Standing.GOOD
    assert not AuditEvent.objects.filter(action="member.standing").exists()


@pytest.mark.parametrize(
    "sanction", [("conditions", None, "Apologise."), ("suspension_membership", 30, ""), ("expulsion", None, "")]
)
def test_informal_resolution_above_a_formal_warning_is_refused(sanction, officer, t0):
    case = CaseFactory(investigation=True)
    refused(
        ValidationError,
        svc.case_resolve_informally,
        case,
        match="no higher than",
        actor=officer,
        sanction=spec(*sanction),
        reasons="Serious.",
        now=t0,
    )
    assert not Decision.objects.exists() and not Sanction.objects.exists()
    assert reload(case.respondent).standing == Member.Standing.GOOD


def test_informal_resolution_without_reasons_is_refused(officer, t0):
    case = CaseFactory()
    refused(
        ValidationError,
        svc.case_resolve_informally,
        case,
        actor=officer,
        sanction=spec("reminder"),
        reasons=" ",
        now=t0,
    )


# --- issue_notice --------------------------------------------------------------------------------------------------


def test_notice_gives_the_respondent_fourteen_days_by_default(officer, t0):
    case = CaseFactory(investigation=True)

    svc.case_issue_notice(
        case=case, actor=officer, version=1, allegations="Abusive messages.", rules=[rule("RU9")], now=t0
    )

    reload(case)
    assert settings.CONDUCT["RESPONSE_DAYS"] == 14
    assert (case.status, case.version) == (Case.Status.AWAITING_RESPONSE, 2)
    assert (case.response_due, case.notice_issued_at) == (t0 + 14 * DAY, t0)
    assert case.allegations == "Abusive messages." and list(case.rules_charged.all()) == [rule("RU9")]
    assert case.code_version == rule("RU9").code_version
    event, _ = event_of(case, "issue_notice")
    assert event.data == {"rules": ["RU9"], "response_due": (t0 + 14 * DAY).isoformat()}
    assert (event.from_status, event.to_status) == ("investigation", "awaiting_response")


def test_notice_response_days_follow_the_setting(officer, t0):
    case = CaseFactory(investigation=True)
    with override_settings(CONDUCT={**settings.CONDUCT, "RESPONSE_DAYS": 5}):
        svc.case_issue_notice(case=case, actor=officer, version=1, allegations="A.", rules=[rule("RU9")], now=t0)
    assert reload(case).response_due == t0 + 5 * DAY


def test_notice_with_a_given_future_deadline_keeps_it(officer, t0):
    case = CaseFactory(investigation=True)
    due = t0 + 30 * DAY
    svc.case_issue_notice(
        case=case, actor=officer, version=1, allegations="A.", rules=[rule("RU9")], response_due=due, now=t0
    )
    assert reload(case).response_due == due


def test_notice_with_a_past_deadline_is_refused(officer, t0):
    case = CaseFactory(investigation=True)
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


def test_notice_without_rules_is_refused(officer, t0):
    case = CaseFactory(investigation=True)
    error = refused(ValidationError, svc.case_issue_notice, case, actor=officer, allegations="A.", rules=[], now=t0)
    assert error.field == "rules"


def test_notice_without_allegations_is_refused(officer, t0):
    case = CaseFactory(investigation=True)
    refused(ValidationError, svc.case_issue_notice, case, actor=officer, allegations="", rules=[rule("RU9")], now=t0)


def test_notice_before_investigation_is_a_conflict(officer, t0):
    case = CaseFactory()
    refused(ConflictError, svc.case_issue_notice, case, actor=officer, allegations="A.", rules=[rule("RU9")], now=t0)


def test_notice_adds_the_categories_of_the_rules_charged(officer, t0):
    case = CaseFactory(investigation=True)
    case.categories.add(category("other"))

    svc.case_issue_notice(
        case=case, actor=officer, version=1, allegations="A.", rules=[rule("RU2"), rule("RU9")], now=t0
    )

    assert set(reload(case).categories.values_list("code", flat=True)) == {"other", "antisemitism", "harassment"}


# --- record_response / continue_without_response -------------------------------------------------------------------


def test_respondent_answers_before_the_deadline(t0):
    case = CaseFactory(awaiting_response=True)
    respondent = case.respondent.user
    now = case.response_due - DAY

    response = svc.case_record_response(case=case, actor=respondent, version=1, text="I deny it.", now=now)

    reload(case)
    assert (case.status, case.version) == (Case.Status.INVESTIGATION, 2)
    assert (response.text, response.submitted_by, response.on_behalf, response.submitted_at) == (
        "I deny it.",
        respondent,
        False,
        now,
    )
    event, audit = event_of(case, "record_response")
    assert (event.actor, event.data, event.to_status) == (respondent, {"on_behalf": False}, "investigation")
    assert audit.actor == respondent


def test_respondent_cannot_answer_after_the_deadline():
    case = CaseFactory(awaiting_response=True)
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


def test_officer_records_the_response_on_the_respondents_behalf(officer):
    case = CaseFactory(awaiting_response=True)
    response = svc.case_record_response(
        case=case, actor=officer, version=1, text="Told me by phone.", now=case.response_due - DAY
    )
    assert response.on_behalf is True and response.submitted_by == officer
    event, _ = event_of(case, "record_response")
    assert event.data == {"on_behalf": True}


def test_someone_else_cannot_answer_for_the_respondent():
    case = CaseFactory(awaiting_response=True)
    stranger = MemberFactory(with_login=True).user
    refused(PermissionDenied, svc.case_record_response, case, actor=stranger, text="Me.", now=case.response_due - DAY)


def test_response_with_empty_text_is_refused():
    case = CaseFactory(awaiting_response=True)
    refused(
        ValidationError,
        svc.case_record_response,
        case,
        actor=case.respondent.user,
        text="  ",
        now=case.response_due - DAY,
    )


def test_officer_cannot_continue_without_a_response_before_the_deadline(officer):
    case = CaseFactory(awaiting_response=True)
    refused(
        ConflictError,
        svc.case_continue_without_response,
        case,
        match="not passed yet",
        actor=officer,
        now=case.response_due - DAY,
    )
    assert reload(case).response_lapsed is False


def test_officer_continues_without_a_response_after_the_deadline(officer):
    case = CaseFactory(awaiting_response=True)
    now = case.response_due + DAY

    svc.case_continue_without_response(case=case, actor=officer, version=1, now=now)

    reload(case)
    assert (case.status, case.version, case.response_lapsed) == (Case.Status.INVESTIGATION, 2, True)
    assert not Response.objects.exists()
    event, audit = event_of(case, "continue_without_response")
    assert (event.actor, event.from_status, event.to_status) == (
        officer,
        "awaiting_response",
        "investigation",
    )
    assert event.data == {"response_lapsed": True, "response_due": case.response_due.isoformat()}
    assert (audit.actor, audit.data["response_lapsed"]) == (officer, True)


def test_respondent_answers_at_the_deadline_itself():
    case = CaseFactory(awaiting_response=True)
    svc.case_record_response(
        case=case, actor=case.respondent.user, version=1, text="Just in time.", now=case.response_due
    )
    assert reload(case).status == Case.Status.INVESTIGATION and Response.objects.count() == 1


def test_officer_cannot_record_a_response_for_the_respondent_after_the_deadline(officer):
    case = CaseFactory(awaiting_response=True)
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


def test_nobody_answers_once_the_officer_has_continued_without_a_response(officer):
    case = CaseFactory(awaiting_response=True)
    svc.case_continue_without_response(case=case, actor=officer, version=1, now=case.response_due + DAY)
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


def test_continue_without_a_response_on_a_stale_version_is_a_conflict(officer):
    case = CaseFactory(awaiting_response=True)
    refused(
        ConflictError,
        svc.case_continue_without_response,
        case,
        match="changed since you read it",
        actor=officer,
        version=2,
        now=case.response_due + DAY,
    )
    assert reload(case).response_lapsed is False


def test_continue_without_a_response_outside_awaiting_response_is_a_conflict(officer):
    case = noticed_case()
    refused(
        ConflictError,
        svc.case_continue_without_response,
        case,
        match="is not possible while the case is investigation",
        actor=officer,
        now=case.response_due + DAY,
    )
    assert reload(case).response_lapsed is False


def test_respondent_cannot_continue_without_a_response():
    case = CaseFactory(awaiting_response=True)
    refused(
        PermissionDenied,
        svc.case_continue_without_response,
        case,
        actor=case.respondent.user,
        now=case.response_due + DAY,
    )


# --- refer_to_panel ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3])
def test_officer_refers_to_a_panel_of_one_or_three(size, officer, panel, t0):
    case = noticed_case()

    svc.case_refer_to_panel(case=case, actor=officer, version=1, report="The report.", panel=panel[:size], now=t0)

    reload(case)
    assert (case.status, case.version, case.report) == (Case.Status.PANEL, 2, "The report.")
    assert set(case.panel.all()) == set(panel[:size])
    event, _ = event_of(case, "refer_to_panel")
    assert event.data == {"panel": sorted(u.username for u in panel[:size])}
    assert (event.from_status, event.to_status) == ("investigation", "panel")


def test_panel_of_two_is_refused(officer, panel, t0):
    case = noticed_case()
    refused(ValidationError, svc.case_refer_to_panel, case, actor=officer, report="R.", panel=panel[:2], now=t0)
    assert not reload(case).panel.exists()


def test_panel_member_named_twice_is_refused(officer, panel, t0):
    case = noticed_case()
    refused(
        ValidationError,
        svc.case_refer_to_panel,
        case,
        match="named twice",
        actor=officer,
        report="R.",
        panel=[panel[0], panel[0], panel[1]],
        now=t0,
    )


def test_user_outside_the_panel_group_cannot_sit_on_a_panel(officer, t0):
    case = noticed_case()
    refused(
        ValidationError,
        svc.case_refer_to_panel,
        case,
        match="not a panel member",
        actor=officer,
        report="R.",
        panel=[UserFactory(roles=["officer"])],
        now=t0,
    )


def test_panel_member_who_investigated_is_refused(officer, panel, t0):
    investigator = UserFactory(roles=["officer", "panel"])
    case = noticed_case(assigned_to=investigator)
    refused(
        PermissionDenied,
        svc.case_refer_to_panel,
        case,
        match="investigated this case",
        actor=officer,
        report="R.",
        panel=[panel[0], investigator, panel[1]],
        now=t0,
    )


@pytest.mark.parametrize("conflict", ["constituency", "declared"])
def test_conflicted_panel_member_is_refused(conflict, officer, panel, t0):
    case = noticed_case()
    if conflict == "constituency":
        member = peer_of(case.respondent, "panel")
    else:
        member = UserFactory(roles=["panel"])
        ConflictDeclaration.objects.create(user=member, member=case.complaint.complainant, reason="Former partner")
    refused(
        PermissionDenied,
        svc.case_refer_to_panel,
        case,
        match="conflict of interest",
        actor=officer,
        report="R.",
        panel=[member],
        now=t0,
    )


def test_referral_without_a_report_is_refused(officer, panel, t0):
    case = noticed_case()
    refused(ValidationError, svc.case_refer_to_panel, case, actor=officer, report="", panel=panel[:1], now=t0)


def test_case_without_a_notice_cannot_be_referred_to_a_panel(officer, panel, t0):
    """DESIGN §6: notice before decision. A case never told the allegations must not reach a panel."""
    case = CaseFactory(investigation=True)
    assert case.notice_issued_at is None and not case.rules_charged.exists()
    refused(ConflictError, svc.case_refer_to_panel, case, actor=officer, report="R.", panel=panel[:1], now=t0)


# --- decide --------------------------------------------------------------------------------------------------------


def test_panel_member_decides_within_the_guidance_range(panel, t0):
    case = panel_case(panel[:1])
    respondent = case.respondent

    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=1,
        findings=breached("RU9"),
        outcome="upheld",
        sanctions=[spec("formal_warning")],
        reasons="Proven.",
        now=t0,
    )

    reload(case)
    assert (case.status, case.version, case.decided_at) == (Case.Status.DECIDED, 2, t0)
    assert decision.findings == [{"rule": "RU9", "breached": True}]
    assert decision.guidance == {
        "category": "harassment",
        "severity": 2,
        "prior_record": "none",
        "min": "reminder",
        "max": "conditions",
    }
    assert not decision.departed_from_guidance and not decision.needs_confirmation and decision.in_effect
    sanction = decision.sanctions.get()
    assert (sanction.status, sanction.imposed_on, sanction.departed_from_guidance) == (
        Sanction.Status.ACTIVE,
        timezone.localdate(t0),
        False,
    )
    assert list(sanction.rules.all()) == [rule("RU9")] and list(sanction.categories.all()) == [category("harassment")]
    event, _ = event_of(case, "decide")
    assert (event.actor, event.from_status, event.to_status) == (panel[0], "panel", "decided")
    assert event.data == {
        "outcome": "upheld",
        "sanctions": ["formal_warning"],
        "departed_from_guidance": False,
        "needs_confirmation": False,
    }
    assert reload(respondent).standing == Member.Standing.GOOD


def test_panel_decides_not_upheld_without_sanctions(panel, t0):
    case = panel_case(panel[:1])
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=1,
        findings=[Finding(rule("RU9"), False)],
        outcome="not_upheld",
        sanctions=[],
        reasons="Not proven.",
        now=t0,
    )
    assert decision.outcome == Decision.Outcome.NOT_UPHELD and not decision.sanctions.exists()
    assert reload(case).status == Case.Status.DECIDED


def decide_kwargs(**overrides):
    kwargs = {
        "findings": breached("RU9"),
        "outcome": "upheld",
        "sanctions": [spec("formal_warning")],
        "reasons": "Proven.",
    }
    return kwargs | overrides


@pytest.mark.parametrize("who", ["other_panel_member", "officer", "respondent"])
def test_only_a_panel_member_of_the_case_may_decide(who, panel, officer, t0):
    case = panel_case(panel[:1])
    actor = {
        "other_panel_member": panel[1],
        "officer": officer,
        "respondent": case.respondent.user,
    }[who]
    refused(PermissionDenied, svc.case_decide, case, actor=actor, now=t0, **decide_kwargs())
    assert not Decision.objects.exists()


def test_findings_must_cover_every_rule_charged(panel, t0):
    case = panel_case(panel[:1], rules=("RU9", "RU11"))
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="missing RU11",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU9")),
    )


def test_finding_on_a_rule_not_charged_is_refused(panel, t0):
    case = panel_case(panel[:1])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="not charged RU2",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU9", "RU2")),
    )


def test_panel_cannot_find_a_breach_when_no_rule_was_charged(panel, t0):
    """Findings cover the rules charged: with none charged (no notice) there is nothing to find breached."""
    case = CaseFactory(panel_stage=True)
    case.panel.set(panel[:1])
    refused(ValidationError, svc.case_decide, case, actor=panel[0], now=t0, **decide_kwargs())
    assert not Sanction.objects.exists()


def test_upheld_without_a_breach_is_refused(panel, t0):
    case = panel_case(panel[:1])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="at least one rule found breached",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=[Finding(rule("RU9"), False)]),
    )


@pytest.mark.parametrize("findings_breached, sanctions", [(False, ["reminder"]), (True, [])])
def test_not_upheld_with_sanctions_or_breaches_is_refused(findings_breached, sanctions, panel, t0):
    case = panel_case(panel[:1])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        actor=panel[0],
        now=t0,
        **decide_kwargs(
            outcome="not_upheld",
            findings=[Finding(rule("RU9"), findings_breached)],
            sanctions=[spec(c) for c in sanctions],
        ),
    )


def test_suspension_by_a_panel_of_one_is_refused(panel, t0):
    case = panel_case(panel[:1], rules=("RU1",))
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="panel of 3",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("suspension_membership", 90)]),
    )


@pytest.mark.parametrize("days", [None, 0, 366])
def test_fixed_term_sanction_needs_a_duration_within_the_maximum(days, panel, t0):
    case = panel_case(panel, rules=("RU1",))
    refused(
        ValidationError,
        svc.case_decide,
        case,
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("suspension_membership", days)]),
    )


def test_sanction_of_the_maximum_duration_is_accepted(panel, t0):
    case = panel_case(panel, rules=("RU1",))
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=1,
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("suspension_membership", 365)]),
    )
    assert decision.sanctions.get().duration_days == 365


def test_sanction_outside_the_guidance_needs_a_departure_reason(panel, t0):
    # Abusive language, low severity, no prior record: guidance is no further action to a reminder.
    case = panel_case(panel[:1], rules=("RU11",))
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="outside the guidance range",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU11"), sanctions=[spec("formal_warning")]),
    )


def test_sanction_outside_the_guidance_with_a_reason_is_marked_as_a_departure(panel, t0):
    case = panel_case(panel[:1], rules=("RU11",))
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=1,
        now=t0,
        departure_reason="Sustained over months.",
        **decide_kwargs(findings=breached("RU11"), sanctions=[spec("formal_warning")]),
    )
    assert decision.departed_from_guidance and decision.departure_reason == "Sustained over months."
    assert decision.guidance["min"] == "no_further_action" and decision.guidance["max"] == "reminder"
    assert decision.sanctions.get().departed_from_guidance
    assert event_of(case, "decide")[0].data["departed_from_guidance"] is True


def test_breach_of_a_discriminatory_rule_adds_the_training_condition(panel, t0):
    case = panel_case(panel[:1], rules=("RU2",))
    decision = svc.case_decide(case=case, actor=panel[0], version=1, now=t0, **decide_kwargs(findings=breached("RU2")))
    assert TRAINING_CONDITION in decision.sanctions.get().conditions


def test_training_condition_is_not_added_twice(panel, t0):
    case = panel_case(panel[:1], rules=("RU2",))
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=1,
        now=t0,
        **decide_kwargs(
            findings=breached("RU2"), sanctions=[spec("conditions", None, "Attend training on antisemitism.")]
        ),
    )
    assert decision.sanctions.get().conditions == "Attend training on antisemitism."


def test_non_discriminatory_breach_has_no_training_condition(panel, t0):
    case = panel_case(panel[:1])
    decision = svc.case_decide(case=case, actor=panel[0], version=1, now=t0, **decide_kwargs())
    assert decision.sanctions.get().conditions == ""


def test_suspension_waits_for_a_second_panel_member(panel, t0):
    case = panel_case(panel, rules=("RU1",))
    respondent = case.respondent

    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=1,
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("suspension_membership", 90)]),
    )

    assert decision.needs_confirmation and not decision.in_effect
    sanction = decision.sanctions.get()
    assert (sanction.status, sanction.starts_on, sanction.ends_on) == (Sanction.Status.PENDING, None, None)
    assert reload(respondent).standing == Member.Standing.GOOD
    assert event_of(case, "decide")[0].data["needs_confirmation"] is True

    # The decider cannot confirm their own decision; nor can someone off the panel.
    refused(PermissionDenied, svc.case_confirm_decision, case, match="second member", actor=panel[0], now=t0)
    refused(PermissionDenied, svc.case_confirm_decision, case, actor=UserFactory(roles=["panel"]), now=t0)
    assert reload(sanction).status == Sanction.Status.PENDING

    confirmed_at = t0 + 2 * DAY
    svc.case_confirm_decision(case=case, actor=panel[1], version=2, now=confirmed_at)

    today = timezone.localdate(confirmed_at)
    reload(case)
    assert (case.status, case.version) == (Case.Status.DECIDED, 3)
    reload(decision)
    assert (decision.confirmed_by, decision.confirmed_at) == (panel[1], confirmed_at)
    reload(sanction)
    assert sanction.status == Sanction.Status.ACTIVE
    assert (sanction.imposed_on, sanction.starts_on, sanction.ends_on) == (today, today, today + 89 * DAY)
    reload(respondent)
    assert (respondent.standing, respondent.standing_until) == (Member.Standing.SUSPENDED, today + 89 * DAY)
    event, _ = event_of(case, "confirm_decision")
    assert (event.actor, event.from_status, event.to_status, event.data) == (
        panel[1],
        "decided",
        "decided",
        {"decision": decision.pk},
    )
    assert AuditEvent.objects.filter(action="member.standing", object_id=str(respondent.pk)).count() == 1


def test_confirming_a_decision_that_needs_no_confirmation_is_a_conflict(officer, panel, t0):
    case = decided(officer, panel, now=t0)
    refused(ConflictError, svc.case_confirm_decision, case, match="no decision waiting", actor=panel[1], now=t0)


def test_confirmed_expulsion_bars_rejoining_for_five_years(panel, t0):
    case = panel_case(panel, rules=("RU1",))
    respondent = case.respondent
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=1,
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("expulsion")]),
    )
    assert reload(respondent).standing == Member.Standing.GOOD

    svc.case_confirm_decision(case=case, actor=panel[2], version=2, now=t0)

    today = timezone.localdate(t0)
    sanction = decision.sanctions.get()
    assert sanction.status == Sanction.Status.ACTIVE and sanction.ends_on is None
    assert sanction.rejoin_barred_until == today + dt.timedelta(days=5 * 365)
    reload(respondent)
    assert respondent.standing == Member.Standing.EXPELLED
    assert respondent.rejoin_barred_until == today + dt.timedelta(days=5 * 365)


# --- lodge_appeal --------------------------------------------------------------------------------------------------


def test_respondent_appeals_on_the_last_day_of_the_window(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0)
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


def test_appeal_after_twenty_one_days_is_refused(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0)
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


def test_second_appeal_is_refused(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0)
    svc.case_lodge_appeal(case=case, actor=case.respondent.user, version=case.version, grounds="One.", now=t0 + DAY)
    refused(ConflictError, svc.case_lodge_appeal, case, actor=case.respondent.user, grounds="Two.", now=t0 + DAY)
    assert Appeal.objects.count() == 1


def test_appeal_against_a_decision_already_appealed_is_refused(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0)
    Appeal.objects.create(
        case=case, decision=case.decisions.get(), grounds="First.", lodged_by=case.respondent.user, lodged_at=t0
    )
    refused(
        ConflictError,
        svc.case_lodge_appeal,
        case,
        match="already been lodged",
        actor=case.respondent.user,
        grounds="Again.",
        now=t0 + DAY,
    )


def test_decision_not_upheld_cannot_be_appealed(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0, outcome="not_upheld")
    refused(
        ConflictError,
        svc.case_lodge_appeal,
        case,
        match="no upheld decision",
        actor=case.respondent.user,
        grounds="?",
        now=t0 + DAY,
    )


def test_member_other_than_the_respondent_cannot_appeal(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0)
    refused(
        PermissionDenied,
        svc.case_lodge_appeal,
        case,
        actor=MemberFactory(with_login=True).user,
        grounds="On their behalf.",
        now=t0 + DAY,
    )


def test_respondent_cannot_appeal_a_decision_still_awaiting_confirmation(officer, panel, t0):
    """A suspension takes effect only when confirmed; appealing before that strands it pending for good."""
    case = decided(
        officer, panel, now=t0, code="suspension_membership", duration_days=90, rules=("RU1",), confirm=False
    )
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


def test_appeal_window_of_a_decision_without_confirmation_runs_from_the_decision(officer, panel, t0):
    decision = decided(officer, panel[:1], now=t0).decisions.get()
    assert not decision.needs_confirmation
    assert (decision.effective_at, decision.appeal_due) == (t0, t0 + APPEAL_DAYS * DAY)


def test_appeal_window_of_a_confirmed_decision_runs_from_the_confirmation(officer, panel, t0):
    case = decided(
        officer, panel, now=t0, code="suspension_membership", duration_days=90, rules=("RU1",), confirm=False
    )
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


def test_appeal_more_than_21_days_after_the_confirmation_is_refused(officer, panel, t0):
    confirmed_at = t0 + 10 * DAY
    case = confirmed_later(officer, panel, decided_at=t0, confirmed_at=confirmed_at)
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


def appeal_lodged(officer, panel, *, now, investigator=None):
    case = decided(officer, panel[:1], now=now, investigator=investigator)
    svc.case_lodge_appeal(case=case, actor=case.respondent.user, version=case.version, grounds="Unfair.", now=now)
    return reload(case)


def test_officer_sets_an_appeal_panel_from_outside_the_first(officer, panel, judge, t0):
    case = appeal_lodged(officer, panel, now=t0)
    version = case.version

    svc.case_set_appeal_panel(case=case, actor=officer, version=version, panel=[judge], now=t0)

    reload(case)
    assert (case.status, case.version) == (Case.Status.APPEAL, version + 1)
    assert list(case.appeal_panel.all()) == [judge]
    event, _ = event_of(case, "set_appeal_panel")
    assert (event.from_status, event.to_status, event.data) == ("appeal", "appeal", {"panel": [judge.username]})


def test_member_of_the_first_panel_cannot_hear_the_appeal(officer, panel, t0):
    case = appeal_lodged(officer, panel, now=t0)
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


def test_investigator_cannot_hear_the_appeal(officer, panel, t0):
    investigator = UserFactory(roles=["officer", "panel"])
    case = appeal_lodged(officer, panel, now=t0, investigator=investigator)
    assert case.assigned_to == investigator
    refused(
        PermissionDenied,
        svc.case_set_appeal_panel,
        case,
        match="investigated this case",
        actor=officer,
        panel=[investigator],
        now=t0,
    )


def test_panel_member_cannot_set_the_appeal_panel(officer, panel, judge, t0):
    case = appeal_lodged(officer, panel, now=t0)
    refused(PermissionDenied, svc.case_set_appeal_panel, case, actor=judge, panel=[judge], now=t0)


# --- decide_appeal -------------------------------------------------------------------------------------------------


def test_dismissed_appeal_leaves_the_sanctions_standing(officer, panel, judge, t0):
    case = appealed(officer, panel, judge, now=t0)
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


def test_upheld_appeal_overturns_the_sanctions_and_restores_good_standing(officer, panel, judge, t0):
    case = appealed(officer, panel, judge, now=t0)
    sanction = case.sanctions.get()
    now = t0 + 10 * DAY

    svc.case_decide_appeal(case=case, actor=judge, version=case.version, outcome="upheld", reasons="Wrong.", now=now)

    reload(sanction)
    assert (sanction.status, sanction.revoked_on) == (Sanction.Status.OVERTURNED, timezone.localdate(now))
    respondent = reload(case.respondent)
    assert (respondent.standing, respondent.standing_until) == (Member.Standing.GOOD, None)
    assert reload(case).status == Case.Status.CLOSED


def test_varied_appeal_to_a_lesser_sanction_replaces_the_sanctions_at_once(officer, panel, judge, t0):
    case = appealed(officer, panel, judge, now=t0)
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


def test_varied_appeal_without_sanctions_is_refused(officer, panel, judge, t0):
    case = appealed(officer, panel, judge, now=t0)
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


def test_dismissed_appeal_with_sanctions_is_refused(officer, panel, judge, t0):
    case = appealed(officer, panel, judge, now=t0)
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


def test_first_panel_member_cannot_decide_the_appeal(officer, panel, judge, t0):
    case = appealed(officer, panel, judge, now=t0)
    refused(PermissionDenied, svc.case_decide_appeal, case, actor=panel[0], outcome="upheld", reasons="x", now=t0 + DAY)
    assert case.sanctions.get().status == Sanction.Status.ACTIVE


def test_appeal_cannot_be_decided_before_the_appeal_panel_is_set(officer, panel, t0):
    case = appeal_lodged(officer, panel, now=t0)
    refused(PermissionDenied, svc.case_decide_appeal, case, actor=panel[2], outcome="upheld", reasons="x", now=t0 + DAY)


# --- a varied appeal that suspends or expels: four eyes ------------------------------------------------------------


def test_varied_appeal_to_a_suspension_waits_for_a_second_appeal_panel_member(
    officer, panel, appeal_panel, t0, django_capture_on_commit_callbacks
):
    case = appealed_to_full_panel(officer, panel, appeal_panel, now=t0)
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


def test_varied_appeal_to_expulsion_bars_rejoining_only_once_confirmed(officer, panel, appeal_panel, t0):
    case = appealed_to_full_panel(officer, panel, appeal_panel, now=t0)
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


def test_pending_appeal_variation_refusals_change_nothing(officer, panel, appeal_panel, t0):
    case = appealed_to_full_panel(officer, panel, appeal_panel, now=t0)
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
def test_varied_appeal_that_suspends_or_expels_needs_a_full_appeal_panel(code, days, officer, panel, judge, t0):
    case = appealed(officer, panel, judge, now=t0)  # an appeal panel of one
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
def test_appeal_dismissed_or_upheld_by_a_full_panel_needs_no_confirmation(outcome, officer, panel, appeal_panel, t0):
    case = appealed_to_full_panel(officer, panel, appeal_panel, now=t0)
    appeal = svc.case_decide_appeal(
        case=case, actor=appeal_panel[0], version=case.version, outcome=outcome, reasons="Decided.", now=t0 + 10 * DAY
    )
    assert appeal.needs_confirmation is False and not appeal.awaiting_confirmation
    assert reload(case).status == Case.Status.CLOSED
    assert guards.awaiting_confirmation(case) is None


# --- close ---------------------------------------------------------------------------------------------------------


def test_close_is_refused_while_the_appeal_window_is_open(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0)
    refused(ConflictError, svc.case_close, case, match="still open", actor=officer, now=t0 + APPEAL_DAYS * DAY)


def test_officer_closes_once_the_appeal_window_has_lapsed(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0)
    now = t0 + (APPEAL_DAYS + 1) * DAY

    svc.case_close(case=case, actor=officer, version=case.version, now=now)

    reload(case)
    assert (case.status, case.closed_at) == (Case.Status.CLOSED, now)
    assert reload(case.complaint).status == Complaint.Status.CLOSED
    event, _ = event_of(case, "close")
    assert (event.actor, event.from_status, event.to_status) == (officer, "decided", "closed")


def test_case_not_upheld_closes_without_waiting_for_the_appeal_window(officer, panel, t0):
    case = decided(officer, panel[:1], now=t0, outcome="not_upheld")
    svc.case_close(case=case, actor=officer, version=case.version, now=t0 + DAY)
    assert reload(case).status == Case.Status.CLOSED


def test_close_is_refused_while_the_decision_awaits_confirmation(officer, panel, t0):
    case = decided(
        officer, panel, now=t0, code="suspension_membership", duration_days=90, rules=("RU1",), confirm=False
    )
    refused(ConflictError, svc.case_close, case, match="confirmation", actor=officer, now=t0 + 60 * DAY)


def test_close_waits_for_the_appeal_window_counted_from_the_confirmation(officer, panel, t0):
    confirmed_at = t0 + 10 * DAY
    case = confirmed_later(officer, panel, decided_at=t0, confirmed_at=confirmed_at)
    refused(ConflictError, svc.case_close, case, match="still open", actor=officer, now=t0 + (APPEAL_DAYS + 1) * DAY)

    now = confirmed_at + (APPEAL_DAYS + 1) * DAY
    svc.case_close(case=case, actor=officer, version=case.version, now=now)
    assert (reload(case).status, case.closed_at) == (Case.Status.CLOSED, now)


def test_the_system_closes_a_confirmed_decision_once_the_window_from_its_confirmation_lapsed(officer, panel, t0):
    confirmed_at = t0 + 10 * DAY
    case = confirmed_later(officer, panel, decided_at=t0, confirmed_at=confirmed_at)
    events = recorded()

    assert svc.cases_close_lapsed(now=t0 + (APPEAL_DAYS + 1) * DAY) == 0
    assert reload(case).status == Case.Status.DECIDED and recorded() == events

    assert svc.cases_close_lapsed(now=confirmed_at + (APPEAL_DAYS + 1) * DAY) == 1
    assert reload(case).status == Case.Status.CLOSED
    assert event_of(case, "close")[0].data == {"automatic": True}


def test_lapsed_decided_cases_are_closed_by_the_system(officer, panel, t0):
    lapsed = decided(officer, panel[:1], now=t0)
    recent = decided(officer, panel[:1], now=t0 + 10 * DAY)
    unconfirmed = decided(
        officer, panel, now=t0, code="suspension_membership", duration_days=90, rules=("RU1",), confirm=False
    )
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


# --- allowed_actions -----------------------------------------------------------------------------------------------


def assert_allowed(case, actor, expected, now):
    """allowed_actions lists exactly `expected`, and check() agrees action by action."""
    case = Case.objects.get(pk=case.pk)
    assert workflow.allowed_actions(case, actor, now) == expected
    for action, entry in workflow.ACTIONS.items():
        if entry.measure or entry.on_complaint:
            continue  # listed by allowed_measures, or taken on a complaint
        if action.value in expected:
            workflow.check(case, action, actor, now)
        else:
            with pytest.raises((ConflictError, PermissionDenied)):
                workflow.check(case, action, actor, now)


def test_allowed_actions_on_a_received_case(officer, panel, auditor, t0):
    case = CaseFactory()
    assert_allowed(case, officer, ["open_investigation", "dismiss", "resolve_informally"], t0)
    for actor in (panel[0], case.respondent.user, auditor):
        assert_allowed(case, actor, [], t0)


def test_allowed_actions_during_investigation(officer, auditor, t0):
    case = noticed_case()
    assert_allowed(case, officer, ["dismiss", "resolve_informally", "issue_notice", "refer_to_panel"], t0)
    assert_allowed(case, case.respondent.user, [], t0)
    assert_allowed(case, auditor, [], t0)


def test_allowed_actions_while_awaiting_a_response(officer, auditor):
    case = CaseFactory(awaiting_response=True)
    before, after = case.response_due - DAY, case.response_due + DAY
    assert_allowed(case, officer, ["record_response"], before)
    assert_allowed(case, case.respondent.user, ["record_response"], before)
    assert_allowed(case, officer, ["continue_without_response"], after)
    assert_allowed(case, case.respondent.user, [], after)
    assert_allowed(case, auditor, [], before)


def test_allowed_actions_at_the_panel_stage(officer, panel, auditor, t0):
    case = panel_case(panel[:1])
    assert_allowed(case, panel[0], ["decide"], t0)
    for actor in (panel[1], officer, case.respondent.user, auditor):
        assert_allowed(case, actor, [], t0)


def test_allowed_actions_on_a_decision_awaiting_confirmation(officer, panel, t0):
    case = decided(
        officer, panel, now=t0, code="suspension_membership", duration_days=90, rules=("RU1",), confirm=False
    )
    assert_allowed(case, panel[0], [], t0)
    assert_allowed(case, panel[1], ["confirm_decision"], t0)
    assert_allowed(case, panel[2], ["confirm_decision"], t0)


def test_allowed_actions_on_a_decided_case_in_and_after_the_appeal_window(officer, panel, auditor, t0):
    case = CaseFactory(decided=True, decided_at=t0)
    case.panel.set(panel[:1])
    DecisionFactory(case=case, decided_by=panel[0], decided_at=t0)
    within, after = t0 + DAY, t0 + (APPEAL_DAYS + 1) * DAY
    assert_allowed(case, case.respondent.user, ["lodge_appeal"], within)
    assert_allowed(case, officer, ["lodge_appeal"], within)
    assert_allowed(case, panel[0], [], within)
    assert_allowed(case, auditor, [], within)
    assert_allowed(case, case.respondent.user, [], after)
    assert_allowed(case, officer, ["close"], after)


def test_allowed_actions_during_an_appeal(officer, panel, judge, auditor, t0):
    case = appeal_lodged(officer, panel, now=t0)
    assert_allowed(case, officer, ["set_appeal_panel"], t0)
    assert_allowed(case, judge, [], t0)
    svc.case_set_appeal_panel(case=case, actor=officer, version=case.version, panel=[judge], now=t0)
    assert_allowed(case, judge, ["decide_appeal"], t0)
    for actor in (panel[0], case.respondent.user, auditor):
        assert_allowed(case, actor, [], t0)


def test_nothing_is_allowed_on_a_closed_case(officer, panel, auditor, t0):
    case = CaseFactory(closed=True)
    case.panel.set(panel[:1])
    for actor in (officer, panel[0], case.respondent.user, auditor):
        assert_allowed(case, actor, [], t0)


# --- concurrency ---------------------------------------------------------------------------------------------------


def test_second_action_on_the_same_version_is_a_conflict_and_writes_nothing(officer, investigator, t0):
    case = CaseFactory()
    read = Case.objects.get(pk=case.pk)  # what two officers loaded, at version 1
    other = UserFactory(roles=["officer"])

    svc.case_open_investigation(case=read, actor=officer, version=read.version, investigator=investigator, now=t0)
    events = recorded()
    with pytest.raises(ConflictError, match="changed since you read it") as info:
        svc.case_dismiss(case=read, actor=other, version=read.version, reason_code="vexatious", reason="x", now=t0)

    assert info.value.field == "version"
    reload(case)
    assert (case.status, case.version) == (Case.Status.INVESTIGATION, 2)
    assert recorded() == events
    assert [e.action for e in case_events(case)] == ["open_investigation"]


def test_the_same_action_twice_on_one_version_is_a_stale_version_conflict(officer, investigator, t0):
    case = CaseFactory()
    svc.case_open_investigation(case=case, actor=officer, version=1, investigator=investigator, now=t0)
    events = recorded()
    with pytest.raises(ConflictError, match="changed since you read it"):
        svc.case_open_investigation(
            case=case, actor=UserFactory(roles=["officer"]), version=1, investigator=investigator, now=t0
        )
    assert recorded() == events and reload(case).version == 2
