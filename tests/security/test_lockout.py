"""Repeated failed logins lock a username out, at the admin and the token endpoint alike, from any address."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.members.factories.UserFactory


def token_try(username, password, address):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def admin_try(client, username, password, address):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_fifth_failure_from_five_addresses_locks_the_username_for_the_token_endpoint():
    UserFactory(username="someone")
    statuses = [token_try("someone", "wrong-password", f"198.51.100.{i}").status_code for i in range(5)]
    assert statuses == [400, 400, 400, 400, 429]

    locked = token_try("someone", PASSWORD, "203.0.113.9")  # the right password, from yet another address
    assert locked.status_code == 429
    assert 840 <= int(locked["Retry-After"]) <= 900  # LOGIN_LOCKOUT_MINUTES: 15
    assert "try again in" in locked.json()["detail"]
    assert not Token.objects.exists()


def test_a_lockout_is_of_one_username_only():
    UserFactory(username="someone")
    other = UserFactory(username="other")
    for i in range(5):
        token_try("someone", "wrong-password", f"198.51.100.{i}")
    response = token_try("other", PASSWORD, "198.51.100.1")
    assert response.status_code == 200
    assert Token.objects.get(user=other).key == response.json()["token"]


def test_the_lockout_ends_after_the_cool_off(settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    UserFactory(username="someone")
    for i in range(5):
        token_try("someone", "wrong-password", f"198.51.100.{i}")
    assert token_try("someone", PASSWORD, "198.51.100.1").status_code == 429
    # The counters expire with the cache entry: move the clock past the cool-off instead of waiting.
    later = timezone.now() + dt.timedelta(minutes=16)
    with mock.patch("django.core.cache.backends.db.tz_now", return_value=later):
        assert token_try("someone", PASSWORD, "198.51.100.1").status_code == 200


def test_the_admin_locks_the_username_out_with_a_page_in_words(client):
    UserFactory(username="officer1", roles=["officer"])
    statuses = [admin_try(client, "officer1", "wrong-password", f"198.51.100.{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 200]  # the login form again, with its error
    locked = admin_try(client, "officer1", "wrong-password", "198.51.100.5")
    assert locked.status_code == 429
    assert "This login is locked for now" in locked.content.decode()
    assert "Try again in 15 minutes" in locked.content.decode()
    assert int(locked["Retry-After"]) > 0

    right = admin_try(client, "officer1", PASSWORD, "203.0.113.9")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_at_the_admin_and_the_token_endpoint_count_together(client):
    UserFactory(username="officer1", roles=["officer"])
    for i in range(3):
        admin_try(client, "officer1", "wrong-password", f"198.51.100.{i}")
    assert token_try("officer1", "wrong-password", "198.51.100.7").status_code == 400
    assert token_try("officer1", "wrong-password", "198.51.100.8").status_code == 429
    assert admin_try(client, "officer1", PASSWORD, "198.51.100.9").status_code == 429


def test_a_good_login_clears_the_failures():
    UserFactory(username="someone")
    for i in range(4):
        token_try("someone", "wrong-password", f"198.51.100.{i}")
    assert token_try("someone", PASSWORD, "198.51.100.1").status_code == 200
    assert [token_try("someone", "wrong-password", "198.51.100.1").status_code for _ in range(4)] == [400] * 4


def test_the_admin_login_is_throttled_per_address(client):
    statuses = [admin_try(client, f"nobody{i}", "wrong-password", "198.51.100.1").status_code for i in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
