"""The officer's workbench: each role's landing page, the case list's filters, the bulk actions and the
evidence browser, driven through the admin as people use it."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.demo.walker import Stage
from complaints.models import InterimSuspension
from complaints.services.evidence import evidence_upload
from tests.complaints.factories import CaseFactory, ComplaintFactory
from tests.complaints.test_threats_and_police import THREAT, row
from tests.members.factories import IdentityFactory, MemberFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
CASES = reverse("admin:complaints_case_changelist")


def messages_of(response):
    return [m.message for m in get_messages(response.wsgi_request)]


def listed(response) -> list:
    return [case.reference for case in response.context["cl"].result_list]


def threat_wave(n: int = 2):
    """A complaint whose threats (from a member and a non-member) start a police clock now."""
    complaint = ComplaintFactory()
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value=f"member{complaint.pk}")
    items = [row(i, f"troll{i % 2}", THREAT, i) for i in range(n)]
    items.append(row(n, f"member{complaint.pk}", THREAT, n))
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by)
    return complaint


def officer_world(officer, case_at, now):
    """A running police clock, an unacknowledged complaint past its deadline, one of the officer's
    cases, unassigned cases and an interim suspension whose review falls due in three days."""
    wave = threat_wave()
    late = CaseFactory(complaint=ComplaintFactory(submitted_at=now - dt.timedelta(days=30)), severity=4)
    mine = case_at(Stage.INVESTIGATION, investigator=officer)
    InterimSuspension.objects.create(
        case=mine,
        member=mine.respondent,
        reason="Threats under investigation.",
        imposed_by=officer,
        imposed_at=now - dt.timedelta(days=25),
        next_review_due=now + dt.timedelta(days=3),
    )
    return wave, late, mine


# --- The landing page ------------------------------------------------------------------------------


def test_the_officer_sees_clocks_deadlines_their_cases_the_queue_and_reviews(client, officer, case_at, t0):
    wave, late, mine = officer_world(officer, case_at, t0)
    client.force_login(officer)
    page = client.get(INDEX)
    assert page.status_code == 200
    officer_panel = page.context["officer"]
    [clock] = officer_panel["clocks"]
    assert clock["reference"] == wave.reference and clock["pending"] == 3 and not clock["overdue"]
    assert clock["url"] == reverse("admin:complaints_complaint_threats", args=[wave.pk])
    assert clock["left"].startswith("23 h") or clock["left"] == "24 h"
    rows = {r["kind"]: [c["count"] for c in r["cells"]] for r in officer_panel["deadline_rows"]}
    assert rows["Acknowledgement"][0] >= 1  # overdue
    assert rows["Interim suspension review"] == [0, 0, 1]
    assert rows["Police-referral decision"][0] == 0 and sum(rows["Police-referral decision"]) == 1
    assert [(r["label"], r["count"]) for r in officer_panel["mine"]] == [("investigation", 1)]
    # The late complaint's case, and the member who sent a threat.
    assert [(r["label"], r["count"]) for r in officer_panel["unassigned"]] == [("critical", 2)]
    [review] = officer_panel["reviews"]
    assert review["reference"] == mine.reference and not review["overdue"]
    text = page.content.decode()
    # Local, readable times; words, not codes.
    assert timezone.localtime(clock_due(wave)).strftime("%-d %b %Y, %H:%M") in text
    assert "What needs doing" in text and "Recent actions" not in text
    assert "<td>Interim suspension review</td>" in text and ">interim_review<" not in text


def clock_due(complaint):
    from complaints.selectors.threats import police_clock

    return police_clock(complaint=complaint).referral_due


def test_the_officers_counts_lead_to_the_lists_they_count(client, officer, case_at, t0):
    wave, late, mine = officer_world(officer, case_at, t0)
    client.force_login(officer)
    officer_panel = client.get(INDEX).context["officer"]
    ack = next(r for r in officer_panel["deadline_rows"] if r["kind"] == "Acknowledgement")
    assert listed(client.get(ack["cells"][0]["url"])) == [late.reference]
    review = next(r for r in officer_panel["deadline_rows"] if r["kind"] == "Interim suspension review")
    assert listed(client.get(review["cells"][2]["url"])) == [mine.reference]
    assert listed(client.get(officer_panel["mine"][0]["url"])) == [mine.reference]
    critical = next(r for r in officer_panel["unassigned"] if r["label"] == "critical")
    assert set(listed(client.get(critical["url"]))) == {late.reference, wave.cases.get().reference}
    overdue = officer_panel["overdue_cases"]
    assert late.reference in listed(client.get(overdue["url"]))


def test_the_officers_page_costs_the_same_queries_with_more_rows(client, officer, case_at, t0):
    officer_world(officer, case_at, t0)
    client.force_login(officer)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    officer_world(officer, case_at, t0)
    threat_wave(6)
    CaseFactory.create_batch(5, severity=2)
    with CaptureQueriesContext(connection) as many:
        page = client.get(INDEX)
    assert len(page.context["officer"]["clocks"]) == 3
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 25


def test_the_panel_member_sees_what_awaits_their_decision_and_confirmation(client, case_at, panel, walker):
    deciding = case_at(Stage.PANEL, panel=panel[:1])
    # An expulsion needs a second panel member's confirmation: panel[1] confirms what panel[0] decided.
    pending = case_at(Stage.DECIDED, panel=panel, sanctions=[walker.sanction("expulsion")], confirm=False,
                      rules=["RU1"])  # fmt: skip
    client.force_login(panel[1])
    page = client.get(INDEX)
    context = page.context["panel"]
    assert [c["reference"] for c in context["awaiting_decision"]] == []
    assert [c["reference"] for c in context["awaiting_confirmation"]] == [pending.reference]
    assert listed(client.get(context["awaiting_confirmation_url"])) == [pending.reference]
    assert "officer" not in page.context and "auditor" not in page.context
    client.force_login(panel[0])
    context = client.get(INDEX).context["panel"]
    assert [c["reference"] for c in context["awaiting_decision"]] == [deciding.reference]
    assert context["awaiting_confirmation"] == []  # panel[0] made the decision: a second member confirms
    assert listed(client.get(context["awaiting_decision_url"])) == [deciding.reference]


def test_the_panel_members_page_costs_the_same_queries_with_more_cases(client, case_at, panel):
    case_at(Stage.PANEL, panel=panel[:1])
    client.force_login(panel[0])
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for _ in range(3):
        case_at(Stage.PANEL, panel=panel[:1])
    with CaptureQueriesContext(connection) as many:
        page = client.get(INDEX)
    assert len(page.context["panel"]["awaiting_decision"]) == 4
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_auditor_gets_the_register_the_logs_and_the_chains_verification(client, auditor):
    client.force_login(auditor)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(INDEX)
    links = {link["label"]: link["url"] for link in page.context["auditor"]}
    assert links["The sanction register"] == reverse("admin:complaints_sanction_changelist")
    assert links["Reads outside the team"] == reverse("audit-access")
    assert links["The security log"] == reverse("audit-security")
    assert links["Verify the audit chain"] == reverse("audit-verify")
    assert "officer" not in page.context and "panel" not in page.context
    for url in links.values():
        assert client.get(url).status_code == 200, url
    assert len(queries.captured_queries) <= 12


# --- The case list -------------------------------------------------------------------------------


def end_of_today():
    return timezone.localtime().replace(hour=23, minute=59, second=58, microsecond=0)


def test_due_today_lists_the_cases_whose_deadline_falls_today(client, officer):
    today = CaseFactory(awaiting_response=True, response_due=end_of_today())
    CaseFactory(awaiting_response=True, response_due=end_of_today() + dt.timedelta(days=3))
    client.force_login(officer)
    assert listed(client.get(CASES, {"due": "today"})) == [today.reference]
    assert listed(client.get(CASES, {"due": "today:response"})) == [today.reference]
    assert listed(client.get(CASES, {"due": "today:decision"})) == []


def test_my_cases_and_awaiting_my_decision(client, officer, case_at, panel):
    mine = case_at(Stage.INVESTIGATION, investigator=officer)
    case_at(Stage.INVESTIGATION)
    deciding = case_at(Stage.PANEL, panel=panel[:1])
    client.force_login(officer)
    assert listed(client.get(CASES, {"assigned": "me"})) == [mine.reference]
    client.force_login(panel[0])
    assert listed(client.get(CASES, {"awaiting": "decision"})) == [deciding.reference]
    client.force_login(panel[1])
    assert listed(client.get(CASES, {"awaiting": "decision"})) == []


def test_the_deadline_column_gives_the_nearest_pending_deadline_in_words_and_local_time(client, officer):
    due = end_of_today() + dt.timedelta(days=3)
    CaseFactory(awaiting_response=True, response_due=due)
    client.force_login(officer)
    text = client.get(CASES).content.decode()
    assert f"Respondent&#x27;s response<br>by {due.strftime('%-d %b %Y, %H:%M')}" in text


# --- Bulk actions --------------------------------------------------------------------------------


def bulk(client, cases, **data):
    return client.post(
        CASES, {"action": "open_investigations", "_selected_action": [c.pk for c in cases], **data}, follow=True
    )


def test_bulk_open_investigations_does_each_case_and_reports_the_refused_one_in_words(
    client, officer, investigator, case_at
):
    received = [CaseFactory(), CaseFactory()]
    already = case_at(Stage.INVESTIGATION)
    client.force_login(officer)
    form = client.post(CASES, {"action": "open_investigations", "_selected_action": [c.pk for c in received]})
    assert form.status_code == 200 and "investigator" in form.context["form"].fields
    labels = [label for _, label in form.context["form"].fields["investigator"].choices]
    assert any("1 open case" in label for label in labels)  # the officer already investigating one
    page = bulk(client, [*received, already], investigator=investigator.pk, apply="1")
    for case in received:
        case.refresh_from_db()
        assert (case.status, case.assigned_to) == ("investigation", investigator)
    before = already.version
    already.refresh_from_db()
    assert already.version == before
    shown = messages_of(page)
    assert shown[0].startswith("Investigation opened on 2 cases, assigned to")
    assert (
        shown[1]
        == f"Not opened: {already.reference}: Open investigation is not possible while the case is investigation."
    )


def test_bulk_open_investigations_refuses_a_conflicted_investigator_on_that_case_only(client, officer, investigator):
    from complaints.models import ConflictDeclaration

    free, tied = CaseFactory(), CaseFactory()
    ConflictDeclaration.objects.create(user=investigator, member=tied.respondent, reason="My brother.")
    client.force_login(officer)
    page = bulk(client, [free, tied], investigator=investigator.pk, apply="1")
    free.refresh_from_db()
    tied.refresh_from_db()
    assert free.assigned_to == investigator and tied.status == "received" and tied.assigned_to is None
    assert any(
        m.startswith(f"Not opened: {tied.reference}: ") and "conflict of interest" in m for m in messages_of(page)
    )


def test_auditors_and_panel_members_are_not_offered_the_bulk_action(client, auditor, panel):
    for user in (auditor, panel[0]):
        client.force_login(user)
        page = client.get(CASES)
        assert "open_investigations" not in page.context["cl"].model_admin.get_actions(page.wsgi_request)


# --- The case page -------------------------------------------------------------------------------


def test_the_case_page_hides_empty_sections_and_the_audit_link_from_those_who_may_not_follow_it(
    client, officer, auditor
):
    case = CaseFactory()
    client.force_login(officer)
    page = client.get(reverse("admin:complaints_case_change", args=[case.pk]))
    assert page.context["inline_admin_formsets"] == []
    assert "all audit events of this case" not in page.content.decode()
    client.force_login(auditor)
    page = client.get(reverse("admin:complaints_case_change", args=[case.pk]))
    assert "all audit events of this case" in page.content.decode()
