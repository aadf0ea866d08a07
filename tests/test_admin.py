"""The admin: every page renders, cases walk their workflow through the services, refusals change nothing."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from complaints.models import (
    Campaign,
    Case,
    Complaint,
    ConflictDeclaration,
    Decision,
    InterimSuspension,
    PoliceReferral,
    Response,
    Sanction,
)
from members.models import Member
from tests.complaints.factories import (
    AppealFactory,
    CaseFactory,
    ComplaintFactory,
    DecisionFactory,
    EvidenceFactory,
    SanctionFactory,
)
from tests.complaints.timeline import case_events
from tests.conduct.factories import rule, sanction_type
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- admin_conftest: helpers for driving the admin -------------------------------------


def action_url(case, action):
    return reverse("admin:complaints_case_action", args=[case.pk, action])


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def buttons(client, case):
    """The workflow actions offered as buttons on the case page (empty when the page is not shown)."""
    response = client.get(change_url(case))
    if response.status_code != 200:
        return []
    return response.context.get("workflow_actions") and [b["action"] for b in response.context["workflow_actions"]]


def act(client, case, action, data=None):
    """Open the action's form (as a user would), post it with the version shown, expect success."""
    case.refresh_from_db()
    page = client.get(action_url(case, action))
    assert page.status_code == 200, messages_of(page)
    assert page.context["form"]["version"].value() == case.version
    response = client.post(action_url(case, action), {"version": case.version, **(data or {})})
    errors = response.context["form"].errors if response.status_code == 200 else None
    assert response.status_code == 302, (messages_of(response), errors)
    assert response.url == change_url(case)
    assert any("done" in m for m in messages_of(response))
    case.refresh_from_db()
    return response


def snapshot(case):
    case.refresh_from_db()
    return (case.status, case.version, case.assigned_to_id, len(case_events(case)))


# --- Every page renders ------------------------------------------------------------------


@pytest.fixture
def world(officer):
    """At least one row of every model the admin shows."""
    now = timezone.now()
    case = CaseFactory(decided=True)
    decision = DecisionFactory(case=case)
    SanctionFactory(decision=decision, duration_days=None)
    AppealFactory()
    EvidenceFactory(complaint=case.complaint, case=case, member=case.respondent)
    IdentityFactory(member=case.respondent)
    Campaign.objects.create(
        complaint=case.complaint, signature="sig", sample_text="Go away", senders=3, items=9, first_at=now, last_at=now
    )
    InterimSuspension.objects.create(
        case=case,
        member=case.respondent,
        reason="Threats under investigation.",
        imposed_by=officer,
        imposed_at=now,
        next_review_due=now + dt.timedelta(days=28),
    )
    PoliceReferral.objects.create(
        complaint=case.complaint, case=case, force="Metropolitan Police", recorded_by=officer, recorded_at=now
    )
    Response.objects.create(case=case, text="I deny it.", submitted_by=officer, on_behalf=True, submitted_at=now)
    ConflictDeclaration.objects.create(user=officer, member=MemberFactory(), reason="Family member.")
    with transaction.atomic():
        audit_record(actor=officer, action="test.seed", object_type="test", object_id="1")
    return case


def test_every_registered_model_has_a_changelist_and_change_page_for_a_superuser(admin_client, world):
    checked_change_pages = 0
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(changelist)
        assert response.status_code == 200, f"{opts.label} changelist: {response.status_code}"
        obj = model._default_manager.first()
        if obj is not None:
            response = admin_client.get(change_url(obj))
            assert response.status_code == 200, f"{opts.label} change page: {response.status_code}"
            checked_change_pages += 1
    assert checked_change_pages >= 20


def test_auditor_can_browse_every_model_they_may_view(client, auditor, world):
    client.force_login(auditor)
    for model in admin.site._registry:
        opts = model._meta
        if not auditor.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label


def test_case_changelist_query_count_does_not_grow_with_cases(admin_client):
    url = reverse("admin:complaints_case_changelist")
    CaseFactory.create_batch(5, investigation=True)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as five:
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 5
    CaseFactory.create_batch(15, investigation=True)
    CaseFactory.create_batch(10)
    with CaptureQueriesContext(connection) as thirty:
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 30
    assert len(thirty.captured_queries) == len(five.captured_queries)


def test_case_changelist_is_the_triage_queue(admin_client):
    low = CaseFactory(severity=1, evidence_count=500)
    critical = CaseFactory(severity=4, evidence_count=1)
    high_many = CaseFactory(severity=3, evidence_count=40)
    high_few = CaseFactory(severity=3, evidence_count=2)
    response = admin_client.get(reverse("admin:complaints_case_changelist"))
    assert list(response.context["cl"].result_list) == [critical, high_many, high_few, low]


def test_overdue_filter_and_marker(admin_client):
    old = ComplaintFactory(submitted_at=timezone.now() - dt.timedelta(days=30))
    late = CaseFactory(complaint=old)
    on_time = CaseFactory()
    url = reverse("admin:complaints_case_changelist")
    response = admin_client.get(url, {"overdue": "yes"})
    assert list(response.context["cl"].result_list) == [late]
    assert "overdue</strong>" in response.content.decode()
    response = admin_client.get(url, {"overdue": "no"})
    assert list(response.context["cl"].result_list) == [on_time]
    page = admin_client.get(change_url(late)).content.decode()
    assert "acknowledge by" in page and "(overdue)" in page
    assert "(overdue)" not in admin_client.get(change_url(on_time)).content.decode()


def test_case_search_by_respondent_number_and_name(admin_client):
    case = CaseFactory(respondent__first_name="Ruthanne", respondent__last_name="Smithers")
    CaseFactory()
    url = reverse("admin:complaints_case_changelist")
    for term in (case.respondent.membership_number, "Ruthanne Smithers", case.reference):
        response = admin_client.get(url, {"q": term})
        assert list(response.context["cl"].result_list) == [case], term


# --- The case page ------------------------------------------------------------------------


def test_case_page_shows_the_case_and_records_the_staff_read(client, officer):
    case = CaseFactory(awaiting_response=True)
    case.rules_charged.set([rule("RU9")])
    client.force_login(officer)
    response = client.get(change_url(case))
    assert response.status_code == 200
    content = response.content.decode()
    assert case.respondent.membership_number in content
    assert case.complaint.reference in content
    assert "RU9" in content
    assert "timeline" in content.lower()
    # An officer who is not on the case's team: the access log marks the read as such.
    read = AuditEvent.objects.get(action__startswith="case.read", case_ref=case.reference)
    assert read.actor == officer and read.data == {"via": "admin"}


def test_case_timeline_is_read_from_the_audit_log(client, officer, auditor):
    from complaints.services.cases import case_open_investigation

    case = CaseFactory()
    case_open_investigation(case=case, actor=officer, version=case.version, investigator=officer)
    # An event about the case written outside the workflow shows too: the log is the source.
    with transaction.atomic():
        audit_record(actor=officer, action="case.note", obj=case, case_ref=case.reference, data={"note": "called"})
    client.force_login(auditor)
    client.get(change_url(case))  # a read: logged, but not part of the timeline
    response = client.get(change_url(case))
    assert response.status_code == 200
    rows = response.context["timeline"]
    expected = AuditEvent.objects.filter(case_ref=case.reference).exclude(action__startswith="case.read")
    assert [row["seq"] for row in rows] == [e.seq for e in expected.order_by("seq")]
    assert [row["action"] for row in rows][-2:] == ["open investigation", "note"]
    assert rows[-2]["change"] == "received → investigation"
    assert rows[-1]["details"] == "note: called"
    assert response.context["timeline_reads"] == 1
    content = response.content.decode()
    assert 'data-action="open investigation"' in content
    assert f"?case_ref={case.reference}" in content
    # The link lands on the audit log filtered to the case.
    log = client.get(reverse("admin:audit_auditevent_changelist"), {"case_ref": case.reference})
    assert log.status_code == 200
    assert {e.case_ref for e in log.context["cl"].result_list} == {case.reference}


def test_case_page_offers_only_the_actions_allowed_now(client, officer):
    case = CaseFactory()
    client.force_login(officer)
    assert buttons(client, case) == ["open_investigation", "dismiss", "resolve_informally"]


def test_case_change_form_never_saves_anything(client, officer):
    case = CaseFactory()
    client.force_login(officer)
    response = client.post(change_url(case), {"status": "closed", "version": 99})
    assert response.status_code == 403
    assert snapshot(case) == ("received", 1, None, 0)


def test_cases_decisions_sanctions_and_events_cannot_be_deleted(admin_client):
    sanction = SanctionFactory(duration_days=None)  # the factory needs duration_days given
    for obj in (sanction.case, sanction.decision, sanction):
        url = reverse(f"admin:complaints_{obj._meta.model_name}_delete", args=[obj.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


# --- The full walk ----------------------------------------------------------------------------


def test_officer_and_panel_walk_a_case_from_received_to_closed(client, officer):
    investigator = UserFactory(roles=["officer"])
    panel_a, panel_b, panel_c = UserFactory(roles=["panel"]), UserFactory(roles=["panel"]), UserFactory(roles=["panel"])
    appeal_member = UserFactory(roles=["panel"])
    case = CaseFactory()
    ru9, ru11 = rule("RU9"), rule("RU11")

    client.force_login(officer)
    act(client, case, "open_investigation", {"investigator": investigator.pk})
    assert case.status == Case.Status.INVESTIGATION and case.assigned_to == investigator

    page = client.get(action_url(case, "issue_notice"))
    assert "RU9 No harassment or intimidation" in page.content.decode()
    act(client, case, "issue_notice", {"allegations": "Repeated abusive messages.", "rules": [ru9.pk, ru11.pk]})
    assert case.status == Case.Status.AWAITING_RESPONSE
    assert {r.code for r in case.rules_charged.all()} == {"RU9", "RU11"}
    assert case.response_due > timezone.now() + dt.timedelta(days=13)

    act(client, case, "record_response", {"text": "I was provoked."})
    assert case.status == Case.Status.INVESTIGATION
    assert Response.objects.get(case=case).on_behalf is True

    act(
        client,
        case,
        "refer_to_panel",
        {"report": "The messages are proven.", "panel": [panel_a.pk, panel_b.pk, panel_c.pk]},
    )
    assert case.status == Case.Status.PANEL
    assert set(case.panel.all()) == {panel_a, panel_b, panel_c}
    assert buttons(client, case) == []  # deciding is for the panel

    client.force_login(panel_a)
    assert buttons(client, case) == ["decide"]
    page = client.get(action_url(case, "decide")).content.decode()
    assert "Guidance range" in page and "Reminder of conduct to Conditions" in page
    act(
        client,
        case,
        "decide",
        {
            "outcome": "upheld",
            f"rule_{ru9.pk}": "on",
            "sanction_0_type": sanction_type("suspension_membership").pk,
            "sanction_0_duration_days": 90,
            "reasons": "A sustained campaign of harassment.",
            "departure_reason": "The scale of the campaign.",
        },
    )
    assert case.status == Case.Status.DECIDED
    decision = Decision.objects.get(case=case)
    assert decision.findings == [{"rule": "RU9", "breached": True}, {"rule": "RU11", "breached": False}]
    assert decision.needs_confirmation and decision.confirmed_at is None
    sanction = Sanction.objects.get(case=case)
    assert (sanction.sanction_type.code, sanction.duration_days, sanction.status) == (
        "suspension_membership",
        90,
        Sanction.Status.PENDING,
    )
    assert buttons(client, case) == []  # the decider cannot confirm their own decision

    client.force_login(panel_b)
    assert buttons(client, case) == ["confirm_decision"]
    act(client, case, "confirm_decision")
    sanction.refresh_from_db()
    assert sanction.status == Sanction.Status.ACTIVE
    assert Member.objects.get(pk=case.respondent_id).standing == Member.Standing.SUSPENDED

    client.force_login(officer)
    assert buttons(client, case) == ["lodge_appeal"]
    act(client, case, "lodge_appeal", {"grounds": "The panel ignored the provocation."})
    assert case.status == Case.Status.APPEAL

    act(client, case, "set_appeal_panel", {"panel": [appeal_member.pk]})
    assert list(case.appeal_panel.all()) == [appeal_member]

    client.force_login(appeal_member)
    assert buttons(client, case) == ["decide_appeal"]
    act(client, case, "decide_appeal", {"outcome": "dismissed", "reasons": "The decision stands."})
    assert case.status == Case.Status.CLOSED
    sanction.refresh_from_db()
    assert sanction.status == Sanction.Status.ACTIVE

    steps = [
        "open_investigation",
        "issue_notice",
        "record_response",
        "refer_to_panel",
        "decide",
        "confirm_decision",
        "lodge_appeal",
        "set_appeal_panel",
        "decide_appeal",
    ]
    assert [e.action for e in case_events(case)] == steps
    audited = AuditEvent.objects.filter(case_ref=case.reference, action__in=[f"case.{s}" for s in steps])
    assert audited.count() == len(steps)


def test_officer_resolves_informally_and_dismisses(client, officer):
    resolved, dismissed = CaseFactory(), CaseFactory(investigation=True)
    client.force_login(officer)
    act(client, resolved, "resolve_informally", {"sanction": sanction_type("reminder").pk, "reasons": "First time."})
    assert resolved.status == Case.Status.DECIDED
    assert Sanction.objects.get(case=resolved).sanction_type.code == "reminder"
    act(client, dismissed, "dismiss", {"reason_code": "insufficient_evidence", "reason": "Screenshots only."})
    assert (dismissed.status, dismissed.dismiss_reason_code) == (Case.Status.DISMISSED, "insufficient_evidence")


def test_informal_resolution_offers_nothing_above_a_formal_warning(client, officer):
    case = CaseFactory()
    client.force_login(officer)
    page = client.get(action_url(case, "resolve_informally"))
    offered = {st.code for st in page.context["form"].fields["sanction"].queryset}
    assert offered == {"no_further_action", "reminder", "formal_warning"}


# --- Refused paths --------------------------------------------------------------------------


def test_stale_version_is_refused_and_changes_nothing(client, officer):
    case = CaseFactory(investigation=True)
    client.force_login(officer)
    page = client.get(action_url(case, "issue_notice"))
    shown_version = page.context["form"]["version"].value()
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)  # someone else acted meanwhile
    before = snapshot(case)
    response = client.post(
        action_url(case, "issue_notice"),
        {"version": shown_version, "allegations": "Abuse.", "rules": [rule("RU11").pk]},
    )
    assert response.status_code == 200  # the form again, with the service's message
    assert any("has changed since you read it" in m for m in messages_of(response))
    assert "has changed since you read it" in response.content.decode()
    assert snapshot(case) == before
    assert not case.rules_charged.exists()


def test_service_refusal_is_shown_and_changes_nothing(client, officer):
    case = CaseFactory(awaiting_response=True, status=Case.Status.INVESTIGATION)
    case.rules_charged.set([rule("RU11")])
    two = [UserFactory(roles=["panel"]).pk, UserFactory(roles=["panel"]).pk]
    client.force_login(officer)
    before = snapshot(case)
    response = client.post(action_url(case, "refer_to_panel"), {"version": case.version, "report": "R.", "panel": two})
    assert response.status_code == 200
    assert "A panel has 1 or 3 members." in messages_of(response)
    assert snapshot(case) == before


def test_action_not_allowed_now_is_refused(client, officer):
    case = CaseFactory()
    client.force_login(officer)
    for method in (client.get, client.post):
        response = method(action_url(case, "close"), {"version": case.version})
        assert response.status_code == 302 and response.url == change_url(case)
        assert "Close is not possible while the case is received." in messages_of(response)
    assert snapshot(case) == ("received", 1, None, 0)


def test_unknown_action_is_refused(client, officer):
    case = CaseFactory()
    client.force_login(officer)
    response = client.post(action_url(case, "delete_everything"), {"version": case.version})
    assert response.status_code == 302
    assert "There is no action called 'delete_everything'." in messages_of(response)
    assert snapshot(case) == ("received", 1, None, 0)


def test_auditor_posting_an_action_is_refused_and_nothing_changes(client, auditor, officer):
    case = CaseFactory()
    client.force_login(auditor)
    response = client.post(
        action_url(case, "open_investigation"), {"version": case.version, "investigator": officer.pk}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Only a compliance officer may open investigation on this case."]
    assert snapshot(case) == ("received", 1, None, 0)
    assert not AuditEvent.objects.filter(action="case.open_investigation").exists()


def test_auditor_views_cases_without_buttons_and_cannot_post_the_change_form(client, auditor):
    case = CaseFactory(investigation=True)
    client.force_login(auditor)
    assert client.get(reverse("admin:complaints_case_changelist")).status_code == 200
    response = client.get(change_url(case))
    assert response.status_code == 200
    assert response.context["workflow_actions"] == []
    assert 'class="button workflow-action"' not in response.content.decode()
    assert client.post(change_url(case), {"status": "closed"}).status_code == 403
    assert client.get(reverse("admin:complaints_case_add")).status_code == 403
    assert snapshot(case)[:2] == ("investigation", 1)


def test_panel_member_not_on_the_panel_gets_no_decide_button(client, admin_client):
    case = CaseFactory(panel_stage=True)
    on_panel = [UserFactory(roles=["panel"]) for _ in range(3)]
    case.panel.set(on_panel)
    outsider = UserFactory(roles=["panel"])

    client.force_login(on_panel[0])
    assert buttons(client, case) == ["decide"]

    client.force_login(outsider)
    assert buttons(client, case) == []
    response = client.post(
        action_url(case, "decide"), {"version": case.version, "outcome": "not_upheld", "reasons": "x"}
    )
    assert response.status_code == 302
    assert snapshot(case)[:2] == ("panel", 1) and not Decision.objects.filter(case=case).exists()

    # A superuser holds the panel role but does not sit on this panel either.
    assert buttons(admin_client, case) == []


def test_panel_members_see_only_their_own_cases(client):
    mine, other = CaseFactory(panel_stage=True), CaseFactory(panel_stage=True)
    member = UserFactory(roles=["panel"])
    mine.panel.set([member])
    client.force_login(member)
    response = client.get(reverse("admin:complaints_case_changelist"))
    assert list(response.context["cl"].result_list) == [mine]
    assert client.get(change_url(other)).status_code == 302


# --- Opening cases, complaints and evidence ---------------------------------------------------


def test_officer_opens_a_case_through_the_service(client, officer):
    complaint = ComplaintFactory()
    respondent = MemberFactory()
    client.force_login(officer)
    page = client.get(reverse("admin:complaints_case_add"), {"complaint": complaint.pk})
    assert page.status_code == 200
    response = client.post(
        reverse("admin:complaints_case_add"), {"complaint": complaint.pk, "respondent": respondent.pk}
    )
    case = Case.objects.get(complaint=complaint, respondent=respondent)
    assert response.status_code == 302 and response.url == change_url(case)
    assert AuditEvent.objects.filter(action="case.open", case_ref=case.reference).exists()


def test_opening_a_case_on_the_complainant_is_refused(client, officer):
    complaint = ComplaintFactory()
    client.force_login(officer)
    response = client.post(
        reverse("admin:complaints_case_add"), {"complaint": complaint.pk, "respondent": complaint.complainant.pk}
    )
    assert response.status_code == 200
    assert "The complainant cannot be the respondent." in messages_of(response)
    assert not Case.objects.exists()


def test_acknowledge_action_on_complaints(admin_client):
    first, second = ComplaintFactory(), ComplaintFactory()
    response = admin_client.post(
        reverse("admin:complaints_complaint_changelist"),
        {"action": "acknowledge_selected", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert Complaint.objects.filter(status=Complaint.Status.ACKNOWLEDGED, acknowledged_at__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action="complaint.acknowledge").count() == 2
    # Acknowledging twice is refused by the service, and said so.
    response = admin_client.post(
        reverse("admin:complaints_complaint_changelist"),
        {"action": "acknowledge_selected", "_selected_action": [first.pk]},
    )
    assert f"{first.reference}: The complaint was already acknowledged." in messages_of(response)
    assert AuditEvent.objects.filter(action="complaint.acknowledge").count() == 2


def test_acknowledge_button_on_the_complaint_page(client, officer, auditor):
    complaint = ComplaintFactory()
    CaseFactory(complaint=complaint)
    client.force_login(officer)
    page = client.get(change_url(complaint))
    assert page.status_code == 200 and 'id="acknowledge-button"' in page.content.decode()
    url = reverse("admin:complaints_complaint_acknowledge", args=[complaint.pk])
    assert client.post(url).status_code == 302
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is not None
    assert 'id="acknowledge-button"' not in client.get(change_url(complaint)).content.decode()

    other = ComplaintFactory()
    client.force_login(auditor)
    assert 'id="acknowledge-button"' not in client.get(change_url(other)).content.decode()
    assert client.post(reverse("admin:complaints_complaint_acknowledge", args=[other.pk])).status_code == 403
    other.refresh_from_db()
    assert other.acknowledged_at is None


def test_complaint_changelist_counts_cases(admin_client):
    complaint = ComplaintFactory()
    CaseFactory.create_batch(3, complaint=complaint)
    response = admin_client.get(reverse("admin:complaints_complaint_changelist"))
    assert response.context["cl"].result_list[0]._cases == 3


def test_evidence_is_filtered_by_case_and_complaint_reference_and_never_editable(admin_client):
    case = CaseFactory()
    mine = EvidenceFactory(complaint=case.complaint, case=case)
    EvidenceFactory()
    url = reverse("admin:complaints_evidence_changelist")
    for params in ({"case_ref": case.reference}, {"complaint_ref": case.complaint.reference}, {"channel": "twitter"}):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        if "channel" not in params:
            assert list(response.context["cl"].result_list) == [mine]
    response = admin_client.post(change_url(mine), {"text": "changed"})
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:complaints_evidence_add")).status_code == 403


def test_officer_declares_a_conflict(client, officer):
    colleague = UserFactory(roles=["panel"])
    member = MemberFactory()
    client.force_login(officer)
    response = client.post(
        reverse("admin:complaints_conflictdeclaration_add"),
        {"user": colleague.pk, "member": member.pk, "reason": "Close friend."},
    )
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get(user=colleague, member=member)
    assert AuditEvent.objects.filter(action="conflict.declare", object_id=str(declaration.pk)).exists()


# --- Members, conduct, audit -------------------------------------------------------------------


def test_member_page_shows_standing_and_sanction_history_and_records_the_read(admin_client):
    sanction = SanctionFactory(code="suspension_membership", duration_days=90)
    member = sanction.member
    Member.objects.filter(pk=member.pk).update(standing=Member.Standing.SUSPENDED)
    response = admin_client.get(change_url(member))
    assert response.status_code == 200
    content = response.content.decode()
    assert "sanction history" in content.lower()
    assert "Suspension of membership" in content
    assert "suspended" in content
    assert sanction.case.reference in content
    assert AuditEvent.objects.filter(action="member.read", object_id=str(member.pk), data={"via": "admin"}).exists()


def test_member_standing_is_never_editable(client, officer):
    member = MemberFactory()
    client.force_login(officer)
    response = client.get(change_url(member))
    form = response.context["adminform"].form
    assert not {"standing", "standing_until", "rejoin_barred_until"} & set(form.fields)
    data = {
        "membership_number": member.membership_number,
        "first_name": "Renamed",
        "last_name": member.last_name,
        "email": member.email,
        "phone": member.phone,
        "constituency": member.constituency_id,
        "status": member.status,
        "standing": Member.Standing.EXPELLED,
        "identities-TOTAL_FORMS": 0,
        "identities-INITIAL_FORMS": 0,
        "sanctions-TOTAL_FORMS": 0,
        "sanctions-INITIAL_FORMS": 0,
        "cases-TOTAL_FORMS": 0,
        "cases-INITIAL_FORMS": 0,
    }
    response = client.post(change_url(member), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.first_name == "Renamed" and member.standing == Member.Standing.GOOD
    assert AuditEvent.objects.filter(action="member.change", object_id=str(member.pk)).exists()


def test_member_filters_and_search(admin_client):
    member = MemberFactory(first_name="Ottoline", constituency__region__name="Wales")
    MemberFactory(constituency__region__name="Scotland")
    url = reverse("admin:members_member_changelist")
    response = admin_client.get(url, {"constituency__region__id__exact": member.constituency.region_id})
    assert list(response.context["cl"].result_list) == [member]
    response = admin_client.get(url, {"q": "Ottoline"})
    assert list(response.context["cl"].result_list) == [member]


def test_officer_may_change_rules_but_not_sanction_types(client, officer):
    client.force_login(officer)
    ru1 = rule("RU1")
    assert client.get(change_url(ru1)).context["has_change_permission"] is True
    assert client.get(change_url(sanction_type("expulsion"))).context["has_change_permission"] is False
    assert client.get(reverse("admin:conduct_sanctiontype_add")).status_code == 403


def test_audit_events_are_read_only_even_for_superusers(admin_client, officer):
    with transaction.atomic():
        event = audit_record(actor=officer, action="test.seed", object_type="test", object_id="1")
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    page = admin_client.get(change_url(event))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert admin_client.post(change_url(event), {"action": "forged"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "test.seed"


# --- Measures beside the workflow --------------------------------------------------------------


def measure_buttons(client, case):
    response = client.get(change_url(case))
    return [b["action"] for b in response.context["measure_actions"]]


def test_officer_records_a_police_referral_and_imposes_and_lifts_an_interim_suspension(client, officer):
    case = CaseFactory(investigation=True, police_referral_due=timezone.now() - dt.timedelta(hours=1))
    client.force_login(officer)
    assert measure_buttons(client, case) == ["police_referral", "interim_suspension_impose"]

    act(client, case, "police_referral", {"force": "Metropolitan Police", "crime_reference": "CR/1"})
    referral = PoliceReferral.objects.get(case=case)
    assert (referral.force, referral.crime_reference, referral.recorded_by) == ("Metropolitan Police", "CR/1", officer)

    act(client, case, "interim_suspension_impose", {"reason": "Threats to an MP."})
    assert Member.objects.get(pk=case.respondent_id).standing == Member.Standing.ADMIN_SUSPENDED
    assert measure_buttons(client, case) == ["police_referral", "interim_suspension_review"]

    act(client, case, "interim_suspension_review", {"keep": "lift", "reason": "Police took no action."})
    assert InterimSuspension.objects.get(case=case).lifted_at is not None
    assert Member.objects.get(pk=case.respondent_id).standing == Member.Standing.GOOD
    assert case.status == Case.Status.INVESTIGATION
    actions = [e.action for e in case_events(case)]
    assert actions == ["police_referral", "interim_suspension_impose", "interim_suspension_lift"]


def test_measures_are_refused_to_auditors_and_panel_members(client, auditor):
    case = CaseFactory(panel_stage=True)
    member = UserFactory(roles=["panel"])
    case.panel.set([member])
    for user in (auditor, member):
        client.force_login(user)
        assert measure_buttons(client, case) == []
        response = client.post(action_url(case, "interim_suspension_impose"), {"version": case.version, "reason": "x"})
        assert response.status_code == 302
        assert messages_of(response) == ["Only a compliance officer may impose interim suspension on this case."]
    assert not InterimSuspension.objects.exists()
    assert snapshot(case)[:2] == ("panel", 1)


def test_officers_see_campaigns_and_the_sender_ranking_on_a_complaint(client_for, client):
    from members.models import Identity
    from tests.complaints.factories import ComplaintFactory

    complaint = ComplaintFactory()
    member = MemberFactory()
    Identity.objects.create(member=member, kind="handle", platform="twitter", value="@Sender1")
    api = client_for(complaint.filed_by)
    rows = [
        {
            "channel": "twitter",
            "author_handle": f"sender{n % 2}",
            "text": f"resign now {n}",
            "occurred_at": "2016-06-30T12:00:00Z",
        }
        for n in range(4)
    ]
    assert api.post(f"/api/complaints/{complaint.reference}/evidence/", rows, format="json").status_code == 201
    officer = UserFactory(roles=["officer"])
    client.force_login(officer)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert "Senders by threats, then volume" in page and member.membership_number in page
    panel = UserFactory(roles=["auditor"])
    client.force_login(panel)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert "Senders by threats, then volume" not in page


def test_officers_edit_the_indicator_lexicon(client):
    from conduct.models import IndicatorPhrase

    client.force_login(UserFactory(roles=["officer"]))
    response = client.get(reverse("admin:conduct_indicatorphrase_changelist"))
    assert response.status_code == 200 and "gallows" in response.content.decode()
    entry = IndicatorPhrase.objects.get(text="gallows")
    response = client.post(
        reverse("admin:conduct_indicatorphrase_change", args=[entry.pk]),
        {"category": entry.category_id, "kind": "phrase", "text": "gallows pole", "severity": "", "active": "on"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == "gallows pole"
