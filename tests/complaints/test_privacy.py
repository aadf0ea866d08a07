"""Subject access export (third parties redacted) and the retention command."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_verify
from complaints.models import Campaign, Case, Complaint, Decision, Evidence, Response, Sanction
from complaints.services.privacy import ANONYMISED, REDACTED, retention_apply, subject_access_export
from tests.complaints.factories import (
    AppealFactory,
    CaseFactory,
    ComplaintFactory,
    DecisionFactory,
    EvidenceFactory,
    SanctionFactory,
)
from tests.members.factories import IdentityFactory, MemberFactory

pytestmark = pytest.mark.django_db

YEAR = dt.timedelta(days=365)


# --- Subject access export ----------------------------------------------------------------


def test_export_holds_the_members_record_cases_and_words_with_third_parties_redacted(officer):
    complainant = MemberFactory(first_name="Priya", last_name="Complainant", with_login=True)
    respondent = MemberFactory(first_name="Rob", last_name="Respondent", with_login=True)
    IdentityFactory(member=respondent, kind="handle", platform="twitter", value="@rob_r")
    complaint = ComplaintFactory(complainant=complainant, complainant_name="", share_identity_with_respondent=False)
    case = CaseFactory(complaint=complaint, respondent=respondent, awaiting_response=True)
    Response.objects.create(case=case, text="I deny it.", submitted_by=respondent.user, submitted_at=timezone.now())
    EvidenceFactory(complaint=complaint, case=case, member=respondent, text="you are a disgrace", author_handle="rob_r")
    EvidenceFactory(complaint=complaint, text="someone else's words", author_handle="stranger")
    SanctionFactory(decision=DecisionFactory(case=case), code="formal_warning")

    export = subject_access_export(member=respondent, actor=officer)

    assert export["member"]["membership_number"] == respondent.membership_number
    assert export["member"]["identities"] == [{"kind": "handle", "platform": "twitter", "value": "@rob_r"}]
    [exported_case] = export["cases_as_respondent"]
    assert exported_case["reference"] == case.reference
    assert exported_case["complainant"] == REDACTED
    assert exported_case["allegations"] == case.allegations
    assert [r["text"] for r in exported_case["responses"]] == ["I deny it."]
    assert exported_case["decisions"][0]["decided_by"] == "staff"
    assert [s["sanction"] for s in export["sanctions"]] == ["formal_warning"]
    assert [e["text"] for e in export["evidence_sent"]] == ["you are a disgrace"]
    text = json.dumps(export)
    assert "Priya" not in text and "Complainant" not in text
    assert "someone else's words" not in text and "stranger" not in text
    assert officer.username not in text
    # The export is itself on the record, and the chain still holds.
    event = AuditEvent.objects.get(action="member.subject_access_export")
    assert event.actor == officer and event.object_id == str(respondent.pk)
    assert event.data == {"cases": 1, "complaints_made": 0, "evidence_items": 1}
    assert audit_verify().ok


def test_export_names_a_complainant_who_agreed_to_be_named(officer):
    complainant = MemberFactory(first_name="Priya", last_name="Named", with_login=True)
    case = CaseFactory(complaint=ComplaintFactory(complainant=complainant, share_identity_with_respondent=True))
    export = subject_access_export(member=case.respondent, actor=officer)
    assert export["cases_as_respondent"][0]["complainant"] == "Priya Named"


def test_export_of_a_complainant_shows_their_complaints_but_not_whom_or_what_others_sent(officer):
    complainant = MemberFactory(with_login=True)
    respondent = MemberFactory(first_name="Hidden", last_name="Respondent")
    complaint = ComplaintFactory(complainant=complainant, description="They abused me for weeks.")
    CaseFactory(complaint=complaint, respondent=respondent)
    EvidenceFactory(complaint=complaint, text="abuse from a third party", author_handle="abuser")

    export = subject_access_export(member=complainant, actor=officer)

    [made] = export["complaints_made"]
    assert made["description"] == "They abused me for weeks."
    assert made["evidence_items"] == 1
    assert made["cases"][0]["respondent"] == REDACTED
    assert export["cases_as_respondent"] == []
    text = json.dumps(export)
    assert "Hidden" not in text and "abuse from a third party" not in text and "abuser" not in text


def test_export_lists_reads_of_the_members_cases_by_role_only(client, officer):
    case = CaseFactory()
    client.force_login(officer)
    client.get(f"/admin/complaints/case/{case.pk}/change/")
    export = subject_access_export(member=case.respondent, actor=officer)
    reads = [e for e in export["access_log"] if e["action"].startswith("case.read")]
    assert len(reads) == 1 and reads[0]["by"] == "staff"


def test_export_command_writes_json_and_refuses_an_unknown_member(tmp_path):
    case = CaseFactory()
    out = tmp_path / "export.json"
    call_command("subject_access_export", case.respondent.membership_number, "--out", str(out))
    data = json.loads(out.read_text())
    assert data["cases_as_respondent"][0]["reference"] == case.reference
    assert AuditEvent.objects.get(action="member.subject_access_export").actor_name == "system"
    with pytest.raises(CommandError, match="No member with membership number 'NOPE'"):
        call_command("subject_access_export", "NOPE")
    assert AuditEvent.objects.filter(action="member.subject_access_export").count() == 1


# --- Retention -------------------------------------------------------------------------------


def closed_case(*, closed_years_ago: float, **kwargs) -> Case:
    closed_at = timezone.now() - dt.timedelta(days=365 * closed_years_ago)
    complaint = ComplaintFactory(
        complainant_name="Jane Outsider",
        complainant_email="jane@example.org",
        description="A long account of what happened.",
        submitted_at=closed_at - dt.timedelta(days=60),
        status=Complaint.Status.CLOSED,
    )
    case = CaseFactory(
        complaint=complaint,
        closed=True,
        closed_at=closed_at,
        allegations="You posted abuse.",
        **kwargs,
    )
    EvidenceFactory(
        complaint=complaint, case=case, member=case.respondent, text="abusive words", url="https://x.com/a/status/1"
    )
    Campaign.objects.create(
        complaint=complaint,
        signature="s",
        sample_text="the same words",
        senders=5,
        items=5,
        first_at=closed_at,
        last_at=closed_at,
    )
    return case


def test_retention_anonymises_what_is_past_its_period_and_keeps_the_register():
    old = closed_case(closed_years_ago=7)
    decision = DecisionFactory(case=old, reasons="Found proven on the messages.")
    AppealFactory(decision=decision, case=old, grounds="I was hacked.")
    sanction = SanctionFactory(decision=decision, code="formal_warning")
    recent = closed_case(closed_years_ago=1)

    result = retention_apply()

    assert result.complaints == [old.complaint.reference]
    assert result.evidence_items == 1
    complaint = Complaint.objects.get(pk=old.complaint.pk)
    assert complaint.anonymised_at is not None
    assert (complaint.complainant_name, complaint.complainant_email) == ("", "")
    assert complaint.description == ANONYMISED and complaint.summary == ANONYMISED
    item = Evidence.objects.get(complaint=complaint)
    assert (item.text, item.url, item.author_handle, item.sender_key) == ("", "", "", "")
    assert item.occurred_at and item.member_id == old.respondent_id  # counts and attribution stay
    assert Case.objects.get(pk=old.pk).allegations == ANONYMISED
    assert Decision.objects.get(pk=decision.pk).reasons == ANONYMISED
    assert old.appeals.get().grounds == ANONYMISED
    assert Campaign.objects.get(complaint=complaint).sample_text == ANONYMISED
    # The sanction register is untouched.
    kept = Sanction.objects.get(pk=sanction.pk)
    assert (kept.sanction_type.code, kept.status, kept.member_id) == ("formal_warning", "active", old.respondent_id)
    # The recent complaint is left alone.
    assert Complaint.objects.get(pk=recent.complaint.pk).description == "A long account of what happened."
    assert Evidence.objects.get(complaint=recent.complaint).text == "abusive words"
    # One audit event per complaint, and the chain verifies.
    event = AuditEvent.objects.get(action="complaint.anonymise")
    assert event.object_id == str(complaint.pk) and event.data["evidence_items"] == 1
    assert audit_verify().ok


def test_retention_is_idempotent_and_a_dry_run_changes_nothing():
    case = closed_case(closed_years_ago=7)
    dry = retention_apply(dry_run=True)
    assert dry.complaints == [case.complaint.reference]
    assert Complaint.objects.get(pk=case.complaint.pk).anonymised_at is None
    assert not AuditEvent.objects.filter(action="complaint.anonymise").exists()
    assert retention_apply().complaints == [case.complaint.reference]
    assert retention_apply().complaints == []
    assert AuditEvent.objects.filter(action="complaint.anonymise").count() == 1


def test_retention_waits_for_open_cases_running_sanctions_and_rejoin_bars():
    with_open_case = closed_case(closed_years_ago=7)
    CaseFactory(complaint=with_open_case.complaint, investigation=True)
    expelled = closed_case(closed_years_ago=7)
    SanctionFactory(
        decision=DecisionFactory(case=expelled),
        code="expulsion",
        rejoin_barred_until=timezone.localdate() + YEAR,
    )
    pending = closed_case(closed_years_ago=7)
    SanctionFactory(decision=DecisionFactory(case=pending), code="formal_warning", status=Sanction.Status.PENDING)
    suspended = closed_case(closed_years_ago=7)
    SanctionFactory(
        decision=DecisionFactory(case=suspended),
        code="suspension_membership",
        duration_days=365,
        starts_on=timezone.localdate() - dt.timedelta(days=10),
    )
    assert retention_apply().complaints == []


def test_retention_period_is_a_setting(settings):
    settings.CONDUCT = {**settings.CONDUCT, "RETENTION_DAYS": 30}
    case = closed_case(closed_years_ago=0.5)
    assert retention_apply().complaints == [case.complaint.reference]


def test_retention_command_reports_what_it_did():
    case = closed_case(closed_years_ago=7)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert f"due for anonymising: {case.complaint.reference}" in out.getvalue()
    assert "1 complaint(s) due for anonymising, 1 evidence item(s)" in out.getvalue()
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert f"anonymised: {case.complaint.reference}" in out.getvalue()
    assert Complaint.objects.get(pk=case.complaint.pk).anonymised_at is not None


def test_officer_downloads_the_export_from_the_member_page_and_others_cannot(client, officer, auditor):
    case = CaseFactory()
    member = case.respondent
    url = f"/admin/members/member/{member.pk}/subject-access-export/"
    client.force_login(officer)
    page = client.get(f"/admin/members/member/{member.pk}/change/")
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="subject-access-{member.membership_number}.json"'
    assert json.loads(response.content)["cases_as_respondent"][0]["reference"] == case.reference
    assert AuditEvent.objects.get(action="member.subject_access_export").actor == officer

    client.force_login(auditor)
    assert url not in client.get(f"/admin/members/member/{member.pk}/change/").content.decode()
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="member.subject_access_export").count() == 1


def test_export_reads_a_fixed_number_of_queries_however_many_cases(officer):
    def queries_for(cases: int) -> int:
        member = MemberFactory(with_login=True)
        for _ in range(cases):
            case = CaseFactory(respondent=member, awaiting_response=True)
            Response.objects.create(case=case, text="No.", submitted_by=member.user, submitted_at=timezone.now())
            DecisionFactory(case=case)
        with CaptureQueriesContext(connection) as captured:
            subject_access_export(member=member, actor=officer)
        return len(captured)

    assert queries_for(1) == queries_for(4)
