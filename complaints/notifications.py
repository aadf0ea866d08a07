"""E-mails to the parties, rendered from templates and sent on commit through Django's e-mail framework."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def _send(template: str, to: list[str], context: dict) -> None:
    to = [address for address in to if address]
    if not to:
        return
    subject = render_to_string(f"complaints/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"complaints/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def send_now(template: str, to: list[str], **context) -> None:
    """Send at once (for commands that write nothing, such as reminders)."""
    _send(template, to, context)


def notify_on_commit(template: str, to: list[str], **context) -> None:
    """Send `template` to `to` once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: _send(template, to, context))


def complainant_address(complaint) -> str:
    if complaint.complainant is not None and complaint.complainant.email:
        return complaint.complainant.email
    return complaint.complainant_email or (complaint.filed_by.email if complaint.filed_by_id else "")


def respondent_address(case) -> str:
    return case.respondent.email
