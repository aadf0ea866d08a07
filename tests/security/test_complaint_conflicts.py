"""Nobody reads the complaint about them: staff who are a respondent of a complaint, or conflicted with
any party to it, find no such complaint, nor anything under it, and cannot add evidence to it."""

import pytest
from django.urls import reverse

from complaints.models import ConflictDeclaration, Evidence
from complaints.services.evidence import evidence_upload
from tests.complaints.factories import ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PATHS = ["", "evidence/", "senders/", "threats/"]


@pytest.fixture
def complaint():
    """A complaint whose evidence opened a case against a member who is also an officer."""
    complaint = ComplaintFactory()
    respondent = MemberFactory(user=UserFactory(roles=["officer"]))
    IdentityFactory(member=respondent, platform="twitter", value="officer_on_the_side")
    items = [
        {
            "channel": "twitter",
            "author_handle": "officer_on_the_side",
            "text": "someone will hang you Ruth, just wait",
            "url": "https://twitter.com/officer_on_the_side/status/1",
            "occurred_at": complaint.submitted_at,
        }
    ]
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by)
    return complaint


def url(complaint, tail=""):
    return f"/api/complaints/{complaint.reference}/{tail}"


def test_the_respondent_officer_finds_no_such_complaint_and_cannot_add_evidence(complaint, client_for):
    me = complaint.cases.get().respondent.user
    client = client_for(me)
    for tail in PATHS:
        response = client.get(url(complaint, tail))
        assert response.status_code == 404, tail
        assert response.json() == {"detail": "No complaint with that reference."}
    assert complaint.reference not in str(client.get("/api/complaints/").json())
    posted = client.post(url(complaint, "evidence/"), [{"channel": "other", "text": "x"}], format="json")
    assert posted.status_code == 404 and Evidence.objects.filter(complaint=complaint).count() == 1


def test_an_officer_with_a_declared_conflict_finds_no_such_complaint(complaint, client_for, officer):
    declared = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=declared, member=complaint.cases.get().respondent, reason="my sister")
    for tail in PATHS:
        assert client_for(declared).get(url(complaint, tail)).status_code == 404, tail
        assert client_for(officer).get(url(complaint, tail)).status_code == 200, tail


def test_the_complaint_admin_pages_are_closed_to_the_respondent_officer(complaint, client):
    me = complaint.cases.get().respondent.user
    client.force_login(me)
    assert client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).status_code == 302
    listed = client.get(reverse("admin:complaints_complaint_changelist"))
    assert complaint.reference not in listed.content.decode()
    evidence = client.get(reverse("admin:complaints_evidence_changelist"))
    assert "officer_on_the_side" not in evidence.content.decode()


def test_every_staff_read_of_a_complaint_is_audited_and_reads_outside_the_team_are_listed(
    complaint, client_for, officer, investigator, auditor
):
    from audit.models import AuditEvent

    client_for(officer).get(url(complaint))  # triage: nobody investigates yet, so officers are the team
    case = complaint.cases.get()
    case.assigned_to = investigator
    case.save(update_fields=["assigned_to"])
    client_for(investigator).get(url(complaint, "evidence/"))
    client_for(officer).get(url(complaint, "senders/"))
    client_for(complaint.filed_by).get(url(complaint))  # the complainant's own read is no staff read
    reads = AuditEvent.objects.filter(action__startswith="complaint.read").order_by("seq")
    assert [(e.action, e.actor_name, e.data["what"]) for e in reads] == [
        ("complaint.read", officer.username, "complaint"),
        ("complaint.read", investigator.username, "evidence"),
        ("complaint.read_outside_team", officer.username, "senders"),
    ]
    access = client_for(auditor).get("/api/audit/access/").json()["results"]
    assert [(r["actor"], r["complaint"], r["what"]) for r in access] == [
        (officer.username, complaint.reference, "senders")
    ]


def test_a_refused_staff_read_is_a_security_event_the_auditors_see(complaint, client_for, auditor):
    me = complaint.cases.get().respondent.user
    assert client_for(me).get(url(complaint, "evidence/")).status_code == 404
    client_for(complaint.filed_by).get("/api/complaints/RU-NOPE/")  # a member's miss is not an attempt
    rows = client_for(auditor).get("/api/audit/security/", {"kind": "read_refused"}).json()["results"]
    assert [(r["username"], r["object"], r["status"]) for r in rows] == [
        (me.username, f"/api/complaints/{complaint.reference}/evidence/", 404)
    ]
