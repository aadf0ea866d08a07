"""The respondent's side: the notice of allegations (no complainant identity unless shared),
responding by the deadline and appealing within the window."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Appeal, Case, Response
from complaints.services.cases import case_continue_without_response
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


ITEM_FIELDS = {"reference", "status", "rules", "allegations", "evidence", "response_due", "decision", "appeal_due"}


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.status,
        case.version,
        case_event_count(),
        AuditEvent.objects.count(),
        Response.objects.count(),
        Appeal.objects.count(),
    )


def noticed_case(**kwargs) -> Case:
    case = CaseFactory(awaiting_response=True, **kwargs)
    case.rules_charged.add(rule("RU9"))
    return case


def decided_case(
    decided_days_ago: float = 1, outcome: str = "upheld", *, confirmed_days_ago: float | None = None, **kwargs
) -> Case:
    """A decided case; with `confirmed_days_ago` its decision needed a second panel member's confirmation
    (None with `needs_confirmation=True` in kwargs: still awaiting it)."""
    kwargs.setdefault("notice_issued_at", timezone.now() - dt.timedelta(days=40))
    needs_confirmation = kwargs.pop("needs_confirmation", confirmed_days_ago is not None)
    case = CaseFactory(decided=True, **kwargs)
    DecisionFactory(
        case=case,
        outcome=outcome,
        decided_at=timezone.now() - dt.timedelta(days=decided_days_ago),
        needs_confirmation=needs_confirmation,
        confirmed_at=timezone.now() - dt.timedelta(days=confirmed_days_ago) if confirmed_days_ago is not None else None,
    )
    return case


# --- The list ---------------------------------------------------------------------------------


def test_only_cases_against_the_caller_with_notice_issued_are_listed(client_for):
    me = MemberFactory(with_login=True)
    mine = noticed_case(respondent=me)
    CaseFactory(investigation=True, respondent=me)  # no notice yet
    CaseFactory(respondent=me)  # just received
    noticed_case()  # someone else's
    response = client_for(me.user).get("/api/allegations/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert ITEM_FIELDS <= set(item)
    assert item["reference"] == mine.reference
    assert item["status"] == "awaiting_response"
    assert [r["code"] for r in item["rules"]] == ["RU9"]
    assert item["allegations"] == "You sent abusive messages."
    assert item["response_due"] is not None
    assert item["decision"] is None and item["appeal_due"] is None


def test_the_notice_carries_the_evidence_of_this_case_only(client_for):
    me = MemberFactory(with_login=True)
    case = noticed_case(respondent=me)
    on_case = EvidenceFactory.create_batch(2, complaint=case.complaint, case=case)
    other_case = CaseFactory(complaint=case.complaint)
    EvidenceFactory(complaint=case.complaint, case=other_case, text="someone else's post")
    item = client_for(me.user).get("/api/allegations/").json()["results"][0]
    assert sorted(e["id"] for e in item["evidence"]) == sorted(e.pk for e in on_case)
    assert "someone else's post" not in str(item)


@pytest.mark.parametrize("role", ["officer", "panel", "auditor"])
def test_staff_without_a_membership_have_no_allegations(client_for, role):
    noticed_case()
    response = client_for(UserFactory(roles=[role])).get("/api/allegations/")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_the_complainant_is_not_identified_unless_they_agreed(client_for):
    complainant = MemberFactory(with_login=True, first_name="Private", last_name="Complainant")
    case = noticed_case(complaint=ComplaintFactory(complainant=complainant, share_identity_with_respondent=False))
    EvidenceFactory(complaint=case.complaint, case=case)
    response = client_for(case.respondent.user).get("/api/allegations/")
    item = response.json()["results"][0]
    assert item.get("complainant") is None
    text = response.content.decode()
    assert "Private Complainant" not in text
    assert complainant.membership_number not in text
    assert complainant.user.username not in text


def test_the_complainant_is_named_when_they_agreed_to_share(client_for):
    complainant = MemberFactory(with_login=True, first_name="Open", last_name="Complainant")
    case = noticed_case(complaint=ComplaintFactory(complainant=complainant, share_identity_with_respondent=True))
    item = client_for(case.respondent.user).get("/api/allegations/").json()["results"][0]
    assert item["complainant"] == {"name": "Open Complainant"}


def test_a_decided_case_shows_the_decision_and_the_appeal_deadline(client_for):
    case = decided_case(decided_days_ago=2)
    SanctionFactory(decision=case.decisions.get(), code="formal_warning", duration_days=None)
    item = client_for(case.respondent.user).get("/api/allegations/").json()["results"][0]
    assert item["decision"]["outcome"] == "upheld"
    assert [s["code"] for s in item["decision"]["sanctions"]] == ["formal_warning"]
    decided_at = case.decisions.get().decided_at
    assert dt.datetime.fromisoformat(item["appeal_due"]) == decided_at + dt.timedelta(days=21)


# --- Responding ------------------------------------------------------------------------------


@pytest.fixture
def respond(client_for):
    """respond(user, case, text): post a response to the notice on `case` as `user`."""

    def post(user, case, text="I deny it."):
        return client_for(user).post(f"/api/allegations/{case.reference}/response/", {"text": text}, format="json")

    return post


def test_a_response_before_the_deadline_is_201_and_moves_the_case_on(respond):
    case = noticed_case()
    response = respond(case.respondent.user, case)
    assert response.status_code == 201, response.json()
    assert response.json()["text"] == "I deny it."
    case.refresh_from_db()
    assert case.status == "investigation" and case.version == 2
    stored = Response.objects.get(case=case)
    assert stored.text == "I deny it." and stored.submitted_by == case.respondent.user and not stored.on_behalf
    assert len(case_events(case, "record_response")) == 1


def test_a_response_after_the_deadline_is_409_and_stores_nothing(respond):
    case = noticed_case(response_due=timezone.now() - dt.timedelta(minutes=1))
    before = snapshot(case)
    response = respond(case.respondent.user, case)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The response deadline has passed; an officer may continue without a response."
    }
    assert snapshot(case) == before
    assert case.response_lapsed is False


def test_once_the_officer_continued_without_a_response_the_notice_shows_it_lapsed(client_for, respond):
    case = noticed_case(response_due=timezone.now() - dt.timedelta(minutes=1))
    client = client_for(case.respondent.user)
    assert client.get("/api/allegations/").json()["results"][0]["response_lapsed"] is False
    case_continue_without_response(case=case, actor=UserFactory(roles=["officer"]), version=1)
    before = snapshot(case)

    response = respond(case.respondent.user, case, "Sorry I am late.")

    assert response.status_code == 409
    assert "is not possible while the case is investigation" in response.json()["detail"]
    assert snapshot(case) == before
    item = client.get("/api/allegations/").json()["results"][0]
    assert (item["status"], item["response_lapsed"]) == ("investigation", True)


def test_a_response_in_another_state_is_409(respond):
    case = CaseFactory(investigation=True, respondent=MemberFactory(with_login=True), notice_issued_at=timezone.now())
    before = snapshot(case)
    assert respond(case.respondent.user, case).status_code == 409
    assert snapshot(case) == before


def test_a_second_response_is_409(respond):
    case = noticed_case()
    assert respond(case.respondent.user, case).status_code == 201
    before = snapshot(case)
    assert respond(case.respondent.user, case, "And another thing.").status_code == 409
    assert snapshot(case) == before


def test_responding_to_someone_elses_case_is_404(respond):
    case = noticed_case()
    before = snapshot(case)
    assert respond(MemberFactory(with_login=True).user, case).status_code == 404
    assert respond(case.complaint.filed_by, case).status_code == 404
    assert snapshot(case) == before


def test_responding_before_notice_is_404(respond):
    case = CaseFactory(investigation=True)
    assert respond(case.respondent.user, case).status_code == 404


def test_an_officer_cannot_use_the_respondents_endpoint(respond):
    case = noticed_case()
    before = snapshot(case)
    assert respond(UserFactory(roles=["officer"]), case).status_code == 404
    assert snapshot(case) == before


def test_a_retried_response_with_the_same_key_is_stored_once(client_for):
    case = noticed_case()
    client = client_for(case.respondent.user)
    path = f"/api/allegations/{case.reference}/response/"
    first = client.post(path, {"text": "I deny it."}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    second = client.post(path, {"text": "I deny it."}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Response.objects.count() == 1


# --- Appealing --------------------------------------------------------------------------------


@pytest.fixture
def appeal(client_for):
    """appeal(user, case, grounds): lodge an appeal against the decision on `case` as `user`."""

    def post(user, case, grounds="Too harsh."):
        return client_for(user).post(f"/api/allegations/{case.reference}/appeal/", {"grounds": grounds}, format="json")

    return post


def test_an_appeal_within_21_days_of_an_upheld_decision_is_201(appeal):
    case = decided_case(decided_days_ago=20)
    response = appeal(case.respondent.user, case)
    assert response.status_code == 201, response.json()
    assert response.json()["grounds"] == "Too harsh."
    case.refresh_from_db()
    assert case.status == "appeal"
    stored = Appeal.objects.get(case=case)
    assert stored.decision == case.decisions.get() and stored.lodged_by == case.respondent.user


def test_an_appeal_after_21_days_is_409(appeal):
    case = decided_case(decided_days_ago=21.01)
    before = snapshot(case)
    response = appeal(case.respondent.user, case)
    assert response.status_code == 409
    assert "window" in response.json()["detail"]
    assert snapshot(case) == before


def test_the_appeal_window_runs_from_the_confirmation_of_a_suspension(appeal, client_for):
    case = decided_case(decided_days_ago=30, confirmed_days_ago=5)
    confirmed_at = case.decisions.get().confirmed_at
    item = client_for(case.respondent.user).get("/api/allegations/").json()["results"][0]
    assert dt.datetime.fromisoformat(item["appeal_due"]) == confirmed_at + dt.timedelta(days=21)

    response = appeal(case.respondent.user, case)

    assert response.status_code == 201, response.json()
    assert dt.datetime.fromisoformat(response.json()["appeal_due"]) == confirmed_at + dt.timedelta(days=21)
    assert Appeal.objects.get(case=case).decision == case.decisions.get()


def test_an_appeal_more_than_21_days_after_the_confirmation_is_409(appeal):
    case = decided_case(decided_days_ago=40, confirmed_days_ago=21.01)
    before = snapshot(case)
    response = appeal(case.respondent.user, case)
    assert response.status_code == 409
    assert "appeal window has closed" in response.json()["detail"]
    assert "21 days after the decision took effect" in response.json()["detail"]
    assert snapshot(case) == before


def test_a_decision_awaiting_confirmation_has_no_appeal_deadline_and_cannot_be_appealed(appeal, client_for):
    case = decided_case(decided_days_ago=2, needs_confirmation=True)
    item = client_for(case.respondent.user).get("/api/allegations/").json()["results"][0]
    assert (item["decision"]["in_effect"], item["appeal_due"]) == (False, None)
    before = snapshot(case)
    response = appeal(case.respondent.user, case)
    assert response.status_code == 409
    assert "awaits a second panel member's confirmation" in response.json()["detail"]
    assert snapshot(case) == before


def test_a_varied_appeal_awaiting_confirmation_is_shown_as_not_yet_in_effect(client_for):
    case = decided_case(decided_days_ago=10, confirmed_days_ago=9, status=Case.Status.APPEAL)
    judge = UserFactory(roles=["panel"])
    lodged = AppealFactory(
        decision=case.decisions.get(),
        case=case,
        outcome="varied",
        reasons="Reduced.",
        decided_by=judge,
        decided_at=timezone.now(),
        needs_confirmation=True,
    )
    client = client_for(case.respondent.user)
    assert client.get("/api/allegations/").json()["results"][0]["appeal"]["in_effect"] is False
    lodged.confirmed_by, lodged.confirmed_at = UserFactory(roles=["panel"]), timezone.now()
    lodged.save(update_fields=["confirmed_by", "confirmed_at"])
    assert client.get("/api/allegations/").json()["results"][0]["appeal"]["in_effect"] is True


def test_a_second_appeal_is_409(appeal):
    case = decided_case()
    assert appeal(case.respondent.user, case).status_code == 201
    before = snapshot(case)
    assert appeal(case.respondent.user, case, "Again.").status_code == 409
    assert snapshot(case) == before


def test_an_appeal_when_one_already_exists_for_the_decision_is_409(appeal):
    case = decided_case()
    AppealFactory(decision=case.decisions.get(), case=case)
    before = snapshot(case)
    response = appeal(case.respondent.user, case)
    assert response.status_code == 409
    assert snapshot(case) == before


def test_a_decision_not_upheld_cannot_be_appealed(appeal):
    case = decided_case(outcome="not_upheld")
    before = snapshot(case)
    assert appeal(case.respondent.user, case).status_code == 409
    assert snapshot(case) == before


def test_an_appeal_before_any_decision_is_409(appeal):
    case = noticed_case()
    before = snapshot(case)
    assert appeal(case.respondent.user, case).status_code == 409
    assert snapshot(case) == before


def test_appealing_someone_elses_case_is_404(appeal):
    case = decided_case()
    before = snapshot(case)
    assert appeal(MemberFactory(with_login=True).user, case).status_code == 404
    assert snapshot(case) == before


# --- Query counts ---------------------------------------------------------------------------


def test_allegation_list_costs_the_same_for_5_or_50_rows(client_for):
    me = MemberFactory(with_login=True)
    for i in range(60):
        # Interleaved in the list's order, so that a page of 5 holds every kind of row.
        noticed_at = timezone.now() - dt.timedelta(minutes=i)
        if i % 3 == 0:
            case = decided_case(respondent=me, notice_issued_at=noticed_at)
            SanctionFactory(decision=case.decisions.get(), code="formal_warning", duration_days=None)
            if i % 2:
                AppealFactory(decision=case.decisions.get(), case=case)
        else:
            case = noticed_case(
                respondent=me,
                notice_issued_at=noticed_at,
                complaint=ComplaintFactory(share_identity_with_respondent=bool(i % 2)),
            )
        case.rules_charged.add(rule(f"RU{1 + i % 12}"))
        EvidenceFactory.create_batch(2, complaint=case.complaint, case=case)
    client = client_for(me.user)
    client.get("/api/allegations/", {"page_size": 1})

    def count(page_size):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/allegations/", {"page_size": page_size})
        assert response.status_code == 200 and len(response.json()["results"]) == page_size
        return len(ctx.captured_queries)

    assert count(5) == count(50)
