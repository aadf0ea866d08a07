"""One complaint from filing to a decided suspension, an appeal, and the auditor's sanction history."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.services import audit_verify
from complaints.models import Case, Sanction
from members.models import Member
from tests.complaints.timeline import case_events
from tests.members.factories import ConstituencyFactory, IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def act(client, case_ref, action, **fields):
    version = client.get(f"/api/cases/{case_ref}/").json()["version"]
    response = client.post(
        f"/api/cases/{case_ref}/actions/", {"action": action, "version": version, **fields}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_complaint_to_suspension_to_appeal_to_auditor_history(client_for):
    complainant = MemberFactory(with_login=True, constituency=ConstituencyFactory(name="Stoke-on-Trent North"))
    respondent = MemberFactory(with_login=True, constituency=ConstituencyFactory(name="Islington North"))
    IdentityFactory(member=respondent, platform="twitter", value="https://x.com/Abuser_1/")
    officer, investigator = UserFactory(roles=["officer"]), UserFactory(roles=["officer"])
    panel = [UserFactory(roles=["panel"]) for _ in range(3)]
    appeal_panel = [UserFactory(roles=["panel"]) for _ in range(3)]
    auditor = UserFactory(roles=["auditor"])

    # The member files, naming the sender by handle and attaching two posts.
    filed = client_for(complainant.user).post(
        "/api/complaints/",
        {
            "summary": "Abuse after the walkout",
            "description": "Dozens of abusive messages.",
            "incident_date": str(timezone.localdate() - dt.timedelta(days=3)),
            "rules": ["RU9", "RU11"],
            "respondents": [{"platform": "twitter", "handle": "@abuser_1"}],
            "evidence": [
                {
                    "channel": "twitter",
                    "author_handle": "Abuser_1",
                    "text": "resign now, traitor",
                    "url": "https://twitter.com/abuser_1/status/1",
                    "occurred_at": "2026-11-20T10:00:00Z",
                },
                {
                    "channel": "twitter",
                    "author_handle": "@ABUSER_1",
                    "text": "you are a disgrace",
                    "url": "https://x.com/abuser_1/status/2?s=20",
                    "occurred_at": "2026-11-20T11:00:00Z",
                },
            ],
        },
        format="json",
    )
    assert filed.status_code == 201, filed.json()
    assert len(filed.json()["cases"]) == 1
    ref = filed.json()["cases"][0]["reference"]
    case = Case.objects.get(reference=ref)
    assert case.respondent == respondent and case.evidence_count == 2

    staff = client_for(officer)
    act(staff, ref, "open_investigation", investigator=investigator.username)
    act(staff, ref, "issue_notice", allegations="Repeated abusive messages.", rules=["RU9", "RU11"])

    # The respondent sees the allegations, not the complainant, and answers.
    accused = client_for(respondent.user)
    allegations = accused.get("/api/allegations/").json()["results"]
    assert [a["reference"] for a in allegations] == [ref]
    assert allegations[0]["complainant"] is None and len(allegations[0]["evidence"]) == 2
    assert accused.post(f"/api/allegations/{ref}/response/", {"text": "I deny it."}, format="json").status_code == 201

    act(staff, ref, "refer_to_panel", report="Report.", panel=[u.username for u in panel])
    decided = act(
        client_for(panel[0]),
        ref,
        "decide",
        outcome="upheld",
        reasons="Proven by the posts.",
        findings=[{"rule": "RU9", "breached": True}, {"rule": "RU11", "breached": True}],
        sanctions=[{"code": "suspension_membership", "duration_days": 180}],
        departure_reason="Sustained campaign.",
    )
    assert decided["status"] == "decided"
    assert decided["sanctions"][0]["status"] == "pending"
    assert "confirm_decision" in client_for(panel[1]).get(f"/api/cases/{ref}/").json()["allowed_actions"]
    confirmed = act(client_for(panel[1]), ref, "confirm_decision")
    assert confirmed["sanctions"][0]["status"] == "active"
    assert Member.objects.get(pk=respondent.pk).standing == Member.Standing.SUSPENDED

    # Appeal, heard by three panel members who sat on no first panel; the suspension is reduced,
    # which takes effect once a second member of the appeal panel confirms it.
    assert accused.post(f"/api/allegations/{ref}/appeal/", {"grounds": "Too harsh."}, format="json").status_code == 201
    act(staff, ref, "set_appeal_panel", panel=[u.username for u in appeal_panel])
    varied = act(
        client_for(appeal_panel[0]),
        ref,
        "decide_appeal",
        outcome="varied",
        reasons="Reduced on appeal.",
        sanctions=[{"code": "suspension_membership", "duration_days": 60}],
    )
    assert varied["status"] == "appeal"
    assert varied["awaiting_confirmation"]["confirm_by"] == sorted(u.username for u in appeal_panel[1:])
    assert sorted(s.status for s in Sanction.objects.filter(case=case)) == ["active", "pending"]
    closed = act(client_for(appeal_panel[2]), ref, "confirm_decision")
    assert closed["status"] == "closed" and closed["awaiting_confirmation"] is None
    assert sorted(s.status for s in Sanction.objects.filter(case=case)) == ["active", "varied"]

    # The auditor finds the varied suspension and its replacement in the register.
    audit_client = client_for(auditor)
    register = audit_client.get("/api/audit/sanctions/", {"member": respondent.membership_number}).json()
    assert {(r["code"], r["status"]) for r in register["results"]} == {
        ("suspension_membership", "varied"),
        ("suspension_membership", "active"),
    }
    region = respondent.constituency.region.name
    active = audit_client.get("/api/audit/sanctions/", {"status": "active", "region": region}).json()
    assert [(r["code"], r["member"]["region"]) for r in active["results"]] == [("suspension_membership", region)]
    history = audit_client.get(f"/api/audit/members/{respondent.membership_number}/history/").json()
    assert [e["kind"] for e in history][0] == "case" and {"decision", "sanction", "appeal"} <= {
        e["kind"] for e in history
    }
    csv = audit_client.get("/api/audit/sanctions/", {"format": "csv"})
    assert csv.status_code == 200 and b"suspension_membership" in b"".join(csv.streaming_content)

    assert [e.action for e in case_events(case)] == [
        "open",
        "open_investigation",
        "issue_notice",
        "record_response",
        "refer_to_panel",
        "decide",
        "confirm_decision",
        "lodge_appeal",
        "set_appeal_panel",
        "decide_appeal",
        "confirm_decision",
    ]
    assert audit_verify().ok
