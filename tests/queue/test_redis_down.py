"""Redis unreachable (restarting, say): answers in words, nothing half-done, no work dropped; and
throttles that count exactly across processes."""

import pytest
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from complaints import notifications
from config.celery import app
from core import tasks
from core.throttling import ScopedRateThrottle

pytestmark = pytest.mark.django_db


def test_work_enqueued_while_the_broker_is_down_runs_in_the_process(
    settings, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/15"
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(app, "send_task", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(notifications.mail_send_task, message_id="m1", to=["a@example.org"], subject="s", body="b")
    assert [m.subject for m in mailoutbox] == ["s"]


def test_a_request_whose_throttle_cannot_reach_redis_is_refused_with_503_in_words(client_for, monkeypatch):
    def down(self, request, view):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(ScopedRateThrottle, "allow_request", down)
    response = client_for(None).post("/api/auth/token/", {"username": "a", "password": "b"}, format="json")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "unavailable" in response.json()["detail"]


def test_the_token_throttle_lets_exactly_its_rate_through(api_client, settings):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    statuses = [
        api_client.post("/api/auth/token/", {"username": f"nobody{i}", "password": "x"}, format="json").status_code
        for i in range(rate + 3)
    ]
    assert statuses.count(429) == 3
    assert 429 not in statuses[:rate]
