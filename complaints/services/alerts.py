"""A newly found threat alerts the officers on duty at once: by e-mail, and signed to a pager webhook.

`threats_alert` runs as background work (`core.tasks`) after the upload or the
reclassification that found the threats has committed. The officers on duty are the
addresses in `DUTY_OFFICER_EMAILS` when set, else every active officer. Each channel
sends a batch of threats once: its key (`alert:<complaint>:<digest of the items>:mail`,
`...:webhook`) is inserted in `ReminderSent` before sending, in a transaction that
commits only once the send succeeded, so a concurrent run of the same batch waits on the
key and finds it sent, and a failed send leaves no key, so running the task again retries
it. Each alert sent is an audit event on the complaint.
"""

import hashlib
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.events import Event, object_event
from complaints import notifications
from complaints.models import Complaint, Evidence
from complaints.selectors import officers_on_duty
from complaints.selectors.threats import police_clock, threat_senders
from complaints.services.clocks import local_time, reminders_claim, time_left
from core.tasks import task
from core.webhooks import sign

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 5
# The waits between attempts: three attempts in all. In-process for now; a task queue's own
# retries take this over behind the same task.
RETRY_DELAYS_SECONDS = (1, 3)
FOUND_BY = {
    "intake": "flagged by the indicator lexicon on upload",
    "officer": "found by an officer's reclassification",
}
SENDERS_LISTED = 20
FIRST_TEXT_CHARS = 1000


class WebhookError(Exception):
    """The webhook was not accepted after every attempt."""


def alert_key(reference: str, evidence_ids) -> str:
    """The batch's key: the complaint and a digest of its sorted item ids (the same batch, the same key)."""
    ids = ",".join(str(pk) for pk in sorted(set(evidence_ids)))
    return f"alert:{reference}:{hashlib.sha256(ids.encode()).hexdigest()[:16]}"


def duty_addresses() -> list[str]:
    """Where an alert is e-mailed: `DUTY_OFFICER_EMAILS` when set, else every active officer's address."""
    configured = [address.strip() for address in settings.CONDUCT["DUTY_OFFICER_EMAILS"] if address.strip()]
    if configured:
        return list(dict.fromkeys(configured))
    return list(dict.fromkeys(user.email for user in officers_on_duty() if user.email))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: urllib would follow it as a GET and drop the signed body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def webhook_post(url: str, secret: str, body: bytes) -> None:
    """POST `body` signed (see `core.webhooks`), retrying network errors, 5xx, 408 and 429 with
    backoff; raise WebhookError when it was not accepted (2xx)."""
    opener = urllib.request.build_opener(_NoRedirects)
    attempts = len(RETRY_DELAYS_SECONDS) + 1
    for attempt in range(attempts):
        # A fresh timestamp each attempt, so a late retry is still inside the receiver's replay window.
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Conduct-Timestamp": timestamp,
                "X-Conduct-Signature": sign(secret, timestamp, body),
            },
        )
        try:
            with opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS):
                return
        except urllib.error.HTTPError as exc:
            error, retry = f"HTTP {exc.code}", exc.code >= 500 or exc.code in (408, 429)
        except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
            error, retry = str(getattr(exc, "reason", exc)), True
        if not retry or attempt == attempts - 1:
            raise WebhookError(f"the threat webhook failed after {attempt + 1} attempt(s): {error}")
        log.warning("threat webhook attempt %s failed (%s); retrying", attempt + 1, error)
        time.sleep(RETRY_DELAYS_SECONDS[attempt])


def _send_once(key: str, send: Callable[[], None]) -> bool:
    """Send unless `key` was sent before; the key is kept only when the send succeeded."""
    try:
        with transaction.atomic():
            if not reminders_claim([key]):
                return False
            send()
        return True
    except Exception:  # logged; the task must not fail the upload that queued it, and the key is not kept
        log.exception("alert %s not sent", key)
        return False


def _sender_line(sender: dict) -> str:
    who = sender["name"] or sender["handle"] or sender["email"] or sender["phone"] or "unknown sender"
    also = [value for value in (sender["handle"], sender["email"], sender["phone"]) if value and value != who]
    if sender["member"]:
        also.append(f"member {sender['member']['membership_number']}")
    items = f"{sender['threats']} item{'s' if sender['threats'] != 1 else ''}"
    return f"{who} ({', '.join(also)}): {items}" if also else f"{who}: {items}"


@task
def threats_alert(*, complaint_id: int, evidence_ids: list[int], found_by: str) -> dict:
    """Alert the officers on duty to new threat items on a complaint: e-mail them and post the
    webhook, each once per batch; audit what was sent. Returns {"mailed": addresses, "webhook": bool}."""
    ids = sorted(set(evidence_ids))
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or not ids:
        return {"mailed": 0, "webhook": False}
    senders = threat_senders(complaint=complaint, evidence_ids=ids)  # threats still: one may be corrected since
    items = sum(sender["threats"] for sender in senders)
    if not items:
        return {"mailed": 0, "webhook": False}
    first_text = (
        Evidence.objects.filter(complaint=complaint, pk__in=ids, threat=True)
        .order_by("occurred_at", "pk")
        .values_list("text", flat=True)
        .first()
    )
    now = timezone.now()
    clock = police_clock(complaint=complaint, now=now)
    key = alert_key(complaint.reference, ids)
    admin_path = reverse("admin:complaints_complaint_threats", args=[complaint.pk])
    addresses = duty_addresses()
    url, secret = settings.CONDUCT["THREAT_WEBHOOK_URL"], settings.CONDUCT["THREAT_WEBHOOK_SECRET"]
    if not addresses and not url:
        log.warning("threats on %s: no officer on duty has an e-mail address, and no webhook is set", complaint)

    def mail():
        context = {
            "complaint": complaint,
            "items": items,
            "found_by": FOUND_BY.get(found_by, found_by),
            "senders": [_sender_line(sender) for sender in senders[:SENDERS_LISTED]],
            "more_senders": max(len(senders) - SENDERS_LISTED, 0),
            "first_text": first_text[:FIRST_TEXT_CHARS] + ("…" if len(first_text) > FIRST_TEXT_CHARS else ""),
            "deadline": local_time(clock.referral_due),
            "left": f"overdue since {local_time(clock.referral_due)}"
            if clock.overdue
            else f"{time_left(clock.referral_due - now)} left",
            "admin_path": admin_path,
        }
        for address in addresses:
            notifications.send_now("threat_alert", [address], **context)

    # The page goes to a pager service, outside the party's systems and shown on lock screens:
    # it carries counts, the deadline and ids only, never a message's text or who sent it (member
    # or not). The officer reads those in the threat register, behind the admin's login.
    body = json.dumps(
        {
            "event": str(Event.COMPLAINT_THREAT_ALERT),
            "alert": key.removeprefix("alert:"),
            "complaint": complaint.reference,
            "found_by": found_by,
            "threats": items,
            "senders": len(senders),
            "pending": clock.pending,
            "police_referral_due": clock.referral_due.isoformat(),
            "overdue": clock.overdue,
            "evidence_ids": ids,
            "admin_path": admin_path,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()

    with transaction.atomic():
        mailed = bool(addresses) and _send_once(f"{key}:mail", mail)
        posted = bool(url) and _send_once(f"{key}:webhook", lambda: webhook_post(url, secret, body))
        if mailed or posted:
            object_event(
                actor=None,
                event=Event.COMPLAINT_THREAT_ALERT,
                obj=complaint,
                data={
                    "complaint": complaint.reference,
                    "items": items,
                    "evidence": ids,
                    "found_by": found_by,
                    "recipients": len(addresses) if mailed else 0,
                    "webhook": posted,
                },
            )
    return {"mailed": len(addresses) if mailed else 0, "webhook": posted}
