"""Opening an investigation, the triage outcomes (dismiss, resolve informally) and the referral to a panel
(DESIGN.md §4 and §6).

For each action: the allowed path and its event rows; each refusal raises the right domain
error, leaves the case's status and version as they were, and writes no audit event
nor an audit event.
"""

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from complaints import workflow
from complaints.demo.walker import Stage
from complaints.models import Case, Complaint, ConflictDeclaration, Decision, Sanction
from complaints.services import cases as svc
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Member
from tests.complaints.factories import CaseFactory
from tests.complaints.services.helpers import event_of, peer_of, refused, reload, spec
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


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
    case = CaseFactory()
    # Another officer records a police-referral decision first: the case moves on to version 2.
    svc.case_record_police_referral(case=case, actor=UserFactory(roles=["officer"]), not_referred_reason="No threat.")
    assert reload(case).version == 2
    refused(
        ConflictError,
        svc.case_open_investigation,
        case,
        match="changed since you read it",
        actor=officer,
        version=1,
        investigator=investigator,
        now=t0,
    )


@pytest.mark.parametrize("stage", [Stage.INVESTIGATION, Stage.PANEL, Stage.CLOSED])
def test_open_investigation_outside_received_is_a_conflict(stage, case_at, officer, investigator, t0):
    case = case_at(stage)
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


@pytest.mark.parametrize("stage", [Stage.RECEIVED, Stage.INVESTIGATION])
def test_officer_dismisses_from_received_or_investigation(stage, case_at, officer, t0):
    case = case_at(stage)
    from_status, version = case.status, case.version

    svc.case_dismiss(
        case=case,
        actor=officer,
        version=version,
        reason_code="insufficient_evidence",
        reason="Nothing attributable.",
        now=t0,
    )

    reload(case)
    assert (case.status, case.version, case.closed_at) == (Case.Status.DISMISSED, version + 1, t0)
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


def test_dismiss_from_panel_is_a_conflict(case_at, officer, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1])
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
def test_informal_resolution_above_a_formal_warning_is_refused(sanction, case_at, officer, t0):
    case = case_at(Stage.INVESTIGATION)
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


# --- refer_to_panel ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3])
def test_officer_refers_to_a_panel_of_one_or_three(size, case_at, officer, panel, t0):
    case = case_at(Stage.ANSWERED)
    version = case.version

    svc.case_refer_to_panel(case=case, actor=officer, version=version, report="The report.", panel=panel[:size], now=t0)

    reload(case)
    assert (case.status, case.version, case.report) == (Case.Status.PANEL, version + 1, "The report.")
    assert set(case.panel.all()) == set(panel[:size])
    event, _ = event_of(case, "refer_to_panel")
    assert event.data == {"panel": sorted(u.username for u in panel[:size])}
    assert (event.from_status, event.to_status) == ("investigation", "panel")


def test_panel_of_two_is_refused(case_at, officer, panel, t0):
    case = case_at(Stage.ANSWERED)
    refused(ValidationError, svc.case_refer_to_panel, case, actor=officer, report="R.", panel=panel[:2], now=t0)
    assert not reload(case).panel.exists()


def test_panel_member_named_twice_is_refused(case_at, officer, panel, t0):
    case = case_at(Stage.ANSWERED)
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


def test_user_outside_the_panel_group_cannot_sit_on_a_panel(case_at, officer, t0):
    case = case_at(Stage.ANSWERED)
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


def test_panel_member_who_investigated_is_refused(case_at, officer, panel, t0):
    officer_and_panel_member = UserFactory(roles=["officer", "panel"])
    case = case_at(Stage.ANSWERED, investigator=officer_and_panel_member)
    refused(
        PermissionDenied,
        svc.case_refer_to_panel,
        case,
        match="investigated this case",
        actor=officer,
        report="R.",
        panel=[panel[0], officer_and_panel_member, panel[1]],
        now=t0,
    )


@pytest.mark.parametrize("conflict", ["constituency", "declared"])
def test_conflicted_panel_member_is_refused(conflict, case_at, officer, panel, t0):
    case = case_at(Stage.ANSWERED)
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


def test_referral_without_a_report_is_refused(case_at, officer, panel, t0):
    case = case_at(Stage.ANSWERED)
    refused(ValidationError, svc.case_refer_to_panel, case, actor=officer, report="", panel=panel[:1], now=t0)


def test_case_without_a_notice_cannot_be_referred_to_a_panel(case_at, officer, panel, t0):
    """DESIGN §6: notice before decision. A case never told the allegations must not reach a panel."""
    case = case_at(Stage.INVESTIGATION)
    assert case.notice_issued_at is None and not case.rules_charged.exists()
    refused(ConflictError, svc.case_refer_to_panel, case, actor=officer, report="R.", panel=panel[:1], now=t0)
