"""Logins and roles changed in the admin are on the audit log, in the same transaction."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_verify
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def change_data(user, **overrides) -> dict:
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_adding_a_login_is_audited_without_the_password(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newofficer",
            "usable_password": "true",
            "password1": "A-long-pass-9481",
            "password2": "A-long-pass-9481",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="newofficer")
    event = AuditEvent.objects.get(action="account.create")
    assert event.object_type == "auth.user" and event.object_id == str(user.pk)
    assert event.data["username"] == "newofficer" and event.data["fields"][-1] == "password"
    assert "A-long-pass-9481" not in str(event.data) and user.password not in str(event.data)


def test_granting_and_removing_a_role_in_the_admin_is_audited(admin_client):
    user = UserFactory(is_staff=True)
    officer = Group.objects.get(name="officer")
    url = reverse("admin:auth_user_change", args=[user.pk])

    response = admin_client.post(url, change_data(user, groups=[officer.pk]))
    assert response.status_code == 302
    granted = AuditEvent.objects.get(action="account.change")
    assert granted.data["roles_added"] == ["officer"] and granted.data["roles_removed"] == []

    user.refresh_from_db()
    response = admin_client.post(url, change_data(user, groups=[], is_superuser="on"))
    assert response.status_code == 302
    removed = AuditEvent.objects.filter(action="account.change").order_by("-seq").first()
    assert removed.data["roles_removed"] == ["officer"]
    assert "is_superuser" in removed.data["fields"] and removed.data["is_superuser"] is True
    assert audit_verify().ok


def test_a_refused_change_writes_nothing(admin_client):
    user = UserFactory(is_staff=True)
    response = admin_client.post(reverse("admin:auth_user_change", args=[user.pk]), change_data(user, username=""))
    assert response.status_code == 200  # the form again, with its error
    assert not AuditEvent.objects.filter(action__startswith="account.").exists()


def test_password_change_in_the_admin_is_audited(admin_client):
    user = UserFactory(is_staff=True)
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "Another-pass-5521", "password2": "Another-pass-5521", "usable_password": "true"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="account.password")
    assert event.data == {"via": "admin", "username": user.username, "usable": True}


def test_a_password_form_django_sends_back_writes_nothing(admin_client):
    user = UserFactory(is_staff=True)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    # Password login switched off, but with the "set password" button: Django refuses and redirects.
    response = admin_client.post(url, {"usable_password": "false", "set-password": ""})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.has_usable_password()
    assert not AuditEvent.objects.filter(action__startswith="account.").exists()


def test_changing_what_a_role_may_do_is_audited(admin_client):
    group = Group.objects.get(name="auditor")
    before = set(group.permissions.values_list("pk", flat=True))
    extra = Permission.objects.get(codename="change_member")
    response = admin_client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "auditor", "permissions": sorted(before | {extra.pk})},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="role.change")
    assert event.data["permissions_added"] == ["change_member"] and event.data["permissions_removed"] == []


def test_deleting_a_login_is_audited(admin_client):
    user = UserFactory(roles=["panel"])
    response = admin_client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    event = AuditEvent.objects.get(action="account.delete")
    assert event.data == {"via": "admin", "username": user.username, "roles": ["panel"]}


def test_an_auditor_cannot_change_logins(client):
    auditor = UserFactory(roles=["auditor"])
    user = UserFactory(is_staff=True)
    client.force_login(auditor)
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), change_data(user, is_superuser="on"))
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser
    assert not AuditEvent.objects.filter(action__startswith="account.").exists()


def test_bulk_delete_of_logins_writes_one_event_each(admin_client):
    users = [UserFactory(roles=["panel"]) for _ in range(2)]
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [u.pk for u in users], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[u.pk for u in users]).exists()
    deleted = AuditEvent.objects.filter(action="account.delete").values_list("data__username", flat=True)
    assert sorted(deleted) == sorted(u.username for u in users)


def test_issuing_and_revoking_an_api_token_in_the_admin_is_audited(admin_client):
    from rest_framework.authtoken.models import Token

    user = UserFactory(roles=["officer"])
    response = admin_client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": user.pk})
    assert response.status_code == 302
    assert Token.objects.filter(user=user).exists()
    issued = AuditEvent.objects.get(action="account.token")
    assert issued.object_id == str(user.pk) and issued.data["issued"] is True
    # The token secret never reaches the log.
    assert Token.objects.get(user=user).key not in str(issued.data)

    response = admin_client.post(reverse("admin:authtoken_tokenproxy_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=user).exists()
    revoked = AuditEvent.objects.filter(action="account.token_revoke").order_by("-seq").first()
    assert revoked.data == {"via": "admin", "username": user.username, "issued": False}
