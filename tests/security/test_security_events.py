"""Failed logins, lockouts and refused staff reads are security events on the audit log, listed for auditors."""

import csv
import io

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from audit.models import AuditEvent
from audit.security import SecurityKind, security_record_refused_read
from audit.services import audit_verify
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","x")'


def token_try(username, address="198.51.100.1", **headers):
    return APIClient().post(
        "/api/auth/token/",
        {"username": username, "password": "wrong-password"},
        format="json",
        REMOTE_ADDR=address,
        **headers,
    )


def security(kind):
    return list(AuditEvent.objects.filter(action=f"security.{kind}").order_by("seq"))


def test_a_failed_token_login_records_the_username_tried_and_the_real_address():
    token_try("ghost", HTTP_X_FORWARDED_FOR="10.9.9.9")  # no trusted proxy: the header is ignored
    [event] = security("login_failed")
    assert event.actor is None
    assert event.data == {"kind": "login_failed", "username": "ghost", "ip": "198.51.100.1", "via": "api",
                          "reason": "password"}  # fmt: skip
    assert audit_verify().ok


def test_a_failed_admin_login_is_recorded_too(client):
    client.post("/admin/login/", {"username": "ghost", "password": "nope"}, REMOTE_ADDR="203.0.113.4")
    [event] = security("login_failed")
    assert (event.data["username"], event.data["ip"], event.data["via"]) == ("ghost", "203.0.113.4", "admin")


def test_a_lockout_is_recorded_once_however_many_tries_follow(client):
    UserFactory(username="someone")
    for i in range(5):
        token_try("someone", f"198.51.100.{i}")
    for i in range(3):
        token_try("someone", f"198.51.100.{i}")
        client.post("/admin/login/", {"username": "someone", "password": "x"}, REMOTE_ADDR="198.51.100.9")
    [lockout] = security("lockout")
    assert lockout.data["username"] == "someone" and lockout.data["via"] == "api"
    assert lockout.data["ip"] == "198.51.100.4" and lockout.data["failures"] == 5 and lockout.data["until"]


def test_a_huge_username_is_cut_to_what_a_username_can_be():
    token_try("x" * 5000)
    [event] = security("login_failed")
    assert event.data["username"] == "x" * 150 and event.data["username_truncated"] is True


def test_a_refused_staff_read_is_recorded_with_who_where_and_what():
    officer = UserFactory(roles=["officer"])
    request = RequestFactory().get("/api/complaints/C-2026-000001/", REMOTE_ADDR="192.0.2.8")
    request.user = officer
    security_record_refused_read(request, None, "complaint:C-2026-000001", 404)
    security_record_refused_read(officer, "192.0.2.9", "case:K-1", 403)
    first, second = security("read_refused")
    assert first.actor == officer and first.actor_name == officer.username
    assert first.data == {"kind": "read_refused", "username": officer.username, "ip": "192.0.2.8", "via": "api",
                          "object": "complaint:C-2026-000001", "status": 404}  # fmt: skip
    assert (second.data["ip"], second.data["object"], second.data["status"]) == ("192.0.2.9", "case:K-1", 403)


def test_auditors_list_security_events_with_filters(auditor_client):
    officer = UserFactory(roles=["officer"])
    token_try("ghost")
    token_try("ghost")
    token_try("someone-else")
    security_record_refused_read(officer, "192.0.2.9", "case:K-1", 403)
    body = auditor_client.get("/api/audit/security/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [r["kind"] for r in body["results"]] == ["login_failed"] * 3 + ["read_refused"]
    first = body["results"][0]
    assert {"seq", "at", "kind", "username", "ip", "via", "hash"} <= set(first)

    def kinds(**params):
        return [
            (r["kind"], r["username"]) for r in auditor_client.get("/api/audit/security/", params).json()["results"]
        ]

    assert kinds(actor="ghost") == [("login_failed", "ghost")] * 2
    assert kinds(kind="read_refused") == [("read_refused", officer.username)]
    assert kinds(actor=officer.username, kind="login_failed") == []
    last = AuditEvent.objects.get(action="security.read_refused").at
    assert len(kinds(before=last.isoformat())) == 4 and kinds(after=last.isoformat()) == [
        ("read_refused", officer.username)
    ]


@pytest.mark.parametrize("params", [{"kind": "nonsense"}, {"after": "yesterday"}, {"after": "0001-01-01T00:00+14:00"}])
def test_bad_security_filters_are_400(auditor_client, params):
    assert auditor_client.get("/api/audit/security/", params).status_code == 400


def test_the_security_csv_escapes_a_username_tried_as_a_formula(auditor_client):
    token_try(FORMULA)
    response = auditor_client.get("/api/audit/security/", {"format": "csv"})
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["username"] == "'" + FORMULA
    assert row["kind"] == "login_failed"


@pytest.mark.parametrize("who", ["officer", "panel", "member"])
def test_only_auditors_read_the_security_list(client_for, who):
    user = MemberFactory(with_login=True).user if who == "member" else UserFactory(roles=[who])
    client = client_for(user)
    assert client.get("/api/audit/security/").status_code == 403


def test_the_kinds_are_one_enum():
    assert [k.value for k in SecurityKind] == ["login_failed", "lockout", "read_refused", "change_refused"]
