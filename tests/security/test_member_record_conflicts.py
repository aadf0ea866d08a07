"""No door through which a conflicted person reaches their own case: not the member record's login
link, not its identities, not a conflict declaration. Changing a login while the member has an open
case takes a second officer."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEvent
from complaints import workflow
from complaints.models import ConflictDeclaration, MemberLoginChange
from complaints.services import conflicts as conflict_services
from complaints.services import member_records
from core.errors import PermissionDenied
from tests.complaints.factories import CaseFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def refusals():
    return list(AuditEvent.objects.filter(action="security.change_refused").values_list("data", flat=True))


def messages_of(response):
    return [m.message for m in get_messages(response.wsgi_request)]


@pytest.fixture
def own_case():
    """An open case against a member whose login is an officer's."""
    respondent = MemberFactory(user=UserFactory(roles=["officer"]))
    return CaseFactory(respondent=respondent)


def test_the_respondent_officer_cannot_clear_their_own_login_link(client, own_case):
    me = own_case.respondent.user
    client.force_login(me)
    url = reverse("admin:members_member_change", args=[own_case.respondent.pk])
    page = client.get(url)
    assert f"they are a party to case {own_case.reference}" in messages_of(page)[-1]
    answer = client.post(url, {"user": "", "first_name": "Changed"})
    assert answer.status_code == 302
    own_case.respondent.refresh_from_db()
    assert own_case.respondent.user == me and own_case.respondent.first_name != "Changed"
    [refused] = refusals()
    assert refused["username"] == me.username and "conflict of interest (you are the respondent)" in refused["reason"]
    # The dismissal that followed last time is refused too.
    assert workflow.refusal(own_case, workflow.Action.DISMISS, me) == "Conflict of interest: you are the respondent."


def test_an_officer_with_a_declared_conflict_cannot_edit_the_members_identities(client, own_case):
    declared = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=declared, member=own_case.respondent, reason="my brother")
    IdentityFactory(member=own_case.respondent, platform="twitter", value="brother_handle")
    client.force_login(declared)
    page = client.get(reverse("admin:members_member_change", args=[own_case.respondent.pk]))
    identity_formset = next(f for f in page.context["inline_admin_formsets"] if f.opts.model.__name__ == "Identity")
    assert not identity_formset.has_add_permission and not identity_formset.has_delete_permission


def test_nobody_withdraws_a_declaration_bearing_on_their_own_conflict(own_case):
    me = own_case.respondent.user
    other = UserFactory(roles=["officer"])
    about_me = ConflictDeclaration.objects.create(user=me, member=own_case.respondent, reason="I am the respondent")
    with pytest.raises(PermissionDenied, match="declared about yourself"):
        conflict_services.conflict_withdraw(actor=me, declaration=about_me)
    by_other = ConflictDeclaration.objects.create(user=other, member=own_case.respondent, reason="we share an office")
    with pytest.raises(PermissionDenied, match=f"it bears on case {own_case.reference}"):
        conflict_services.conflict_withdraw(actor=me, declaration=by_other)
    assert ConflictDeclaration.objects.count() == 2 and len(refusals()) == 2
    conflict_services.conflict_withdraw(actor=UserFactory(roles=["officer"]), declaration=by_other)
    assert ConflictDeclaration.objects.count() == 1


def test_a_login_change_of_a_member_with_an_open_case_waits_for_a_second_officer(client_for):
    respondent = MemberFactory(with_login=True)
    case = CaseFactory(respondent=respondent, status="awaiting_response")
    first, second = UserFactory(roles=["officer"]), UserFactory(roles=["officer"])
    change = member_records.member_login_change_request(
        member=respondent, new_user=None, actor=first, reason="The member asked to close the account."
    )
    respondent.refresh_from_db()
    assert change.state == MemberLoginChange.State.PENDING and respondent.user is not None
    assert client_for(respondent.user).get("/api/allegations/").status_code == 200
    with pytest.raises(PermissionDenied, match="A second officer must confirm"):
        member_records.member_login_change_confirm(change=change, actor=first)
    member_records.member_login_change_confirm(change=change, actor=second)
    respondent.refresh_from_db()
    assert respondent.user is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="member.login_change").values_list("action", "actor_name")
    )
    assert actions == [
        ("member.login_change_request", first.username),
        ("member.login_change", second.username),
    ]
    assert case.reference


def test_without_an_open_case_the_change_applies_at_once_and_needs_the_permission():
    member = MemberFactory(with_login=True)
    login = UserFactory()
    officer = UserFactory(roles=["officer"])
    change = member_records.member_login_change_request(member=member, new_user=login, actor=officer, reason="Typo.")
    member.refresh_from_db()
    assert change.state == MemberLoginChange.State.CONFIRMED and member.user == login
    panel = UserFactory(roles=["panel"])
    with pytest.raises(PermissionDenied, match="needs its own permission"):
        member_records.member_login_change_request(member=member, new_user=None, actor=panel, reason="x")
    member.refresh_from_db()
    assert member.user == login


def test_the_admin_login_page_asks_and_the_second_officer_confirms(client):
    respondent = MemberFactory(with_login=True)
    CaseFactory(respondent=respondent)
    first, second = UserFactory(roles=["officer"]), UserFactory(roles=["officer"])
    url = reverse("admin:members_member_login", args=[respondent.pk])
    client.force_login(first)
    asked = client.post(url, {"ask-username": "", "ask-reason": "Account closed at the member's request."})
    assert messages_of(asked)[-1].startswith("The member has an open case")
    refused = client.post(url, {"decide-decision": "confirm"})
    assert messages_of(refused)[-1] == "A second officer must confirm a change you asked for."
    client.force_login(second)
    client.post(url, {"decide-decision": "confirm"})
    respondent.refresh_from_db()
    assert respondent.user is None
