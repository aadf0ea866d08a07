"""Staff case endpoints: scoping per role, the detail contract, filters and triage order, each
refusal of an action (status code, state unchanged, nothing written), the access log, query cost."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from complaints import workflow
from complaints.models import Appeal, Case, ConflictDeclaration, Response, Sanction
from conduct.models import Severity
from tests.complaints.factories import (
    AppealFactory,
    CaseFactory,
    ComplaintFactory,
    DecisionFactory,
    EvidenceFactory,
    SanctionFactory,
)
from tests.complaints.timeline import case_event_count, case_events
from tests.conduct.factories import rule
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


DETAIL_FIELDS = {
    "reference",
    "status",
    "version",
    "severity",
    "respondent",
    "complaint",
    "evidence_count",
    "categories",
    "campaigns",
    "assigned_to",
    "deadlines",
    "allowed_actions",
    "sanctions",
    "police_referrals",
    "interim_suspension",
}


def refs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["reference"] for c in response.json()["results"]]


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return case.status, case.version, case_event_count(), AuditEvent.objects.count()


# --- Listing and scope ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_officers_and_auditors_see_every_case(client_for, role):
    cases = [CaseFactory(), CaseFactory(investigation=True), CaseFactory(decided=True)]
    assert sorted(refs(client_for(UserFactory(roles=[role])).get("/api/cases/"))) == sorted(c.reference for c in cases)


def test_panel_members_see_only_the_cases_they_sit_on(client_for):
    judge = UserFactory(roles=["panel"])
    on_panel, on_appeal, other = CaseFactory(panel_stage=True), CaseFactory(appeal=True), CaseFactory(panel_stage=True)
    on_panel.panel.add(judge)
    on_appeal.appeal_panel.add(judge)
    other.panel.add(UserFactory(roles=["panel"]))
    assert sorted(refs(client_for(judge).get("/api/cases/"))) == sorted([on_panel.reference, on_appeal.reference])


def test_a_case_with_two_panel_members_is_listed_once(client_for):
    judge = UserFactory(roles=["panel"])
    case = CaseFactory(panel_stage=True)
    case.panel.add(judge, UserFactory(roles=["panel"]))
    case.appeal_panel.add(judge)
    body = client_for(judge).get("/api/cases/").json()
    assert body["count"] == 1 and refs_of(body) == [case.reference]


def refs_of(body) -> list[str]:
    return [c["reference"] for c in body["results"]]


def test_members_may_not_list_cases(client_for):
    case = CaseFactory()
    assert client_for(case.respondent.user).get("/api/cases/").status_code == 403
    assert client_for(case.complaint.filed_by).get("/api/cases/").status_code == 403


def test_a_login_with_no_role_may_not_list_cases(client_for):
    CaseFactory()
    assert client_for(UserFactory()).get("/api/cases/").status_code == 403


def test_detail_is_404_for_a_panel_member_not_on_the_case(client_for):
    case = CaseFactory(panel_stage=True)
    case.panel.add(UserFactory(roles=["panel"]))
    assert client_for(UserFactory(roles=["panel"])).get(f"/api/cases/{case.reference}/").status_code == 404


@pytest.mark.parametrize("who", ["respondent", "complainant", "stranger"])
def test_detail_is_404_for_members(client_for, who):
    case = CaseFactory(awaiting_response=True)
    user = {
        "respondent": case.respondent.user,
        "complainant": case.complaint.filed_by,
        "stranger": MemberFactory(with_login=True).user,
    }[who]
    assert client_for(user).get(f"/api/cases/{case.reference}/").status_code == 404


def test_detail_of_an_unknown_case_is_404(client_for):
    assert client_for(UserFactory(roles=["officer"])).get("/api/cases/RU-NOPE-001/").status_code == 404


# --- The detail contract ---------------------------------------------------------------------


def test_detail_has_every_field_of_api_md(client_for):
    officer = UserFactory(roles=["officer"])
    respondent = MemberFactory(first_name="Abe", last_name="User")
    case = CaseFactory(investigation=True, respondent=respondent, assigned_to=officer, severity=Severity.HIGH)
    case.categories.add(rule("RU2").category)
    EvidenceFactory.create_batch(3, complaint=case.complaint, case=case)
    Case.objects.filter(pk=case.pk).update(evidence_count=3)
    response = client_for(officer).get(f"/api/cases/{case.reference}/")
    assert response.status_code == 200
    body = response.json()
    assert DETAIL_FIELDS <= set(body)
    assert body["reference"] == case.reference
    assert body["status"] == "investigation"
    assert body["version"] == 1
    assert body["severity"] == "high"
    assert body["respondent"] == {"membership_number": respondent.membership_number, "name": "Abe User"}
    assert body["complaint"] == case.complaint.reference
    assert body["evidence_count"] == 3
    assert body["categories"] == ["antisemitism"]
    assert body["campaigns"] == []
    assert body["assigned_to"] == officer.username
    assert isinstance(body["deadlines"], dict) and "response_due" in body["deadlines"]
    assert body["allowed_actions"] == ["dismiss", "resolve_informally", "issue_notice"]
    assert body["sanctions"] == [] and body["police_referrals"] == [] and body["interim_suspension"] is None


def test_allowed_actions_are_what_the_caller_may_do_now(client_for):
    case = CaseFactory()
    officer, auditor = UserFactory(roles=["officer"]), UserFactory(roles=["auditor"])
    assert client_for(officer).get(f"/api/cases/{case.reference}/").json()["allowed_actions"] == [
        "open_investigation",
        "dismiss",
        "resolve_informally",
    ]
    assert client_for(auditor).get(f"/api/cases/{case.reference}/").json()["allowed_actions"] == []
    judge = UserFactory(roles=["panel"])
    panel_case = CaseFactory(panel_stage=True)
    panel_case.panel.add(judge)
    assert client_for(judge).get(f"/api/cases/{panel_case.reference}/").json()["allowed_actions"] == ["decide"]


def test_a_conflicted_officer_finds_no_such_case_to_read(client_for):
    case = CaseFactory()
    officer = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=officer, member=case.respondent, reason="Close friend")
    response = client_for(officer).get(f"/api/cases/{case.reference}/")
    assert (response.status_code, response.json()) == (404, {"detail": "No case with that reference."})
    assert workflow.allowed_actions(case, officer) == []


def test_detail_shows_sanctions_of_the_decision(client_for):
    from tests.complaints.factories import SanctionFactory

    sanction = SanctionFactory(code="formal_warning", duration_days=None)
    body = client_for(UserFactory(roles=["officer"])).get(f"/api/cases/{sanction.case.reference}/").json()
    assert [(s["code"], s["status"]) for s in body["sanctions"]] == [("formal_warning", "active")]


# --- The access log -------------------------------------------------------------------------


def test_each_read_by_a_member_of_the_case_team_writes_a_case_read_audit_event(client_for):
    judge = UserFactory(roles=["panel"])
    case = CaseFactory(panel_stage=True)
    case.panel.add(judge)
    for user in (judge, case.assigned_to):
        client = client_for(user)
        for _ in range(2):
            assert client.get(f"/api/cases/{case.reference}/").status_code == 200
    reads = AuditEvent.objects.filter(action="case.read").order_by("seq")
    assert [e.actor_id for e in reads] == [judge.pk, judge.pk, case.assigned_to.pk, case.assigned_to.pk]
    assert {(e.case_ref, e.object_id) for e in reads} == {(case.reference, case.reference)}


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_each_read_by_staff_off_the_case_team_is_logged_as_such(client_for, role):
    user = UserFactory(roles=[role])
    case = CaseFactory(panel_stage=True)
    client = client_for(user)
    for _ in range(2):
        assert client.get(f"/api/cases/{case.reference}/").status_code == 200
    reads = AuditEvent.objects.filter(action__startswith="case.read")
    assert reads.count() == 2
    assert {(e.action, e.actor_id, e.case_ref) for e in reads} == {("case.read_outside_team", user.pk, case.reference)}


def test_a_refused_read_writes_no_case_read_event(client_for):
    case = CaseFactory()
    client_for(UserFactory(roles=["panel"])).get(f"/api/cases/{case.reference}/")
    client_for(case.respondent.user).get(f"/api/cases/{case.reference}/")
    assert not AuditEvent.objects.filter(action__startswith="case.read").exists()


def test_listing_cases_is_not_logged_as_reading_each_case(client_for):
    CaseFactory.create_batch(3)
    client_for(UserFactory(roles=["officer"])).get("/api/cases/")
    assert not AuditEvent.objects.filter(action__startswith="case.read").exists()


# --- Filters and ordering ---------------------------------------------------------------------


def test_filter_by_status(client_for, officer):
    investigating = CaseFactory(investigation=True)
    CaseFactory()
    CaseFactory(decided=True)
    assert refs(client_for(officer).get("/api/cases/", {"status": "investigation"})) == [investigating.reference]


def test_filter_by_an_unknown_status_is_400(client_for, officer):
    response = client_for(officer).get("/api/cases/", {"status": "limbo"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_filter_by_severity(client_for, officer):
    critical = CaseFactory(severity=Severity.CRITICAL)
    CaseFactory(severity=Severity.HIGH)
    CaseFactory(severity=Severity.LOW)
    assert refs(client_for(officer).get("/api/cases/", {"severity": "critical"})) == [critical.reference]


def test_filter_by_an_unknown_severity_is_400(client_for, officer):
    response = client_for(officer).get("/api/cases/", {"severity": "apocalyptic"})
    assert response.status_code == 400
    assert "severity" in response.json()


def test_filter_by_assigned_username_and_by_me(client_for, officer):
    other = UserFactory(roles=["officer"])
    mine = CaseFactory(investigation=True, assigned_to=officer)
    theirs = CaseFactory(investigation=True, assigned_to=other)
    CaseFactory()
    client = client_for(officer)
    assert refs(client.get("/api/cases/", {"assigned_to": "me"})) == [mine.reference]
    assert refs(client.get("/api/cases/", {"assigned_to": other.username})) == [theirs.reference]
    assert refs(client.get("/api/cases/", {"assigned_to": officer.username})) == [mine.reference]


def test_filter_by_an_unknown_username_is_400_naming_assigned_to(client_for, officer):
    response = client_for(officer).get("/api/cases/", {"assigned_to": "no-such-user"})
    assert response.status_code == 400
    assert "assigned_to" in response.json()


def test_filter_by_respondent(client_for, officer):
    case = CaseFactory()
    CaseFactory()
    assert refs(client_for(officer).get("/api/cases/", {"respondent": case.respondent.membership_number})) == [
        case.reference
    ]


def test_filter_by_an_unknown_respondent_is_400_naming_respondent(client_for, officer):
    response = client_for(officer).get("/api/cases/", {"respondent": "X9999999"})
    assert response.status_code == 400
    assert "respondent" in response.json()


def test_overdue_shows_a_case_past_its_response_deadline_and_not_a_fresh_one(client_for, officer):
    late = CaseFactory(awaiting_response=True, response_due=timezone.now() - dt.timedelta(hours=1))
    fresh = CaseFactory(awaiting_response=True)
    new = CaseFactory()
    client = client_for(officer)
    assert refs(client.get("/api/cases/", {"overdue": "true"})) == [late.reference]
    assert sorted(refs(client.get("/api/cases/", {"overdue": "false"}))) == sorted([fresh.reference, new.reference])


def test_overdue_shows_an_unacknowledged_complaint_past_seven_days(client_for, officer):
    old = CaseFactory(complaint=ComplaintFactory(submitted_at=timezone.now() - dt.timedelta(days=8)))
    CaseFactory(complaint=ComplaintFactory(submitted_at=timezone.now() - dt.timedelta(days=6)))
    assert refs(client_for(officer).get("/api/cases/", {"overdue": "true"})) == [old.reference]


def test_ordering_minus_severity_is_severity_then_volume_then_age(client_for, officer):
    now = timezone.now()

    def make(severity, evidence, age_days):
        return CaseFactory(severity=severity, evidence_count=evidence, opened_at=now - dt.timedelta(days=age_days))

    low_many = make(Severity.LOW, 500, 30)
    high_few_newer = make(Severity.HIGH, 2, 1)
    critical = make(Severity.CRITICAL, 1, 0)
    high_few_older = make(Severity.HIGH, 2, 5)
    high_many = make(Severity.HIGH, 10, 0)
    expected = [critical, high_many, high_few_older, high_few_newer, low_many]
    client = client_for(officer)
    assert refs(client.get("/api/cases/", {"ordering": "-severity"})) == [c.reference for c in expected]
    assert refs(client.get("/api/cases/", {"ordering": "opened_at"})) == [
        c.reference for c in sorted(expected, key=lambda c: c.opened_at)
    ]
    assert refs(client.get("/api/cases/", {"ordering": "-opened_at"})) == [
        c.reference for c in sorted(expected, key=lambda c: c.opened_at, reverse=True)
    ]


def test_filters_combine(client_for, officer):
    target = CaseFactory(investigation=True, assigned_to=officer, severity=Severity.CRITICAL)
    CaseFactory(investigation=True, assigned_to=officer, severity=Severity.LOW)
    CaseFactory(severity=Severity.CRITICAL)
    response = client_for(officer).get("/api/cases/", {"assigned_to": "me", "severity": "critical"})
    assert refs(response) == [target.reference]


def test_a_panel_member_filtering_sees_only_their_cases(client_for):
    judge = UserFactory(roles=["panel"])
    mine = CaseFactory(panel_stage=True, severity=Severity.CRITICAL)
    mine.panel.add(judge)
    CaseFactory(panel_stage=True, severity=Severity.CRITICAL)
    assert refs(client_for(judge).get("/api/cases/", {"severity": "critical"})) == [mine.reference]


# --- Actions ------------------------------------------------------------------------------------


def post_action(client, case, **body):
    return client.post(f"/api/cases/{case.reference}/actions/", body, format="json")


def test_a_successful_action_returns_the_case_and_bumps_the_version(client_for, officer):
    investigator = UserFactory(roles=["officer"])
    case = CaseFactory()
    response = post_action(
        client_for(officer), case, action="open_investigation", version=1, investigator=investigator.username
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert DETAIL_FIELDS <= set(body)
    assert body["reference"] == case.reference
    assert body["status"] == "investigation" and body["version"] == 2
    assert body["assigned_to"] == investigator.username
    case.refresh_from_db()
    assert (case.status, case.version, case.assigned_to) == ("investigation", 2, investigator)
    [event] = case_events(case)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "open_investigation",
        "received",
        "investigation",
        officer,
    )
    assert AuditEvent.objects.filter(action="case.open_investigation", case_ref=case.reference).count() == 1


def test_a_panel_member_on_the_panel_decides(client_for, officer):
    judge = UserFactory(roles=["panel"])
    case = CaseFactory(panel_stage=True)
    case.panel.add(judge)
    case.rules_charged.add(rule("RU11"))
    response = post_action(
        client_for(judge),
        case,
        action="decide",
        version=1,
        outcome="upheld",
        findings=[{"rule": "RU11", "breached": True}],
        sanctions=[{"code": "formal_warning"}],
        reasons="Proven.",
        departure_reason="Any departure is explained.",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "decided" and response.json()["version"] == 2


def test_a_stale_version_is_409_and_changes_nothing(client_for, officer):
    case = CaseFactory(version=3)
    before = snapshot(case)
    response = post_action(client_for(officer), case, action="dismiss", version=2, reason_code="vexatious", reason="x")
    assert response.status_code == 409
    assert "version" in response.json()
    assert snapshot(case) == before


def test_a_future_version_is_409_too(client_for, officer):
    case = CaseFactory()
    before = snapshot(case)
    response = post_action(client_for(officer), case, action="dismiss", version=2, reason_code="vexatious", reason="x")
    assert response.status_code == 409
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "factory_kwargs, body",
    [
        ({}, {"action": "issue_notice", "allegations": "a", "rules": ["RU9"]}),
        ({}, {"action": "close"}),
        ({}, {"action": "refer_to_panel", "report": "r", "panel": ["JUDGE"]}),
        ({"decided": True}, {"action": "dismiss", "reason_code": "vexatious", "reason": "r"}),
        ({"status": Case.Status.DISMISSED}, {"action": "open_investigation", "investigator": "INVESTIGATOR"}),
        ({"awaiting_response": True}, {"action": "continue_without_response"}),
    ],
    ids=[
        "notice-before-investigation",
        "close-undecided",
        "panel-before-investigation",
        "dismiss-decided",
        "reopen",
        "continue-early",
    ],
)
def test_an_action_in_the_wrong_state_is_409_and_changes_nothing(client_for, officer, factory_kwargs, body):
    case = CaseFactory(**factory_kwargs)
    names = {"INVESTIGATOR": UserFactory(roles=["officer"]).username, "JUDGE": UserFactory(roles=["panel"]).username}
    body = {k: [names.get(x, x) for x in v] if isinstance(v, list) else names.get(v, v) for k, v in body.items()}
    before = snapshot(case)
    response = post_action(client_for(officer), case, version=case.version, **body)
    assert response.status_code == 409, response.json()
    assert snapshot(case) == before


def test_an_auditor_may_not_act_403(client_for, officer):
    case = CaseFactory()
    before = snapshot(case)
    response = post_action(
        client_for(UserFactory(roles=["auditor"])),
        case,
        action="dismiss",
        version=1,
        reason_code="vexatious",
        reason="x",
    )
    assert response.status_code == 403
    assert snapshot(case) == before


@pytest.mark.parametrize("who", ["respondent", "complainant", "stranger"])
def test_a_member_may_not_act(client_for, who):
    case = CaseFactory()
    user = {
        "respondent": case.respondent.user,
        "complainant": case.complaint.filed_by,
        "stranger": MemberFactory(with_login=True).user,
    }[who]
    before = snapshot(case)
    response = post_action(client_for(user), case, action="dismiss", version=1, reason_code="vexatious", reason="x")
    assert response.status_code == 403
    assert snapshot(case) == before


def test_a_panel_member_not_on_the_panel_gets_404(client_for):
    case = CaseFactory(panel_stage=True)
    case.panel.add(UserFactory(roles=["panel"]))
    case.rules_charged.add(rule("RU11"))
    before = snapshot(case)
    response = post_action(
        client_for(UserFactory(roles=["panel"])),
        case,
        action="decide",
        version=1,
        outcome="not_upheld",
        findings=[{"rule": "RU11", "breached": False}],
        reasons="Not proven.",
    )
    assert response.status_code == 404
    assert snapshot(case) == before


def test_a_panel_member_may_not_take_an_officers_action_403(client_for):
    judge = UserFactory(roles=["panel"])
    case = CaseFactory(panel_stage=True)
    case.panel.add(judge)
    before = snapshot(case)
    response = post_action(client_for(judge), case, action="dismiss", version=1, reason_code="vexatious", reason="x")
    assert response.status_code == 403
    assert snapshot(case) == before


def test_an_officer_with_a_declared_conflict_is_403_with_the_reason(client_for, officer):
    case = CaseFactory()
    ConflictDeclaration.objects.create(user=officer, member=case.respondent, reason="Shares a flat with them")
    before = snapshot(case)
    response = post_action(client_for(officer), case, action="dismiss", version=1, reason_code="vexatious", reason="x")
    assert response.status_code == 403
    assert "conflict" in response.json()["detail"].lower()
    assert "Shares a flat with them" in response.json()["detail"]
    assert snapshot(case) == before


def test_an_officer_from_the_respondents_constituency_is_403_with_the_reason(client_for):
    case = CaseFactory()
    member_officer = MemberFactory(with_login=True, constituency=case.respondent.constituency)
    UserFactory(username=member_officer.user.username, roles=["officer"])
    before = snapshot(case)
    response = post_action(
        client_for(member_officer.user), case, action="dismiss", version=1, reason_code="vexatious", reason="x"
    )
    assert response.status_code == 403
    assert "same constituency" in response.json()["detail"]
    assert snapshot(case) == before


def test_assigning_a_conflicted_investigator_is_403_naming_them(client_for, officer):
    case = CaseFactory()
    investigator = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=investigator, constituency=case.respondent.constituency, reason="Local")
    before = snapshot(case)
    response = post_action(
        client_for(officer), case, action="open_investigation", version=1, investigator=investigator.username
    )
    assert response.status_code == 403
    assert investigator.username in response.json()["detail"]
    assert snapshot(case) == before


def test_the_investigator_may_not_sit_on_the_panel_403(client_for, officer):
    investigator = UserFactory(roles=["officer", "panel"])
    case = CaseFactory(investigation=True, assigned_to=investigator, notice_issued_at=timezone.now())
    before = snapshot(case)
    response = post_action(
        client_for(officer), case, action="refer_to_panel", version=1, report="Report.", panel=[investigator.username]
    )
    assert response.status_code == 403
    assert "investigated" in response.json()["detail"]
    assert snapshot(case) == before
    assert not case.panel.exists()


def test_the_decider_may_not_confirm_their_own_decision_403(client_for):
    judges = [UserFactory(roles=["panel"]) for _ in range(3)]
    case = CaseFactory(decided=True)
    case.panel.add(*judges)
    DecisionFactory(case=case, decided_by=judges[0], needs_confirmation=True)
    before = snapshot(case)
    response = post_action(client_for(judges[0]), case, action="confirm_decision", version=1)
    assert response.status_code == 403
    assert snapshot(case) == before
    ok = post_action(client_for(judges[1]), case, action="confirm_decision", version=1)
    assert ok.status_code == 200 and ok.json()["version"] == 2


def test_a_decision_awaiting_confirmation_shows_who_must_confirm_and_no_appeal_deadline(client_for):
    judges = [UserFactory(roles=["panel"]) for _ in range(3)]
    case = CaseFactory(decided=True)
    case.panel.add(*judges)
    decision = DecisionFactory(case=case, decided_by=judges[0], needs_confirmation=True)
    SanctionFactory(decision=decision, code="suspension_membership", duration_days=90, status=Sanction.Status.PENDING)
    body = client_for(judges[1]).get(f"/api/cases/{case.reference}/").json()
    pending = body["awaiting_confirmation"]
    assert (pending["of"], pending["id"], pending["decided_by"]) == ("decision", decision.pk, judges[0].username)
    assert pending["confirm_by"] == sorted(u.username for u in judges[1:])
    assert body["deadlines"]["appeal_due"] is None
    assert body["allowed_actions"] == ["confirm_decision"]

    confirmed = post_action(client_for(judges[2]), case, action="confirm_decision", version=1).json()

    assert confirmed["awaiting_confirmation"] is None
    decision.refresh_from_db()
    due = dt.datetime.fromisoformat(confirmed["deadlines"]["appeal_due"])
    assert due == decision.confirmed_at + dt.timedelta(days=21)


# --- A varied appeal that suspends or expels: four eyes ---------------------------------------


def panel_of(size: int) -> list:
    return [UserFactory(roles=["panel"]) for _ in range(size)]


def appeal_under_way(judges, first_panel) -> Case:
    """A confirmed suspension under appeal, the appeal heard by `judges`."""
    now = timezone.now()
    case = CaseFactory(appeal=True)
    case.panel.add(*first_panel)
    case.appeal_panel.add(*judges)
    decision = DecisionFactory(
        case=case,
        decided_by=first_panel[0],
        decided_at=now - dt.timedelta(days=3),
        needs_confirmation=True,
        confirmed_by=first_panel[1],
        confirmed_at=now - dt.timedelta(days=2),
    )
    SanctionFactory(decision=decision, code="suspension_membership", duration_days=90)
    AppealFactory(decision=decision, case=case)
    return case


def appeal_state(case) -> tuple:
    """The case, its events, its sanctions and its appeal, to show a refusal changed nothing."""
    appeal = Appeal.objects.get(case=case)
    statuses = sorted(Sanction.objects.filter(case=case).values_list("status", flat=True))
    return snapshot(case), statuses, (appeal.outcome, appeal.needs_confirmation, appeal.confirmed_at)


def vary(client, case, version, code="suspension_membership", days=30):
    sanction = {"code": code, "duration_days": days} if days else {"code": code}
    return post_action(
        client,
        case,
        action="decide_appeal",
        version=version,
        outcome="varied",
        reasons="Reduced.",
        sanctions=[sanction],
    )


def test_a_varied_appeal_to_a_suspension_waits_for_a_second_member_of_the_appeal_panel(client_for):
    judges, first_panel = panel_of(3), panel_of(3)
    case = appeal_under_way(judges, first_panel)
    appeal = Appeal.objects.get(case=case)

    response = vary(client_for(judges[0]), case, version=1)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["version"]) == ("appeal", 2)
    pending = body["awaiting_confirmation"]
    assert (pending["of"], pending["id"], pending["decided_by"]) == ("appeal", appeal.pk, judges[0].username)
    assert pending["confirm_by"] == sorted(u.username for u in judges[1:])
    assert sorted(s["status"] for s in body["sanctions"]) == ["active", "pending"]
    (listed,) = body["appeals"]
    assert (listed["outcome"], listed["needs_confirmation"], listed["awaiting_confirmation"]) == ("varied", True, True)
    assert listed["confirmed_by"] is None and listed["decided_by"] == judges[0].username
    assert body["allowed_actions"] == []
    assert client_for(judges[1]).get(f"/api/cases/{case.reference}/").json()["allowed_actions"] == ["confirm_decision"]

    confirmed = post_action(client_for(judges[1]), case, action="confirm_decision", version=2)

    assert confirmed.status_code == 200, confirmed.json()
    body = confirmed.json()
    assert (body["status"], body["version"], body["awaiting_confirmation"]) == ("closed", 3, None)
    assert sorted(s["status"] for s in body["sanctions"]) == ["active", "varied"]
    assert body["appeals"][0]["confirmed_by"] == judges[1].username
    assert body["appeals"][0]["awaiting_confirmation"] is False
    assert [(e.action, e.from_status, e.to_status) for e in case_events(case)] == [
        ("decide_appeal", "appeal", "appeal"),
        ("confirm_decision", "appeal", "closed"),
    ]
    assert AuditEvent.objects.filter(case_ref=case.reference, action="case.confirm_decision").count() == 1


@pytest.mark.parametrize(
    "who, body, status, message",
    [
        ("decider", {"action": "confirm_decision"}, 403, "A second member of the appeal panel must confirm"),
        (
            "first_panel",
            {"action": "confirm_decision"},
            403,
            "Only another member of the panel that decided may confirm decision on this case.",
        ),
        (
            "officer",
            {"action": "confirm_decision"},
            403,
            "Only another member of the panel that decided may confirm decision on this case.",
        ),
        ("other_judge", {"action": "decide_appeal", "outcome": "upheld", "reasons": "No."}, 409, "awaits a second"),
        ("officer", {"action": "set_appeal_panel", "panel": ["OTHER_JUDGE"]}, 409, "awaits a second"),
    ],
    ids=["decider-confirms", "first-panel-confirms", "officer-confirms", "decided-again", "panel-changed"],
)
def test_a_pending_appeal_variation_refuses_with_the_reason_and_changes_nothing(client_for, who, body, status, message):
    judges, first_panel = panel_of(3), panel_of(3)
    case = appeal_under_way(judges, first_panel)
    assert vary(client_for(judges[0]), case, version=1).status_code == 200
    user = {
        "decider": judges[0],
        "first_panel": first_panel[2],
        "officer": UserFactory(roles=["officer"]),
        "other_judge": judges[1],
    }[who]
    body = {k: [judges[1].username] if v == ["OTHER_JUDGE"] else v for k, v in body.items()}
    before = appeal_state(case)

    response = post_action(client_for(user), case, version=2, **body)

    assert response.status_code == status, response.json()
    assert message in response.json()["detail"]
    assert appeal_state(case) == before


def test_confirming_a_pending_appeal_variation_on_a_stale_version_is_409(client_for):
    judges, first_panel = panel_of(3), panel_of(3)
    case = appeal_under_way(judges, first_panel)
    assert vary(client_for(judges[0]), case, version=1).status_code == 200
    before = appeal_state(case)
    response = post_action(client_for(judges[1]), case, action="confirm_decision", version=1)
    assert response.status_code == 409
    assert "changed since you read it" in response.json()["version"][0]
    assert appeal_state(case) == before


@pytest.mark.parametrize("code, days", [("suspension_office", 30), ("expulsion", None)])
def test_a_varied_appeal_that_suspends_or_expels_before_a_panel_of_one_is_400(client_for, code, days):
    (judge,), first_panel = panel_of(1), panel_of(3)
    case = appeal_under_way([judge], first_panel)
    before = appeal_state(case)
    response = vary(client_for(judge), case, version=1, code=code, days=days)
    assert response.status_code == 400
    assert response.json() == {"sanctions": ["Suspension or expulsion needs an appeal panel of 3."]}
    assert appeal_state(case) == before


# --- The response deadline ---------------------------------------------------------------------


def test_after_the_deadline_an_officer_cannot_record_a_response_409(client_for, officer):
    case = CaseFactory(awaiting_response=True, response_due=timezone.now() - dt.timedelta(minutes=1))
    before = snapshot(case)
    response = post_action(client_for(officer), case, action="record_response", version=1, text="By phone, late.")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The response deadline has passed; an officer may continue without a response."
    }
    assert snapshot(case) == before and not Response.objects.exists()


def test_after_the_deadline_the_officer_continues_and_the_case_records_the_lapse(client_for, officer):
    case = CaseFactory(awaiting_response=True, response_due=timezone.now() - dt.timedelta(minutes=1))
    client = client_for(officer)
    assert client.get(f"/api/cases/{case.reference}/").json()["allowed_actions"] == ["continue_without_response"]

    response = post_action(client, case, action="continue_without_response", version=1)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["version"], body["response_lapsed"]) == ("investigation", 2, True)
    [event] = case_events(case)
    assert (event.action, event.actor, event.data["response_lapsed"]) == ("continue_without_response", officer, True)
    assert not Response.objects.exists()


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "auditor", "panel"])
def test_case_list_costs_the_same_for_5_or_50_rows(client_for, role):
    user = UserFactory(roles=[role])
    officers = [UserFactory(roles=["officer"]) for _ in range(3)]
    for i in range(60):
        case = CaseFactory(
            investigation=bool(i % 3),
            assigned_to=officers[i % 3] if i % 3 else None,
            severity=Severity.values[i % 4],
        )
        case.categories.add(rule(f"RU{1 + i % 12}").category)
        if role == "panel":
            case.panel.add(user)
    client = client_for(user)
    client.get("/api/cases/", {"page_size": 1})  # warm the per-login role cache

    def count(page_size):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/cases/", {"page_size": page_size, "ordering": "-severity"})
        assert response.status_code == 200 and len(response.json()["results"]) == page_size
        return len(ctx.captured_queries)

    assert count(5) == count(50)
