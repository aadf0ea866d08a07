"""E-mails to the parties, rendered from templates and sent on commit through Django's e-mail framework.

Without a task queue an e-mail is sent in this process once the transaction commits. With
one (`core.tasks.broker_configured`), it is rendered on commit and handed to a worker as
`mail_send_task`, under a message id drawn once: a worker retries a failed send with
backoff, and a message delivered twice (a worker killed mid-task) is sent once, because
the id is recorded (`core.tasks.once`) in the transaction that sends it.
"""

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from core.tasks import broker_configured, enqueue, run_once, task


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"complaints/email/{template}_subject.txt", context).strip()
    return subject, render_to_string(f"complaints/email/{template}.txt", context)


def _send(template: str, to: list[str], context: dict) -> None:
    to = [address for address in to if address]
    if not to:
        return
    subject, body = _render(template, context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def _queue(template: str, to: list[str], context: dict) -> None:
    to = [address for address in to if address]
    if not to:
        return
    subject, body = _render(template, context)
    enqueue(mail_send_task, message_id=uuid.uuid4().hex, to=to, subject=subject, body=body)


@task
def mail_send_task(*, message_id: str, to: list[str], subject: str, body: str) -> bool:
    """Send one rendered e-mail once per `message_id`; a failed send keeps no record, so it is retried."""
    return run_once(f"mail:{message_id}", lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(to)))


def send_now(template: str, to: list[str], **context) -> None:
    """Send at once (for work that records its own once-only key, such as reminders and alerts)."""
    _send(template, to, context)


def notify_on_commit(template: str, to: list[str], **context) -> None:
    """Send `template` to `to` once the current transaction commits (never for a rolled-back change)."""
    if broker_configured():
        transaction.on_commit(lambda: _queue(template, to, context))
    else:
        transaction.on_commit(lambda: _send(template, to, context))


def complainant_address(complaint) -> str:
    if complaint.complainant is not None and complaint.complainant.email:
        return complaint.complainant.email
    return complaint.complainant_email or (complaint.filed_by.email if complaint.filed_by_id else "")


def respondent_address(case) -> str:
    return case.respondent.email
