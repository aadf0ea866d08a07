"""complaints' background work (core.tasks): every task of the app, imported here so that a
Celery worker finds them all (`autodiscover_tasks` reads each app's `tasks` module).

Each task is safe to run twice: the clocks and retention change only what is still due,
reminders and alerts send each key once (`ReminderSent`), e-mails once per message
(`core.tasks.once`), and the files go to storage under names fixed by their arguments.
"""

import json
import logging

from django.contrib.auth import get_user_model

from complaints.notifications import mail_send_task
from complaints.services.alerts import threats_alert
from complaints.services.clocks import clocks_apply, reminders_deliver
from complaints.services.evidence.jobs import upload_job_run_task
from complaints.services.evidence.rescan import evidence_rescan_task
from complaints.services.privacy import retention_apply, subject_access_export
from complaints.services.transparency import storage_replace, transparency_report_store
from core.tasks import run_once, task
from members.models import Member

log = logging.getLogger(__name__)

__all__ = [
    "clocks_apply_task",
    "evidence_rescan_task",
    "mail_send_task",
    "reminders_send_task",
    "retention_apply_task",
    "subject_access_export_task",
    "threats_alert",
    "transparency_report_task",
    "upload_job_run_task",
]

SUBJECT_ACCESS_FOLDER = "exports/subject-access"


@task
def reminders_send_task() -> dict:
    """The reminders due now (beat, every 15 minutes): each reminder is sent once, however often this runs."""
    run = reminders_deliver()
    log.info("reminders: sent %s in %s e-mail(s), skipped %s", run.sent, run.emails, run.skipped)
    return {"sent": run.sent, "emails": run.emails, "skipped": run.skipped, "failed": run.failed}


@task
def clocks_apply_task() -> dict:
    """The daily clocks (beat, nightly): lapsed appeal windows close, ended sanctions are spent."""
    result = clocks_apply()
    log.info("clocks: closed %s case(s), marked %s sanction(s) spent", result["closed"], result["spent"])
    return result


@task
def retention_apply_task() -> dict:
    """Retention (beat, nightly): anonymise the complaints past `CONDUCT_RETENTION_DAYS`."""
    result = retention_apply()
    log.info("retention: anonymised %s complaint(s)", len(result.complaints))
    return {"complaints": result.complaints, "evidence_items": result.evidence_items}


@task
def transparency_report_task(*, quarter: str) -> list[str]:
    """Write the quarter's transparency report to storage, replacing an earlier one."""
    names = transparency_report_store(quarter=quarter)
    log.info("transparency report %s written to %s", quarter, ", ".join(names))
    return names


def subject_access_name(membership_number: str, request_id: str) -> str:
    return f"{SUBJECT_ACCESS_FOLDER}/{membership_number}-{request_id}.json"


@task
def subject_access_export_task(*, membership_number: str, request_id: str, actor_id: int | None = None) -> str:
    """Write one member's subject access export to storage, once per request: the file and the
    audit event that records where it is are written together under the request's key, so a
    rerun after a crash writes them again, and a rerun after success does nothing."""
    name = subject_access_name(membership_number, request_id)

    def work():
        member = Member.objects.select_related("constituency__region").get(membership_number=membership_number)
        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
        export = subject_access_export(member=member, actor=actor, stored_as=name)
        storage_replace(name, (json.dumps(export, indent=2, ensure_ascii=False) + "\n").encode())

    run_once(f"subject-access:{membership_number}:{request_id}", work)
    return name
