"""Complaints through the API: who may file, idempotent retries, scoping (404 not 403), what the
complainant is shown (never the attributed member), evidence pages and their query cost."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Case, Complaint, Evidence
from core.models import IdempotencyKey
from tests.complaints.factories import CaseFactory, ComplaintFactory, DecisionFactory, EvidenceFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


CREATED_FIELDS = {"reference", "status", "submitted_at", "cases"}
DETAIL_FIELDS = {"reference", "status", "summary", "submitted_at", "acknowledged_at", "evidence_count", "cases"}


def complaint_body(**extra) -> dict:
    return {"summary": "Abuse after the walkout", "description": "Dozens of abusive messages.", **extra}


def counts() -> tuple[int, int, int]:
    return Complaint.objects.count(), Case.objects.count(), AuditEvent.objects.count()


# --- Filing ------------------------------------------------------------------------------


def test_member_files_a_complaint_and_gets_201_with_its_cases(client_for):
    complainant, respondent = MemberFactory(with_login=True), MemberFactory()
    response = client_for(complainant.user).post(
        "/api/complaints/",
        complaint_body(
            rules=["RU9"],
            incident_date=str(timezone.localdate() - dt.timedelta(days=2)),
            respondents=[{"membership_number": respondent.membership_number}],
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert CREATED_FIELDS <= set(body)
    assert body["status"] == "received"
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.filed_by == complainant.user and complaint.complainant == complainant
    assert [r.code for r in complaint.rules.all()] == ["RU9"]
    case = Case.objects.get(complaint=complaint)
    assert body["cases"] == [{"reference": case.reference, "status": "received"}]
    assert case.respondent == respondent
    assert dt.datetime.fromisoformat(body["submitted_at"]) == complaint.submitted_at


def test_a_complaint_naming_nobody_known_opens_no_case(client_for):
    member = MemberFactory(with_login=True)
    response = client_for(member.user).post(
        "/api/complaints/", complaint_body(respondents=[{"name": "An anonymous troll"}]), format="json"
    )
    assert response.status_code == 201
    assert response.json()["cases"] == []
    assert Complaint.objects.get().unidentified_respondents == [{"name": "An anonymous troll"}]


def test_a_member_cannot_file_about_themselves(client_for):
    member = MemberFactory(with_login=True)
    before = counts()
    response = client_for(member.user).post(
        "/api/complaints/",
        complaint_body(respondents=[{"membership_number": member.membership_number}]),
        format="json",
    )
    assert response.status_code == 400
    assert "respondents" in response.json()
    assert counts() == before


@pytest.mark.parametrize("role", ["officer", "panel", "auditor"])
def test_staff_cannot_file_a_complaint(client_for, role):
    before = counts()
    response = client_for(UserFactory(roles=[role])).post("/api/complaints/", complaint_body(), format="json")
    assert response.status_code == 403
    assert counts() == before


def test_a_login_with_no_role_cannot_file_a_complaint(client_for):
    response = client_for(UserFactory()).post("/api/complaints/", complaint_body(), format="json")
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


# --- Idempotency ---------------------------------------------------------------------------


def test_the_same_idempotency_key_twice_returns_the_first_answer_and_stores_one_complaint(client_for):
    member, respondent = MemberFactory(with_login=True), MemberFactory()
    client = client_for(member.user)
    body = complaint_body(respondents=[{"membership_number": respondent.membership_number}])
    first = client.post("/api/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    audit_after_first = AuditEvent.objects.count()
    second = client.post("/api/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1 and Case.objects.count() == 1
    assert AuditEvent.objects.count() == audit_after_first


def test_a_retry_with_a_different_body_still_returns_the_first_answer(client_for):
    member = MemberFactory(with_login=True)
    client = client_for(member.user)
    first = client.post("/api/complaints/", complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    second = client.post("/api/complaints/", complaint_body(summary="Other"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert second.json() == first.json()
    assert list(Complaint.objects.values_list("summary", flat=True)) == ["Abuse after the walkout"]


def test_different_users_with_the_same_key_get_separate_complaints(client_for):
    a, b = MemberFactory(with_login=True), MemberFactory(with_login=True)
    first = client_for(a.user).post("/api/complaints/", complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="same")
    second = client_for(b.user).post("/api/complaints/", complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] != second.json()["reference"]
    assert Complaint.objects.count() == 2
    assert set(Complaint.objects.values_list("filed_by", flat=True)) == {a.user.pk, b.user.pk}


def test_different_keys_from_one_user_are_different_complaints(client_for):
    client = client_for(MemberFactory(with_login=True).user)
    client.post("/api/complaints/", complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="one")
    client.post("/api/complaints/", complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="two")
    assert Complaint.objects.count() == 2


def test_a_refused_request_does_not_burn_the_idempotency_key(client_for):
    client = client_for(MemberFactory(with_login=True).user)
    bad = client.post("/api/complaints/", {"summary": "x" * 201}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert bad.status_code == 400
    assert IdempotencyKey.objects.count() == 0
    good = client.post("/api/complaints/", complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert good.status_code == 201
    assert Complaint.objects.count() == 1


def test_an_overlong_idempotency_key_is_400_naming_the_header(client_for):
    client = client_for(MemberFactory(with_login=True).user)
    response = client.post("/api/complaints/", complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert Complaint.objects.count() == 0


# --- Reading: scope ------------------------------------------------------------------------


def test_list_shows_only_the_callers_own_complaints(client_for):
    me, other = MemberFactory(with_login=True), MemberFactory(with_login=True)
    mine = [ComplaintFactory(complainant=me) for _ in range(2)]
    ComplaintFactory(complainant=other)
    response = client_for(me.user).get("/api/complaints/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {c["reference"] for c in body["results"]} == {c.reference for c in mine}
    assert {"count", "next", "previous", "results"} <= set(body)


def test_a_respondent_does_not_see_complaints_about_them_in_their_list(client_for):
    case = CaseFactory()
    response = client_for(case.respondent.user).get("/api/complaints/")
    assert response.json()["count"] == 0


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_officers_and_auditors_list_every_complaint(client_for, role):
    complaints = [ComplaintFactory() for _ in range(3)]
    body = client_for(UserFactory(roles=[role])).get("/api/complaints/").json()
    assert {c["reference"] for c in body["results"]} == {c.reference for c in complaints}


def test_panel_members_list_only_the_complaints_of_their_cases(client_for):
    judge = UserFactory(roles=["panel"])
    sitting = CaseFactory(panel_stage=True)
    sitting.panel.add(judge)
    CaseFactory(panel_stage=True)
    body = client_for(judge).get("/api/complaints/").json()
    assert [c["reference"] for c in body["results"]] == [sitting.complaint.reference]


def test_a_login_with_no_role_sees_no_complaints(client_for):
    ComplaintFactory()
    assert client_for(UserFactory()).get("/api/complaints/").json()["count"] == 0


def test_detail_of_someone_elses_complaint_is_404_not_403(client_for):
    complaint = ComplaintFactory()
    stranger = MemberFactory(with_login=True)
    response = client_for(stranger.user).get(f"/api/complaints/{complaint.reference}/")
    assert response.status_code == 404


def test_detail_of_a_complaint_about_me_is_404_for_the_respondent(client_for):
    case = CaseFactory()
    response = client_for(case.respondent.user).get(f"/api/complaints/{case.complaint.reference}/")
    assert response.status_code == 404


def test_detail_of_an_unknown_reference_is_404(client_for):
    response = client_for(MemberFactory(with_login=True).user).get("/api/complaints/RU-NOSUCHREF/")
    assert response.status_code == 404


def test_detail_of_a_panel_members_unrelated_complaint_is_404(client_for):
    complaint = ComplaintFactory()
    response = client_for(UserFactory(roles=["panel"])).get(f"/api/complaints/{complaint.reference}/")
    assert response.status_code == 404


# --- Reading: what the complainant is told ----------------------------------------------------


def _attributed_complaint(client_for):
    """A complaint whose evidence was attributed (by handle) to a member the complainant never named."""
    complainant = MemberFactory(with_login=True)
    sender = MemberFactory(first_name="Hidden", last_name="Sender")
    IdentityFactory(member=sender, platform="twitter", value="@secret_sender")
    response = client_for(complainant.user).post(
        "/api/complaints/",
        complaint_body(
            evidence=[
                {
                    "channel": "twitter",
                    "author_handle": "Secret_Sender",
                    "text": "you are a disgrace",
                    "occurred_at": "2024-05-01T10:00:00Z",
                },
                {"channel": "email", "author_email": "anon@example.net", "occurred_at": "2024-05-01T11:00:00Z"},
            ]
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    return complainant, sender, response.json()["reference"]


def test_detail_has_the_fields_of_api_md_and_counts_the_evidence(client_for):
    complainant, sender, ref = _attributed_complaint(client_for)
    response = client_for(complainant.user).get(f"/api/complaints/{ref}/")
    assert response.status_code == 200
    body = response.json()
    assert DETAIL_FIELDS <= set(body)
    assert body["reference"] == ref and body["status"] == "received"
    assert body["summary"] == "Abuse after the walkout"
    assert body["acknowledged_at"] is None
    assert body["evidence_count"] == 2
    case = Case.objects.get(complaint__reference=ref)
    assert case.respondent == sender
    assert body["cases"] == [{"reference": case.reference, "status": "received", "outcome": None}]


def test_the_complainant_never_sees_which_member_a_sender_was_attributed_to(client_for):
    complainant, sender, ref = _attributed_complaint(client_for)
    client = client_for(complainant.user)
    detail = client.get(f"/api/complaints/{ref}/")
    evidence = client.get(f"/api/complaints/{ref}/evidence/")
    listing = client.get("/api/complaints/")
    for response in (detail, evidence, listing):
        text = response.content.decode()
        assert sender.membership_number not in text
        assert "Hidden Sender" not in text
    for item in evidence.json()["results"]:
        assert "member" not in item and "sender_key" not in item and "case" not in item


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_the_staff_view_of_evidence_names_the_attributed_member(client_for, role):
    _, sender, ref = _attributed_complaint(client_for)
    response = client_for(UserFactory(roles=[role])).get(f"/api/complaints/{ref}/evidence/")
    assert response.status_code == 200
    members = {item["author_handle"] or item["author_email"]: item["member"] for item in response.json()["results"]}
    assert members == {"Secret_Sender": sender.membership_number, "anon@example.net": None}


def test_the_complainant_is_told_the_outcome_of_each_case(client_for):
    complainant = MemberFactory(with_login=True)
    complaint = ComplaintFactory(complainant=complainant)
    dismissed = CaseFactory(complaint=complaint, status=Case.Status.DISMISSED)
    decided = CaseFactory(complaint=complaint, decided=True)
    DecisionFactory(case=decided, outcome="not_upheld")
    awaiting = CaseFactory(complaint=complaint, decided=True)
    DecisionFactory(case=awaiting, outcome="upheld", needs_confirmation=True)
    open_ = CaseFactory(complaint=complaint)
    body = client_for(complainant.user).get(f"/api/complaints/{complaint.reference}/").json()
    outcomes = {c["reference"]: c["outcome"] for c in body["cases"]}
    assert outcomes == {
        dismissed.reference: "dismissed",
        decided.reference: "not_upheld",
        awaiting.reference: None,
        open_.reference: None,
    }


# --- Evidence pages ---------------------------------------------------------------------------


def test_evidence_is_paginated_for_the_owner(client_for):
    complaint = ComplaintFactory()
    EvidenceFactory.create_batch(7, complaint=complaint)
    client = client_for(complaint.filed_by)
    first = client.get(f"/api/complaints/{complaint.reference}/evidence/", {"page_size": 5})
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == 7 and len(body["results"]) == 5 and body["next"] and body["previous"] is None
    second = client.get(f"/api/complaints/{complaint.reference}/evidence/", {"page_size": 5, "page": 2}).json()
    assert len(second["results"]) == 2 and second["next"] is None
    ids = [e["id"] for e in body["results"] + second["results"]]
    assert sorted(ids) == sorted(Evidence.objects.filter(complaint=complaint).values_list("pk", flat=True))


def test_evidence_of_someone_elses_complaint_is_404(client_for):
    complaint = ComplaintFactory()
    EvidenceFactory(complaint=complaint)
    response = client_for(MemberFactory(with_login=True).user).get(f"/api/complaints/{complaint.reference}/evidence/")
    assert response.status_code == 404


def test_evidence_page_size_is_capped_at_500(client_for):
    complaint = ComplaintFactory()
    EvidenceFactory.create_batch(3, complaint=complaint)
    response = client_for(complaint.filed_by).get(
        f"/api/complaints/{complaint.reference}/evidence/", {"page_size": 100000}
    )
    assert response.status_code == 200 and response.json()["count"] == 3


# --- Query counts (STYLE.md: a page of 50 costs what a page of 5 costs) ------------------------


def _query_count(client, path, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def _assert_flat_cost(client, path, **params):
    client.get(path, {**params, "page_size": 1})  # warm the per-login role cache
    small, small_body = _query_count(client, path, {**params, "page_size": 5})
    large, large_body = _query_count(client, path, {**params, "page_size": 50})
    assert len(small_body["results"]) == 5 and len(large_body["results"]) == 50
    assert small == large, f"{path}: {small} queries for 5 rows, {large} for 50"


def _many_complaints(complainant=None, n=60):
    officer = UserFactory(roles=["officer"])
    for i in range(n):
        complaint = ComplaintFactory(**({"complainant": complainant} if complainant else {}))
        complaint.rules.add(*_rules(i))
        case = CaseFactory(complaint=complaint, decided=bool(i % 2), assigned_to=officer)
        if i % 2:
            DecisionFactory(case=case)
        EvidenceFactory(complaint=complaint, case=case, member=case.respondent)


def _rules(i):
    from conduct.models import Rule

    return list(Rule.objects.filter(code__in=[f"RU{1 + i % 12}", "RU9"]))


def test_complaint_list_for_a_member_costs_the_same_for_5_or_50_rows(client_for):
    me = MemberFactory(with_login=True)
    _many_complaints(complainant=me)
    _assert_flat_cost(client_for(me.user), "/api/complaints/")


@pytest.mark.parametrize("role", ["officer", "auditor", "panel"])
def test_complaint_list_for_staff_costs_the_same_for_5_or_50_rows(client_for, role):
    user = UserFactory(roles=[role])
    _many_complaints()
    if role == "panel":
        for case in Case.objects.all():
            case.panel.add(user)
    _assert_flat_cost(client_for(user), "/api/complaints/")


@pytest.mark.parametrize("viewer", ["owner", "officer"])
def test_evidence_list_costs_the_same_for_5_or_50_rows(client_for, viewer):
    complaint = ComplaintFactory()
    cases = [CaseFactory(complaint=complaint) for _ in range(3)]
    for i in range(60):
        case = cases[i % 4] if i % 4 < 3 else None
        EvidenceFactory(complaint=complaint, case=case, member=case.respondent if case else None)
    user = complaint.filed_by if viewer == "owner" else UserFactory(roles=["officer"])
    _assert_flat_cost(client_for(user), f"/api/complaints/{complaint.reference}/evidence/")


# --- The complaint's target ----------------------------------------------------------------------


def test_a_complainant_who_is_the_target_is_named_as_the_target_by_default(client_for):
    complainant = MemberFactory(with_login=True, first_name="Lucy", last_name="Ward")
    response = client_for(complainant.user).post("/api/complaints/", complaint_body(), format="json")
    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert (complaint.target_names, complaint.target_pronouns) == (["Lucy", "Ward", "Lucy Ward"], [])


def test_the_filing_takes_the_targets_names_and_pronouns(client_for):
    complainant = MemberFactory(with_login=True, first_name="Lucy", last_name="Ward")
    body = complaint_body(
        complainant_is_target=False, target_names=[" Sam  Okafor ", "Sam", "Sam"], target_pronouns=["They", "them"]
    )
    response = client_for(complainant.user).post("/api/complaints/", body, format="json")
    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert (complaint.target_names, complaint.target_pronouns) == (["Sam Okafor", "Sam"], ["they", "them"])


def test_a_complainant_who_is_not_the_target_names_nobody_by_default(client_for):
    complainant = MemberFactory(with_login=True)
    response = client_for(complainant.user).post(
        "/api/complaints/", complaint_body(complainant_is_target=False), format="json"
    )
    assert Complaint.objects.get(reference=response.json()["reference"]).target_names == []


def test_target_names_must_be_a_list_of_strings(client_for):
    complainant = MemberFactory(with_login=True)
    response = client_for(complainant.user).post(
        "/api/complaints/", complaint_body(target_names="Lucy", target_pronouns=[1]), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"target_names", "target_pronouns"}
    assert Complaint.objects.count() == 0
