"""A newly found threat alerts the officers on duty at once: e-mailed, and posted signed to a pager
webhook (a real local HTTP server here), each once per batch; a failed post is retried, then left
unrecorded so that it can be sent again."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.events import Event
from audit.models import AuditEvent
from complaints.models import Complaint, Evidence, ReminderSent
from complaints.services import alerts
from complaints.services.alerts import alert_key, threats_alert
from complaints.services.clocks import local_time
from complaints.services.evidence import evidence_upload
from complaints.services.evidence.classification import evidence_classify_many
from core.webhooks import sign, verify_signature
from tests.complaints.factories import ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

THREAT = "someone will hang you Ruth, just wait"
SECRET = "a-shared-secret-for-the-pager"


@pytest.fixture
def officers():
    return [UserFactory(roles=["officer"]) for _ in range(2)]


@pytest.fixture
def complaint():
    now = timezone.now()
    return ComplaintFactory(submitted_at=now, acknowledged_at=now, status=Complaint.Status.ACKNOWLEDGED)


def upload(complaint, rows, at=None):
    """Upload rows of (handle, text); return the stored items in order."""
    at = at or timezone.now()
    items = [
        {"channel": "twitter", "author_handle": handle, "text": text, "occurred_at": at.replace(microsecond=0)}
        for handle, text in rows
    ]
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by, now=at)
    return list(Evidence.objects.filter(complaint=complaint, created_at__gte=at).order_by("pk"))


def referral_due(item):
    return item.threat_since + dt.timedelta(hours=settings.CONDUCT["POLICE_REFERRAL_HOURS"])


def alert_events(complaint):
    return list(
        AuditEvent.objects.filter(
            action=Event.COMPLAINT_THREAT_ALERT, object_type="complaints.complaint", object_id=str(complaint.pk)
        ).order_by("seq")
    )


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1: records each request; answers the statuses queued, then 200."""
    requests, statuses = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(SimpleNamespace(path=self.path, headers=self.headers, body=body))
            self.send_response(statuses.pop(0) if statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}/page", requests=requests, statuses=statuses)
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def webhook(settings, receiver, monkeypatch):
    settings.CONDUCT = {**settings.CONDUCT, "THREAT_WEBHOOK_URL": receiver.url, "THREAT_WEBHOOK_SECRET": SECRET}
    monkeypatch.setattr(alerts, "RETRY_DELAYS_SECONDS", (0, 0))  # retry at once; the attempts are what is tested
    return receiver


# --- E-mail --------------------------------------------------------------------------------------------


def test_threats_found_on_upload_are_emailed_to_every_officer_once(
    officers, complaint, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stored = upload(complaint, [("stranger1", f"{THREAT} 1"), ("stranger2", f"{THREAT} 2"), ("fan", "well done")])
    threats = [item for item in stored if item.threat]
    due = referral_due(threats[0])

    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in officers)
    message = mailoutbox[0]
    assert message.subject == f"Threat alert: 2 new threat items on complaint {complaint.reference}"
    assert f"Complaint: {complaint.reference}\n" in message.body
    assert "New threat items: 2 (flagged by the indicator lexicon on upload)" in message.body
    assert f"Police-referral decision due: {local_time(due)} (" in message.body
    assert "- stranger1: 1 item\n- stranger2: 1 item\n" in message.body
    assert f"The first item:\n{THREAT} 1\n" in message.body
    assert f"/admin/complaints/complaint/{complaint.pk}/threats/" in message.body
    assert "well done" not in message.body
    [event] = alert_events(complaint)
    assert event.actor is None
    assert event.data == {
        "complaint": complaint.reference,
        "items": 2,
        "evidence": [t.pk for t in threats],
        "found_by": "intake",
        "recipients": 2,
        "webhook": False,
    }

    assert threats_alert(complaint_id=complaint.pk, evidence_ids=[t.pk for t in threats], found_by="intake") == {
        "mailed": 0,
        "webhook": False,
    }
    assert len(mailoutbox) == 2 and len(alert_events(complaint)) == 1
    assert ReminderSent.objects.filter(key=f"{alert_key(complaint.reference, [t.pk for t in threats])}:mail").exists()


def test_each_batch_alerts_for_its_own_new_threats_only(
    officers, complaint, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(complaint, [("stranger1", f"{THREAT} 1")])
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(complaint, [("stranger2", f"{THREAT} 2"), ("stranger3", f"{THREAT} 3")])
    with django_capture_on_commit_callbacks(execute=True):
        upload(complaint, [("fan", "well done")])  # no threat, no alert

    assert [e.data["evidence"] for e in alert_events(complaint)] == [[first[0].pk], [second[0].pk, second[1].pk]]
    assert len(mailoutbox) == 2 * len(officers)


def test_a_members_threat_alerts_with_the_member_named(
    officers, complaint, mailoutbox, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="member1")

    with django_capture_on_commit_callbacks(execute=True):
        upload(complaint, [("member1", THREAT)])

    assert f"- member1 (member {member.membership_number}): 1 item" in mailoutbox[0].body


def test_duty_officer_addresses_replace_the_officers(
    officers, complaint, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CONDUCT = {
        **settings.CONDUCT,
        "DUTY_OFFICER_EMAILS": ["duty@party.example.org", "pager@party.example.org"],
    }

    with django_capture_on_commit_callbacks(execute=True):
        upload(complaint, [("stranger1", THREAT)])

    assert [m.to for m in mailoutbox] == [["duty@party.example.org"], ["pager@party.example.org"]]
    assert alert_events(complaint)[0].data["recipients"] == 2


def test_an_item_an_officer_finds_to_be_a_threat_alerts_once(
    officers, complaint, mailoutbox, django_capture_on_commit_callbacks
):
    [veiled, plain] = upload(
        complaint,
        [("stranger1", "nice new curtains at number 14. we noticed"), ("stranger2", "hi")],
    )
    assert not veiled.threat

    with django_capture_on_commit_callbacks(execute=True):
        evidence_classify_many(
            evidence_ids=[veiled.pk], actor=officers[0], threat=True, categories=[], reason="A veiled threat."
        )
    with django_capture_on_commit_callbacks(execute=True):  # already a threat: nothing new to alert
        evidence_classify_many(
            evidence_ids=[veiled.pk], actor=officers[0], threat=True, categories=[], reason="Still a threat."
        )

    assert len(mailoutbox) == len(officers)
    assert "New threat items: 1 (found by an officer's reclassification)" in mailoutbox[0].body
    [event] = alert_events(complaint)
    assert (event.data["evidence"], event.data["found_by"]) == ([veiled.pk], "officer")


def test_a_threat_corrected_before_the_alert_runs_is_not_alerted(officers, complaint, mailoutbox):
    [item] = upload(complaint, [("stranger1", THREAT)])  # on_commit not run: the alert waits
    evidence_classify_many(evidence_ids=[item.pk], actor=officers[0], threat=False, categories=[], reason="A joke.")

    assert threats_alert(complaint_id=complaint.pk, evidence_ids=[item.pk], found_by="intake") == {
        "mailed": 0,
        "webhook": False,
    }
    assert mailoutbox == [] and alert_events(complaint) == []


# --- The webhook ---------------------------------------------------------------------------------------


def test_the_webhook_is_signed_verifiable_and_carries_no_text_or_identity(
    officers, complaint, webhook, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="member1")
    with django_capture_on_commit_callbacks(execute=True):
        stored = upload(complaint, [("member1", f"{THREAT} 1"), ("stranger2", f"{THREAT} 2")])

    [request] = webhook.requests
    timestamp, signature = request.headers["X-Conduct-Timestamp"], request.headers["X-Conduct-Signature"]
    assert request.path == "/page" and request.headers["Content-Type"] == "application/json"
    assert signature == sign(SECRET, timestamp, request.body) and signature.startswith("sha256=")
    assert verify_signature(SECRET, timestamp, request.body, signature)
    payload = json.loads(request.body)
    ids = [item.pk for item in stored]
    assert payload == {
        "event": "complaint.threat_alert",
        "alert": alert_key(complaint.reference, ids).removeprefix("alert:"),
        "complaint": complaint.reference,
        "found_by": "intake",
        "threats": 2,
        "senders": 2,
        "pending": 2,
        "police_referral_due": payload["police_referral_due"],
        "overdue": False,
        "evidence_ids": ids,
        "admin_path": f"/admin/complaints/complaint/{complaint.pk}/threats/",
    }
    assert payload["police_referral_due"] == referral_due(stored[0]).isoformat()
    for private in ("hang", "member1", "stranger2", member.name, member.membership_number):
        assert private.lower() not in request.body.decode().lower()
    [event] = alert_events(complaint)
    assert (event.data["webhook"], event.data["recipients"]) == (True, 2)


def test_a_tampered_body_a_wrong_secret_or_a_stale_timestamp_fails_verification():
    body = b'{"complaint":"RU-2026-000001","threats":2}'
    sent_at = 1_800_000_000
    signature = sign(SECRET, sent_at, body)

    assert verify_signature(SECRET, str(sent_at), body, signature, now=sent_at + 300)
    assert not verify_signature(SECRET, str(sent_at), body.replace(b"2}", b"3}"), signature, now=sent_at)
    assert not verify_signature("another-secret", str(sent_at), body, signature, now=sent_at)
    assert not verify_signature(SECRET, str(sent_at + 1), body, signature, now=sent_at)
    assert not verify_signature(SECRET, str(sent_at), body, signature, now=sent_at + 301)
    assert not verify_signature(SECRET, str(sent_at), body, signature, now=sent_at - 301)
    assert not verify_signature(SECRET, "yesterday", body, signature, now=sent_at)
    assert not verify_signature(SECRET, str(sent_at), body, signature, now=sent_at + 61, window_seconds=60)


def test_a_failing_webhook_is_retried_then_not_recorded_and_sent_on_the_next_run(
    officers, complaint, webhook, mailoutbox, django_capture_on_commit_callbacks
):
    webhook.statuses.extend([503, 503, 503])
    with django_capture_on_commit_callbacks(execute=True):
        [item] = upload(complaint, [("stranger1", THREAT)])
    key = alert_key(complaint.reference, [item.pk])

    assert len(webhook.requests) == 3
    assert ReminderSent.objects.filter(key__startswith=key).values_list("key", flat=True).get() == f"{key}:mail"
    [event] = alert_events(complaint)
    assert (event.data["recipients"], event.data["webhook"]) == (2, False)

    assert threats_alert(complaint_id=complaint.pk, evidence_ids=[item.pk], found_by="intake") == {
        "mailed": 0,
        "webhook": True,
    }
    assert len(webhook.requests) == 4 and len(mailoutbox) == len(officers)
    assert ReminderSent.objects.filter(key=f"{key}:webhook").exists()
    assert [(e.data["recipients"], e.data["webhook"]) for e in alert_events(complaint)] == [(2, False), (0, True)]


def test_a_webhook_that_recovers_within_the_retries_is_sent_once(
    officers, complaint, webhook, django_capture_on_commit_callbacks
):
    webhook.statuses.extend([500])
    with django_capture_on_commit_callbacks(execute=True):
        upload(complaint, [("stranger1", THREAT)])

    assert len(webhook.requests) == 2
    assert alert_events(complaint)[0].data["webhook"] is True


def test_a_refused_webhook_is_not_retried(officers, complaint, webhook, django_capture_on_commit_callbacks):
    webhook.statuses.extend([401])
    with django_capture_on_commit_callbacks(execute=True):
        upload(complaint, [("stranger1", THREAT)])

    assert len(webhook.requests) == 1
    assert alert_events(complaint)[0].data["webhook"] is False


def test_an_unreachable_webhook_leaves_the_upload_and_the_email_in_place(
    officers, complaint, settings, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CONDUCT = {
        **settings.CONDUCT,
        "THREAT_WEBHOOK_URL": "http://127.0.0.1:9/",
        "THREAT_WEBHOOK_SECRET": SECRET,
    }
    monkeypatch.setattr(alerts, "RETRY_DELAYS_SECONDS", (0, 0))

    with django_capture_on_commit_callbacks(execute=True):
        [item] = upload(complaint, [("stranger1", THREAT)])

    assert item.threat and len(mailoutbox) == len(officers)
    assert not ReminderSent.objects.filter(key__endswith=":webhook").exists()


# --- Settings and cost ------------------------------------------------------------------------------------


def test_the_system_check_refuses_a_webhook_url_without_a_secret(settings):
    settings.CONDUCT = {**settings.CONDUCT, "THREAT_WEBHOOK_URL": "https://pager.example.org/hook"}
    with pytest.raises(SystemCheckError, match=r"complaints\.E001"):
        call_command("check")

    settings.CONDUCT = {**settings.CONDUCT, "THREAT_WEBHOOK_SECRET": SECRET}
    assert [m.id for m in run_checks() if m.id.startswith("complaints.")] == []

    settings.CONDUCT = {**settings.CONDUCT, "THREAT_WEBHOOK_URL": "file:///etc/passwd"}
    assert [m.id for m in run_checks() if m.id.startswith("complaints.")] == ["complaints.E002"]


def statements(context) -> list[str]:
    """The queries run, without the savepoints that frame them."""
    return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_finding_the_new_threats_of_an_upload_costs_one_query(complaint):
    quiet, loud = ComplaintFactory(), ComplaintFactory()
    with CaptureQueriesContext(connection) as without:
        upload(quiet, [("stranger1", "someone will hug you Ruth, just wait"), ("stranger2", "resign now")])
    with CaptureQueriesContext(connection) as with_threat:
        upload(loud, [("stranger1", THREAT), ("stranger2", "resign now")])

    added = statements(with_threat)
    assert len(added) == len(statements(without)) + 1
    assert sum(1 for sql in added if '"complaints_evidence"."threat_since" = ' in sql) == 1


def test_an_alert_costs_the_same_queries_for_one_sender_or_many(officers, complaint):
    few = upload(complaint, [("stranger1", f"{THREAT} 1")])
    other = ComplaintFactory(acknowledged_at=timezone.now(), status=Complaint.Status.ACKNOWLEDGED)
    many = upload(other, [(f"stranger{n}", f"{THREAT} {n}") for n in range(12)])

    with CaptureQueriesContext(connection) as one:
        threats_alert(complaint_id=complaint.pk, evidence_ids=[i.pk for i in few], found_by="intake")
    with CaptureQueriesContext(connection) as twelve:
        threats_alert(complaint_id=other.pk, evidence_ids=[i.pk for i in many], found_by="intake")

    assert len(one.captured_queries) == len(twelve.captured_queries)
