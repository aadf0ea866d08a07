"""API tokens expire, are revoked by DELETE and by any password change, and each issue or revoke is audited."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def issue(user, **headers) -> dict:
    response = APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json", **headers
    )
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def age(key, hours) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=hours))


def token_events():
    return list(AuditEvent.objects.filter(action="account.token").order_by("seq"))


def test_a_token_is_refused_after_its_lifetime_with_401_and_a_clear_message():
    body = issue(UserFactory(roles=["officer"]))
    assert with_token(body["token"]).get("/api/me/").status_code == 200
    age(body["token"], 12)  # TOKEN_LIFETIME_HOURS: 12
    response = with_token(body["token"]).get("/api/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has expired; ask for a new one at /api/auth/token/."}


def test_the_lifetime_is_a_setting(settings):
    settings.TOKEN_LIFETIME_HOURS = 2
    key = issue(UserFactory())["token"]
    age(key, 1.9)
    assert with_token(key).get("/api/me/").status_code == 200
    age(key, 2)
    assert with_token(key).get("/api/me/").status_code == 401


def test_the_answer_says_when_the_token_expires():
    body = issue(UserFactory())
    token = Token.objects.get(key=body["token"])
    assert dt.datetime.fromisoformat(body["expires_at"]) == token.created + dt.timedelta(hours=12)


def test_asking_again_returns_the_live_token_and_a_new_one_once_it_expired():
    user = UserFactory()
    first = issue(user)["token"]
    assert issue(user)["token"] == first
    age(first, 13)
    second = issue(user)["token"]
    assert second != first and list(Token.objects.filter(user=user).values_list("key", flat=True)) == [second]
    assert with_token(second).get("/api/me/").status_code == 200
    issued = [e.data for e in token_events()]
    assert [(d["issued"], d["replaced_expired"]) for d in issued] == [(True, False), (True, True)]
    assert issued[0]["via"] == "api" and issued[0]["username"] == user.username and issued[0]["ip"] == "127.0.0.1"


def test_asking_with_a_stale_token_header_still_gives_a_new_token():
    user = UserFactory()
    key = issue(user)["token"]
    age(key, 13)
    fresh = issue(user, HTTP_AUTHORIZATION=f"Token {key}")["token"]
    assert fresh != key


def test_delete_revokes_the_callers_token():
    user = UserFactory(roles=["auditor"])  # revoking one's own token is no domain write: auditors may
    key = issue(user)["token"]
    response = with_token(key).delete("/api/auth/token/")
    assert response.status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert with_token(key).get("/api/me/").status_code == 401
    revoked = token_events()[-1]
    assert revoked.actor == user
    assert revoked.data == {
        "via": "api",
        "username": user.username,
        "issued": False,
        "reason": "revoked by its holder",
    }


def test_delete_without_credentials_is_401():
    assert APIClient().delete("/api/auth/token/").status_code == 401


def test_a_password_change_in_the_admin_revokes_the_tokens(admin_client):
    user = UserFactory(is_staff=True)
    key = issue(user)["token"]
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "Another-pass-5521", "password2": "Another-pass-5521", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=user).exists()
    assert with_token(key).get("/api/me/").status_code == 401
    assert token_events()[-1].data["reason"] == "password changed"


def test_create_account_with_a_password_revokes_the_tokens():
    user = UserFactory(username="alice")
    key = issue(user)["token"]
    call_command("create_account", "alice", role="auditor", password="Another-pass-5521", stdout=io.StringIO())
    assert with_token(key).get("/api/me/").status_code == 401
    assert not Token.objects.filter(user=user).exists()


def test_changing_anything_but_the_password_keeps_the_token(admin_client):
    user = UserFactory(is_staff=True)
    key = issue(user)["token"]
    call_command("create_account", user.username, role="officer", stdout=io.StringIO())  # no --password
    user.refresh_from_db()
    user.email = "new@party.example.org"
    user.save()
    assert with_token(key).get("/api/me/").status_code == 200


def test_set_password_anywhere_revokes_the_tokens():
    user = UserFactory()
    key = issue(user)["token"]
    user.set_unusable_password()
    user.save()
    assert with_token(key).get("/api/me/").status_code == 401
