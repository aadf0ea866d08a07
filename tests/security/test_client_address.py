"""Throttles count the real client: X-Forwarded-For is believed only as far as the trusted proxies go."""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import BaseThrottle

from core.net import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def proxies(settings):
    def set_count(count: int) -> None:
        settings.TRUSTED_PROXY_COUNT = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_count


def wrong_password(client, attempt: int, **headers):
    # A different username each time, so no lockout of one username can answer for the throttle.
    return client.post(
        "/api/auth/token/", {"username": f"nobody{attempt}", "password": "wrong-password"}, format="json", **headers
    )


def test_a_new_forwarded_for_on_each_try_does_not_escape_the_token_throttle():
    client = APIClient()
    statuses = [wrong_password(client, i, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(25)]
    assert 429 in statuses[:24]
    assert statuses.index(429) == 20  # THROTTLE_TOKEN: 20 a minute, all from one socket address


def test_behind_one_proxy_the_throttle_counts_the_address_the_proxy_saw(proxies):
    proxies(1)
    client = APIClient()
    # The client forges a left-hand address each time; the proxy appends the real one.
    statuses = [
        wrong_password(client, i, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7").status_code for i in range(22)
    ]
    assert statuses.index(429) == 20
    # Another real client behind the same proxy has its own count.
    assert wrong_password(client, 99, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 400


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, None, "192.0.2.1"),
        (0, "203.0.113.7", "192.0.2.1"),
        (1, None, "192.0.2.1"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "10.0.0.1, 203.0.113.7", "203.0.113.7"),
        (2, "10.0.0.1, 203.0.113.7, 198.51.100.2", "203.0.113.7"),
        (3, "203.0.113.7", "203.0.113.7"),
    ],
)
def test_client_ip_takes_the_nth_address_from_the_right_like_drf(proxies, count, forwarded, expected):
    proxies(count)
    headers = {"REMOTE_ADDR": "192.0.2.1"}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **headers)
    assert client_ip(request) == expected
    assert BaseThrottle().get_ident(request) == expected  # complaints' throttles use DRF's own rule
