"""Authentication (401 everywhere but the public pages, token login) and /api/me/ for each role."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from members.models import Member
from tests.complaints.factories import CaseFactory
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


PASSWORD = "correct-horse-battery"


@pytest.fixture
def case():
    return CaseFactory(awaiting_response=True)


def _protected(case):
    complaint, member = case.complaint.reference, case.respondent.membership_number
    return [
        ("get", "/api/me/"),
        ("get", "/api/complaints/"),
        ("post", "/api/complaints/"),
        ("get", f"/api/complaints/{complaint}/"),
        ("get", f"/api/complaints/{complaint}/evidence/"),
        ("get", "/api/cases/"),
        ("get", f"/api/cases/{case.reference}/"),
        ("post", f"/api/cases/{case.reference}/actions/"),
        ("get", "/api/allegations/"),
        ("post", f"/api/allegations/{case.reference}/response/"),
        ("post", f"/api/allegations/{case.reference}/appeal/"),
        ("get", "/api/audit/sanctions/"),
        ("get", "/api/audit/sanctions/?format=csv"),
        ("get", f"/api/audit/members/{member}/history/"),
    ]


def test_every_non_public_endpoint_answers_401_without_credentials(case):
    client = APIClient()
    for method, path in _protected(case):
        response = getattr(client, method)(path, {} if method == "post" else None, format="json")
        assert response.status_code == 401, (method, path, response.status_code)


def test_a_bad_token_is_401_not_a_guess(case):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    for method, path in _protected(case):
        response = getattr(client, method)(path, {} if method == "post" else None, format="json")
        assert response.status_code == 401, (method, path, response.status_code)


def test_token_login_with_good_credentials_gives_a_working_token():
    member = MemberFactory(with_login=True)
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": member.user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=member.user).key == token

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == member.user.username


def test_token_login_twice_returns_the_same_token():
    user = UserFactory(roles=["officer"])
    client = APIClient()
    first = client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    second = client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert first.json()["token"] == second.json()["token"]
    assert Token.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"username": "someone", "password": "wrong-password"},
        {"username": "nobody-at-all", "password": PASSWORD},
        {"username": "someone", "password": ""},
        {"username": "someone"},
        {},
    ],
)
def test_token_login_with_bad_credentials_is_400_and_issues_no_token(body):
    UserFactory(username="someone")
    response = APIClient().post("/api/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert Token.objects.count() == 0


def test_token_login_of_an_inactive_user_is_refused():
    user = UserFactory(username="gone")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = APIClient().post("/api/auth/token/", {"username": "gone", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert Token.objects.count() == 0


def _me(user):
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))  # as the request would load it
    response = client.get("/api/me/")
    assert response.status_code == 200
    return response.json()


def test_me_for_a_member_names_the_member_and_their_standing():
    member = MemberFactory(with_login=True, first_name="Ruth", last_name="Smeeth")
    body = _me(member.user)
    assert body == {
        "username": member.user.username,
        "roles": ["member"],
        "member": {"membership_number": member.membership_number, "name": "Ruth Smeeth", "standing": "good"},
    }


def test_me_for_a_suspended_member_shows_the_suspension():
    member = MemberFactory(with_login=True)
    Member.objects.filter(pk=member.pk).update(
        standing=Member.Standing.SUSPENDED, standing_until=timezone.localdate() + dt.timedelta(days=30)
    )
    assert _me(member.user)["member"]["standing"] == "suspended"


def test_me_for_a_member_whose_suspension_ran_out_is_good_standing():
    member = MemberFactory(with_login=True)
    Member.objects.filter(pk=member.pk).update(
        standing=Member.Standing.SUSPENDED, standing_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert _me(member.user)["member"]["standing"] == "good"


@pytest.mark.parametrize("role", ["officer", "panel", "auditor"])
def test_me_for_staff_has_their_role_and_no_member(role):
    user = UserFactory(roles=[role])
    assert _me(user) == {"username": user.username, "roles": [role], "member": None}


def test_me_for_a_login_without_any_role_has_no_roles():
    user = UserFactory()
    assert _me(user) == {"username": user.username, "roles": [], "member": None}


def test_me_for_a_member_who_is_also_an_officer_lists_both_roles():
    member = MemberFactory(with_login=True)
    UserFactory(username=member.user.username, roles=["officer"])
    body = _me(member.user)
    assert body["roles"] == ["member", "officer"]
    assert body["member"]["membership_number"] == member.membership_number
