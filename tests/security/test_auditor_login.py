"""An auditor's login is read-only everywhere: linked to a member, it still files nothing."""

import pytest
from django.contrib.auth.models import Group

from audit.models import AuditEvent
from complaints.models import Complaint
from core import roles
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = {"summary": "Abuse after the walkout", "description": "Dozens of abusive messages."}


@pytest.fixture
def auditor_who_is_a_member():
    member = MemberFactory()
    user = UserFactory(roles=["auditor"])
    member.user = user
    member.save(update_fields=["user"])
    return user


def test_an_auditor_linked_to_a_member_cannot_file_a_complaint(client_for, auditor_who_is_a_member):
    events = AuditEvent.objects.count()
    response = client_for(auditor_who_is_a_member).post("/api/complaints/", BODY, format="json")
    assert response.status_code == 403
    assert Complaint.objects.count() == 0 and AuditEvent.objects.count() == events


def test_the_auditor_login_does_not_hold_the_member_role(client_for, auditor_who_is_a_member):
    assert roles.user_roles(auditor_who_is_a_member) == {roles.AUDITOR}
    me = client_for(auditor_who_is_a_member).get("/api/me/").json()
    assert me["roles"] == ["auditor"]


def test_an_auditor_who_is_also_an_officer_still_writes_nothing(client_for):
    user = UserFactory(roles=["auditor"])
    user.groups.add(Group.objects.get(name="officer"))
    response = client_for(user).post("/api/complaints/", BODY, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Auditors have read-only access."}


def test_the_same_person_files_with_a_separate_member_login(client_for):
    member = MemberFactory(with_login=True)
    response = client_for(member.user).post("/api/complaints/", BODY, format="json")
    assert response.status_code == 201
