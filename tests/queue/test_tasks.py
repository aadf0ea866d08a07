"""Background work (core.tasks) without a worker: where enqueued work goes, and that every task
leaves the result of one run however often it runs."""

import json
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from audit.models import AuditEvent
from complaints import notifications
from complaints.tasks import (
    subject_access_export_task,
    subject_access_name,
    transparency_report_task,
)
from config.celery import app
from core import tasks
from core.models import TaskDone
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def broker(settings, monkeypatch):
    """A broker is configured: what enqueue sends to Celery is captured instead of sent."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, task_id: sent.append((name, kwargs, task_id)))
    return sent


def test_without_a_broker_a_task_runs_in_process_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue(notifications.mail_send_task, message_id="m1", to=["a@example.org"], subject="s", body="b")
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [m.subject for m in mailoutbox] == ["s"]


def test_with_a_broker_enqueue_sends_the_task_by_name_with_its_key_after_commit(
    broker, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # the same run enqueued twice before one commit is sent once
            tasks.enqueue(notifications.mail_send_task, message_id="m1", to=["a@example.org"], subject="s", body="b")
        assert broker == []
    name = "complaints.notifications.mail_send_task"
    kwargs = {"message_id": "m1", "to": ["a@example.org"], "subject": "s", "body": "b"}
    assert broker == [(name, kwargs, tasks.task_key(name, kwargs))]
    assert mailoutbox == []


def test_the_key_is_the_same_for_the_same_arguments_in_any_order_and_differs_otherwise():
    assert tasks.task_key("t", {"a": 1, "b": [2]}) == tasks.task_key("t", {"b": [2], "a": 1})
    assert tasks.task_key("t", {"a": 1}) != tasks.task_key("t", {"a": 2})


def test_a_task_argument_that_is_not_json_is_refused():
    with pytest.raises(TypeError, match="JSON"):
        tasks.enqueue(notifications.mail_send_task, message_id=object(), to=[], subject="", body="")


def test_with_a_broker_a_notification_is_rendered_on_commit_and_queued_once_per_message(
    broker, django_capture_on_commit_callbacks, mailoutbox
):
    member = MemberFactory(email="m@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_on_commit("reminders", [member.email], user=member, items=["a line"])
        assert broker == []
    [(name, kwargs, key)] = broker
    assert name == "complaints.notifications.mail_send_task"
    assert kwargs["to"] == ["m@example.org"] and "a line" in kwargs["body"] and kwargs["message_id"]
    assert mailoutbox == []


def test_an_email_delivered_twice_is_sent_once(mailoutbox):
    for _ in range(2):
        notifications.mail_send_task(message_id="m1", to=["a@example.org"], subject="s", body="b")
    assert len(mailoutbox) == 1
    assert TaskDone.objects.filter(key="mail:m1").count() == 1


def test_a_failed_send_keeps_no_key_so_the_retry_sends_it(monkeypatch, mailoutbox):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        notifications.mail_send_task(message_id="m1", to=["a@example.org"], subject="s", body="b")
    assert not TaskDone.objects.exists()
    monkeypatch.undo()
    notifications.mail_send_task(message_id="m1", to=["a@example.org"], subject="s", body="b")
    assert len(mailoutbox) == 1


def test_a_subject_access_export_run_twice_writes_one_file_and_one_audit_event_naming_it(media):
    member = MemberFactory(membership_number="M1001")
    for _ in range(2):
        name = subject_access_export_task(membership_number="M1001", request_id="r1")
    assert name == subject_access_name("M1001", "r1") == "exports/subject-access/M1001-r1.json"
    assert json.loads(default_storage.open(name).read())["member"]["membership_number"] == member.membership_number
    assert [p.name for p in (media / "exports" / "subject-access").iterdir()] == ["M1001-r1.json"]
    [event] = AuditEvent.objects.filter(action="member.subject_access_export")
    assert event.data["stored_as"] == name


def test_the_subject_access_command_queues_the_export(media, django_capture_on_commit_callbacks):
    MemberFactory(membership_number="M1002")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("subject_access_export", "M1002", "--queue", stdout=out)
    name = out.getvalue().removeprefix("queued: ").strip()
    assert default_storage.exists(name)


def test_a_transparency_report_run_twice_leaves_one_md_and_one_csv(media):
    for _ in range(2):
        names = transparency_report_task(quarter="2026Q3")
    assert names == ["reports/transparency/transparency-2026Q3.md", "reports/transparency/transparency-2026Q3.csv"]
    assert sorted(p.name for p in (media / "reports" / "transparency").iterdir()) == [
        "transparency-2026Q3.csv",
        "transparency-2026Q3.md",
    ]
    assert default_storage.open(names[0]).read().startswith(b"# Code of conduct: transparency report 2026Q3")


def test_every_task_is_a_celery_task_acknowledged_late_and_retried_with_backoff():
    app.loader.import_default_modules()
    assert tasks.TASKS
    for name in tasks.TASKS:
        celery_task = app.tasks[name]
        assert celery_task.acks_late and celery_task.reject_on_worker_lost, name
        assert celery_task.autoretry_for == (Exception,) and celery_task.retry_backoff, name


def test_every_scheduled_clock_is_a_registered_task(settings):
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "complaints.tasks.reminders_send_task",
        "complaints.tasks.clocks_apply_task",
        "complaints.tasks.retention_apply_task",
        "audit.tasks.audit_verify_task",
        "audit.tasks.audit_checkpoint_task",
    }
    assert scheduled <= set(tasks.TASKS)
    assert settings.CELERY_BEAT_SCHEDULE["send-reminders"]["schedule"].minute == set(range(0, 60, 15))
