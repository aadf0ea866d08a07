import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from core import errors
from core.roles import STAFF_ROLES, user_roles
from members.models import Member
from members.services import account_create_or_update

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def unlinked_member():
    """A register entry with no login yet, for create_account to link."""
    return Member.objects.create(membership_number="L0000001", first_name="Ruth", last_name="Smith")


def create_account(*args, **options):
    out = io.StringIO()
    call_command("create_account", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_role_gets_its_group_and_admin_access(role):
    out = create_account("alice", role=role, password=PASSWORD)

    user = User.objects.get(username="alice")
    assert out.strip() == f"created account alice ({role})"
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert user_roles(user) == {role}
    assert user.check_password(PASSWORD)


def test_member_login_is_linked_to_the_member(unlinked_member):
    out = create_account("ruth", role="member", member="L0000001", password=PASSWORD)

    user = User.objects.get(username="ruth")
    unlinked_member.refresh_from_db()
    assert unlinked_member.user == user
    assert not user.is_staff
    assert not user.groups.exists()
    assert user_roles(user) == {"member"}
    assert "member L0000001" in out


def test_new_login_without_password_cannot_log_in(unlinked_member):
    create_account("ruth", role="member", member="L0000001")
    assert not User.objects.get(username="ruth").has_usable_password()


def test_update_changes_role_keeps_password_and_is_audited():
    create_account("alice", role="officer", password=PASSWORD)
    before = AuditEvent.objects.count()

    out = create_account("alice", role="auditor")

    user = User.objects.get(username="alice")
    assert out.strip() == "updated account alice (auditor)"
    assert list(user.groups.values_list("name", flat=True)) == ["auditor"]
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert event.action == "account.change"
    assert event.data["role"] == "auditor"


def test_audit_event_never_holds_the_password():
    create_account("alice", role="panel", password=PASSWORD)
    event = AuditEvent.objects.latest("seq")
    assert event.action == "account.create"
    assert event.data == {"username": "alice", "role": "panel", "member": None, "password_set": True}
    assert PASSWORD not in str(event.data) + event.hash


def test_staff_login_may_be_linked_to_their_membership(unlinked_member):
    create_account("ruth", role="officer", member="L0000001")
    unlinked_member.refresh_from_db()
    assert unlinked_member.user.username == "ruth"
    assert unlinked_member.user.is_staff


def test_unknown_role_is_refused_and_nothing_created():
    with pytest.raises(CommandError, match="Unknown role 'boss'"):
        create_account("alice", role="boss")
    assert not User.objects.filter(username="alice").exists()
    assert not AuditEvent.objects.filter(action__startswith="account.").exists()


def test_unknown_member_is_refused_and_nothing_created():
    with pytest.raises(CommandError, match="No member with membership number 'L9999999'"):
        create_account("ruth", role="member", member="L9999999")
    assert not User.objects.filter(username="ruth").exists()


def test_member_role_without_a_number_is_refused():
    with pytest.raises(CommandError, match="needs a membership number"):
        create_account("ruth", role="member")
    assert not User.objects.exists()


def test_member_already_linked_to_another_login_is_refused(unlinked_member):
    create_account("ruth", role="member", member="L0000001")
    with pytest.raises(CommandError, match="already linked to another login"):
        create_account("impostor", role="member", member="L0000001")
    assert not User.objects.filter(username="impostor").exists()
    unlinked_member.refresh_from_db()
    assert unlinked_member.user.username == "ruth"


def test_login_already_linked_to_another_member_is_refused(unlinked_member):
    Member.objects.create(membership_number="L0000002", first_name="Sam", last_name="Jones")
    create_account("ruth", role="member", member="L0000001")
    with pytest.raises(CommandError, match="already linked to another member"):
        create_account("ruth", role="member", member="L0000002")
    assert Member.objects.get(membership_number="L0000002").user is None


def test_weak_password_is_refused():
    with pytest.raises(CommandError, match="Password refused"):
        create_account("alice", role="officer", password="123")
    assert not User.objects.exists()


def test_missing_group_is_a_clear_error():
    Group.objects.filter(name="auditor").delete()
    with pytest.raises(errors.ValidationError, match="run migrate"):
        account_create_or_update(username="alice", role="auditor")
    assert not User.objects.exists()


def test_the_service_returns_the_user_and_whether_it_was_created():
    user, created = account_create_or_update(username="alice", role="officer")
    assert created
    same, created_again = account_create_or_update(username="alice", role="officer")
    assert (same.pk, created_again) == (user.pk, False)
