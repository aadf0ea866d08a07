"""The auditors' view of the log: events with filters and CSV, verification, reads outside the team, stats."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection

from audit.models import AuditEvent
from complaints.services.cases import case_open_investigation
from tests.audit.tamper import tamper
from tests.complaints.factories import CaseFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_events_filter_by_case_actor_and_action_and_export_csv(auditor_client):
    case, officer, investigator = CaseFactory(), UserFactory(roles=["officer"]), UserFactory(roles=["officer"])
    case_open_investigation(case=case, actor=officer, version=1, investigator=investigator)
    body = auditor_client.get("/api/audit/events/", {"case": case.reference, "actor": officer.username}).json()
    assert [e["action"] for e in body["results"]] == ["case.open_investigation"]
    assert set(body["results"][0]) >= {"seq", "at", "actor", "action", "object", "data", "hash"}
    csv = auditor_client.get("/api/audit/events/", {"action": "case.open_investigation", "format": "csv"})
    text = b"".join(csv.streaming_content).decode()
    assert text.splitlines()[0].startswith("seq,") and case.reference in text


@pytest.mark.parametrize(
    "params",
    [{"after": "yesterday"}, {"actor": "nobody"}, {"after": "2026-02-01T00:00:00Z", "before": "2026-01-01T00:00:00Z"}],
)
def test_bad_event_filters_are_400(auditor_client, params):
    assert auditor_client.get("/api/audit/events/", params).status_code == 400


def test_verify_reports_ok_then_names_the_tampered_event(auditor_client):
    case, officer = CaseFactory(), UserFactory(roles=["officer"])
    case_open_investigation(case=case, actor=officer, version=1, investigator=UserFactory(roles=["officer"]))
    ok = auditor_client.get("/api/audit/verify/").json()
    assert ok["ok"] and ok["events"] == AuditEvent.objects.count()
    seq = AuditEvent.objects.order_by("seq").first().seq
    tamper("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["case.tampered", seq])
    broken = auditor_client.get("/api/audit/verify/").json()
    assert broken["ok"] is False and broken["broken_seq"] == seq


def test_the_database_refuses_to_change_or_delete_audit_rows():
    from django.db import DatabaseError, transaction

    case = CaseFactory()
    case_open_investigation(
        case=case, actor=UserFactory(roles=["officer"]), version=1, investigator=UserFactory(roles=["officer"])
    )
    statements = ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"]
    if connection.vendor == "postgresql":
        statements.append("TRUNCATE audit_auditevent")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_no_truncate")
    count = AuditEvent.objects.count()
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.count() == count and not AuditEvent.objects.filter(action="x").exists()


def test_access_lists_reads_by_staff_off_the_team(client_for, auditor_client):
    case = CaseFactory(investigation=True)
    outsider = UserFactory(roles=["officer"])
    client_for(case.assigned_to).get(f"/api/cases/{case.reference}/")
    client_for(outsider).get(f"/api/cases/{case.reference}/")
    rows = auditor_client.get("/api/audit/access/").json()["results"]
    assert [(r["actor"], r["case"]) for r in rows] == [(outsider.username, case.reference)]


def test_stats_suppress_small_counts_and_validate_the_range(auditor_client):
    CaseFactory()
    body = auditor_client.get("/api/audit/stats/", {"from": "2026-01-01", "to": str(dt.date.today())}).json()
    assert body["timeliness"]["acknowledgement_to_decision"]["count"] == 0
    assert {"band": "0-30 days", "count": "<5"} in body["open_cases_by_age"]
    assert auditor_client.get("/api/audit/stats/", {"from": "2026-02-01", "to": "2026-01-01"}).status_code == 400
    assert auditor_client.get("/api/audit/stats/", {"from": "2026-02-30"}).status_code == 400


def test_members_and_panel_cannot_read_the_log(client_for):
    for user in (UserFactory(roles=["panel"]), UserFactory()):
        assert client_for(user).get("/api/audit/events/").status_code == 403


def test_a_csv_export_is_recorded_as_a_read(auditor_client):
    before = AuditEvent.objects.count()
    response = auditor_client.get("/api/audit/sanctions/", {"format": "csv", "code": "expulsion"})
    b"".join(response.streaming_content)
    event = AuditEvent.objects.order_by("seq").last()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.data["filters"], event.data["rows"]) == ("export.csv", {"code": "expulsion"}, 0)


# --- Pages -------------------------------------------------------------------------------------


@pytest.fixture
def sixty_reads():
    """Sixty reads of one case by one officer off its team, as the case API records them."""
    from django.db import transaction

    from audit.services import audit_record

    officer = UserFactory(roles=["officer"])
    with transaction.atomic():
        for i in range(60):
            audit_record(
                actor=officer,
                action="case.read_outside_team",
                object_type="complaints.case",
                object_id=7,
                case_ref="RU-0000007-001",
                data={"via": "api", "n": i},
            )
    return officer


def queries_for(client, path, params) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == int(params["page_size"])
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path, filters",
    [
        ("/api/audit/events/", {}),
        ("/api/audit/events/", {"case": "RU-0000007-001", "action": "case.read_outside_team", "actor": "officer"}),
        ("/api/audit/events/", {"after": "2000-01-01T00:00:00Z", "before": "2100-01-01T00:00:00Z"}),
        ("/api/audit/access/", {}),
    ],
    ids=["events", "events-filtered", "events-by-time", "access"],
)
def test_a_log_page_costs_the_same_whatever_its_size_or_number(auditor_client, sixty_reads, path, filters):
    """5 rows or 50, page 1 or page 7: the same queries (none per row, none per page number)."""
    filters = {k: sixty_reads.username if v == "officer" else v for k, v in filters.items()}
    auditor_client.get(path, {**filters, "page_size": 1})

    first_small = queries_for(auditor_client, path, {**filters, "page_size": 5})
    assert queries_for(auditor_client, path, {**filters, "page_size": 50}) == first_small
    assert queries_for(auditor_client, path, {**filters, "page_size": 5, "page": 7}) == first_small


def test_event_pages_follow_the_log_to_its_last_event(auditor_client, sixty_reads):
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    paged, number = [], 1
    while True:
        body = auditor_client.get("/api/audit/events/", {"page_size": 7, "page": number}).json()
        assert body["count"] == len(seqs)
        paged += [e["seq"] for e in body["results"]]
        if body["next"] is None:
            break
        number += 1
    assert paged == seqs


def test_access_pages_run_newest_first(auditor_client, sixty_reads):
    reads = list(
        AuditEvent.objects.filter(action="case.read_outside_team").order_by("-seq").values_list("seq", flat=True)
    )
    second = auditor_client.get("/api/audit/access/", {"page_size": 25, "page": 2}).json()
    assert second["count"] == 60
    assert [r["seq"] for r in second["results"]] == reads[25:50]
    assert [r["via"] for r in second["results"]] == ["api"] * 25


def test_verify_and_stats_answer_in_csv_too(client_for, auditor):
    from tests.complaints.factories import CaseFactory

    CaseFactory()
    client = client_for(auditor)
    verify = client.get("/api/audit/verify/?format=csv")
    assert verify.status_code == 200 and verify["Content-Type"].startswith("text/csv")
    lines = verify.content.decode().splitlines()
    assert lines[0] == "ok,events,head,broken_seq,reason,checkpoints,checkpoints_ok,broken_checkpoint,checkpoint_reason"
    assert len(lines) == 2 and lines[1].startswith("True,")
    stats = client.get("/api/audit/stats/?format=csv&from=2026-01-01&to=2026-12-31")
    assert stats.status_code == 200
    rows = list(csv.DictReader(io.StringIO(stats.content.decode())))
    assert {"from", "to", "section", "item", "measure", "value"} == set(rows[0])
    open_band = [r for r in rows if r["section"] == "open_cases_by_age" and r["item"] == "0-30 days"]
    assert open_band == [
        {
            "from": "2026-01-01",
            "to": "2026-12-31",
            "section": "open_cases_by_age",
            "item": "0-30 days",
            "measure": "count",
            "value": "<5",
        }
    ]
    assert {r["section"] for r in rows} >= {"timeliness", "open_cases_by_age", "threat_detection"}
