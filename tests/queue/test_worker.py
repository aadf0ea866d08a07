"""Real Celery processes against Redis and PostgreSQL: a worker killed mid-task by its pid, and the
single-scheduler lock. Marked `redis`: skipped without Redis at REDIS_URL and a PostgreSQL test
database, and failed instead when CONDUCT_REQUIRE_REDIS_TESTS is set (as CI's step for them does).

REDIS_URL must name a database of its own (CI uses redis://127.0.0.1:6379/15): it is flushed.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from complaints.notifications import mail_send_task
from core.models import TaskDone
from core.tasks import broker_configured, enqueue

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _unavailable(reason: str):
    # Selected with `-m redis`, these tests need Redis and PostgreSQL: never a silent skip.
    pytest.fail(f"{reason}: the tests marked redis need Redis at REDIS_URL and PostgreSQL")


@pytest.fixture
def redis_client():
    if not settings.REDIS_URL:
        _unavailable("REDIS_URL is not set")
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        _unavailable(f"Redis is not reachable at {settings.REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def postgres_url():
    if connection.vendor != "postgresql":
        _unavailable("the worker tests need a PostgreSQL test database (DATABASE_URL)")
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Processes:
    """Celery processes started by a test, each stopped by its pid at the end."""

    def __init__(self, folder: Path, env: dict):
        self.folder, self.env, self.running = folder, env, []

    def start(self, name: str, *args: str, **env) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [CELERY, "-A", "config", *args],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path, process.log = self.folder / f"{name}.log", log
        self.running.append(process)
        return process

    def output(self, process) -> str:
        return process.log_path.read_text(errors="replace")

    def stop_all(self):
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()
            process.log.close()


@pytest.fixture
def processes(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    started = Processes(tmp_path, env)
    yield started
    started.stop_all()


def wait_for(condition, timeout: float, what: str, on_timeout=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{on_timeout()}")


def worker_args(name: str) -> list[str]:
    # One task at a time in the worker's own process (solo pool), so its pid is the one running the task.
    return ["worker", "--pool=solo", "-n", f"{name}@%h", "--without-mingle", "--without-gossip", "-l", "info"]


def test_an_email_whose_worker_is_killed_mid_send_is_sent_exactly_once(
    audit_flushable_db, redis_client, postgres_url, processes, tmp_path
):
    assert broker_configured()
    worker_env = {
        "DATABASE_URL": postgres_url,
        "EMAIL_BACKEND": "tests.queue.slow_mail.SlowFileBackend",
        "SLOW_MAIL_DIR": str(tmp_path),
        "SLOW_MAIL_SECONDS": "3",
        "CELERY_VISIBILITY_TIMEOUT": "4",  # the killed worker's message comes back after 4 s
    }
    enqueue(mail_send_task, message_id="kill-1", to=["duty@example.org"], subject="Threat alert", body="...")

    first = processes.start("worker-1", *worker_args("first"), **worker_env)
    wait_for(
        lambda: (tmp_path / f"started-{first.pid}").exists(),
        60,
        "the first worker to start sending",
        lambda: processes.output(first),
    )
    os.kill(first.pid, signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    assert not (tmp_path / "outbox.jsonl").exists()
    assert not TaskDone.objects.filter(key="mail:kill-1").exists()  # its transaction died with it

    second = processes.start("worker-2", *worker_args("second"), **worker_env)
    wait_for(
        lambda: TaskDone.objects.filter(key="mail:kill-1").exists(),
        60,
        "the second worker to send the e-mail",
        lambda: processes.output(second),
    )
    # Long enough for the message to come back once more if it had not been acknowledged.
    time.sleep(6)
    sent = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert sent == [{"subject": "Threat alert", "to": ["duty@example.org"]}]
    assert TaskDone.objects.filter(key="mail:kill-1").count() == 1
    assert (tmp_path / f"started-{second.pid}").exists()
    assert redis_client.llen("celery") == 0


def test_a_second_beat_exits_while_the_first_holds_the_scheduler_lock(redis_client, processes, tmp_path):
    env = {"BEAT_LOCK_KEY": "conduct:test-beat-lock", "BEAT_LOCK_SECONDS": "30"}
    first = processes.start("beat-1", "beat", "-l", "info", "-s", str(tmp_path / "schedule-1"), **env)
    wait_for(
        lambda: redis_client.exists("conduct:test-beat-lock"),
        60,
        "the first beat to take the lock",
        lambda: processes.output(first),
    )
    assert redis_client.get("conduct:test-beat-lock").decode().endswith(f":{first.pid}")

    second = processes.start("beat-2", "beat", "-l", "info", "-s", str(tmp_path / "schedule-2"), **env)
    assert second.wait(timeout=60) == 1
    assert "Another celery beat is running" in processes.output(second)
    assert "only one scheduler may run at a time" in processes.output(second)
    assert first.poll() is None  # the first goes on

    first.send_signal(signal.SIGTERM)
    first.wait(timeout=30)
    assert not redis_client.exists("conduct:test-beat-lock")  # released on a clean stop

    third = processes.start("beat-3", "beat", "-l", "info", "-s", str(tmp_path / "schedule-3"), **env)
    wait_for(
        lambda: (redis_client.get("conduct:test-beat-lock") or b"").decode().endswith(f":{third.pid}"),
        60,
        "a new beat to take the released lock",
        lambda: processes.output(third),
    )
