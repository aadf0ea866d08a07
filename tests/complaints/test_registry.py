"""The action registry: one entry per action, each part resolving, and one rule read by every door."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import workflow
from complaints.admin.forms import CaseActionForm
from complaints.conflicts import complaint_conflict_reason, complaint_conflicts_q, conflict_reason, conflicts_q
from complaints.models import Case, Complaint, ConflictDeclaration, InterimSuspension
from complaints.services.cases.common import begin
from core.errors import PermissionDenied
from tests.complaints.factories import CaseFactory, ComplaintFactory
from tests.members.factories import ConstituencyFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_action_has_exactly_one_entry_whose_service_serializer_and_form_resolve():
    assert set(workflow.ACTIONS) == set(workflow.Action)
    services, serializers, forms = set(), set(), set()
    for action in workflow.Action:
        entry = workflow.ACTIONS[action]
        service, serializer, form = (
            workflow.service_of(action),
            workflow.serializer_of(action),
            workflow.form_of(action),
        )
        assert callable(service) and service.__name__ in entry.service
        assert serializer.__name__ == entry.serializer.rsplit(".", 1)[1]
        assert form.__name__ == entry.form.rsplit(".", 1)[1]
        services.add(entry.service)
        serializers.add(entry.serializer)
        forms.add(entry.form)
    # One of each per action: no two actions share a service, a serializer or a form.
    assert len(services) == len(serializers) == len(forms) == len(workflow.Action)


def test_case_forms_are_case_action_forms_and_the_open_case_form_is_not():
    for action, entry in workflow.ACTIONS.items():
        on_a_case = not (entry.on_complaint or entry.complaint_wide)
        assert issubclass(workflow.form_of(action), CaseActionForm) is on_a_case, action


def test_measures_never_change_the_status_and_are_listed_apart():
    for entry in workflow.ACTIONS.values():
        if entry.measure and entry.complaint_wide:
            assert entry.target is None and set(entry.sources) == set(Complaint.Status.values)
        elif entry.measure:
            assert entry.target is None and set(entry.sources) == set(Case.OPEN_STATUSES)


def test_every_case_action_has_an_audit_event_name():
    from audit.events import Event

    on_complaints = {
        workflow.Action.COMPLAINT_POLICE_REFERRAL: Event.COMPLAINT_POLICE_REFERRAL,
        workflow.Action.CLASSIFY_EVIDENCE: Event.EVIDENCE_CLASSIFY,
    }
    assert set(on_complaints) == {a for a, e in workflow.ACTIONS.items() if e.complaint_wide}
    for action in workflow.Action:
        if action not in on_complaints:
            assert Event(f"case.{action.value}")


def _cases_and_users():
    place, other_place = ConstituencyFactory(), ConstituencyFactory()
    respondent = MemberFactory(constituency=place)
    plain = CaseFactory(respondent=MemberFactory(constituency=other_place))
    about = CaseFactory(respondent=respondent)
    officer = MemberFactory(constituency=ConstituencyFactory(), user=UserFactory()).user
    neighbour = MemberFactory(constituency=place, user=UserFactory()).user
    declared = UserFactory()
    ConflictDeclaration.objects.create(user=declared, member=respondent, reason="my brother")
    declared_place = UserFactory()
    ConflictDeclaration.objects.create(user=declared_place, constituency=other_place, reason="I ran the branch")
    self_user = UserFactory()
    respondent.user = self_user
    respondent.save(update_fields=["user"])
    return [plain, about], [officer, neighbour, declared, declared_place, self_user]


def test_the_python_and_queryset_forms_of_the_conflict_rule_agree_on_the_same_cases():
    cases, users = _cases_and_users()
    for user in users:
        in_python = {c.pk for c in cases if conflict_reason(user, c)}
        listed = Case.objects.filter(pk__in=[c.pk for c in cases]).filter(conflicts_q(user))
        in_sql = set(listed.values_list("pk", flat=True))
        assert in_python == in_sql, user
    # And the rule says something: each kind of tie is caught.
    officer, neighbour, declared, declared_place, self_user = users
    plain, about = cases
    assert conflict_reason(officer, about) is None
    assert conflict_reason(neighbour, about) == "you are a member of the same constituency as a party to the case"
    assert conflict_reason(declared, about) == "declared conflict (my brother)"
    assert conflict_reason(declared_place, plain) == "declared conflict (I ran the branch)"
    assert conflict_reason(self_user, about) == "you are the respondent"


def test_a_complaint_with_no_case_yet_is_judged_by_its_complainant_alone(officer, client_for):
    complaint = ComplaintFactory()
    declared = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=declared, member=complaint.complainant, reason="my sister")
    assert not complaint.cases.exists()
    assert complaint_conflict_reason(officer, complaint) is None
    assert complaint_conflict_reason(declared, complaint) == "declared conflict (my sister)"
    assert client_for(officer).get(f"/api/complaints/{complaint.reference}/threats/").status_code == 200


def test_measures_refuse_a_conflicted_officer_in_words_like_every_action(officer):
    case = CaseFactory()
    ConflictDeclaration.objects.create(user=officer, member=case.respondent, reason="neighbour")
    for action in (workflow.Action.POLICE_REFERRAL, workflow.Action.INTERIM_SUSPENSION_IMPOSE):
        with pytest.raises(PermissionDenied, match=r"Conflict of interest: declared conflict \(neighbour\)\."):
            begin(case, action, officer, None)


def test_the_api_and_the_admin_refuse_a_conflicted_officer_with_the_same_words(client_for, client, officer):
    case = CaseFactory()
    ConflictDeclaration.objects.create(user=officer, member=case.respondent, reason="neighbour")
    words = "Conflict of interest: declared conflict (neighbour)."
    api = client_for(officer)
    response = api.post(f"/api/cases/{case.reference}/interim-suspension/", {"reason": "x"}, format="json")
    assert (response.status_code, response.json()["detail"]) == (403, words)
    client.force_login(officer)
    url = reverse("admin:complaints_case_action", args=[case.pk, "interim_suspension_impose"])
    response = client.post(url, {"version": case.version, "reason": "x"})
    assert response.status_code == 302
    assert [m.message for m in get_messages(response.wsgi_request)] == [words]
    assert not InterimSuspension.objects.exists()


def test_the_complaint_forms_of_the_conflict_rule_agree_and_cover_every_respondent():
    cases, users = _cases_and_users()
    plain, about = cases
    # A complaint with both cases, and one with no case yet whose complainant is the tied member.
    joint = ComplaintFactory()
    Case.objects.filter(pk__in=[plain.pk, about.pk]).update(complaint=joint)
    alone = ComplaintFactory(complainant=about.respondent)
    complaints = [joint, alone, plain.complaint, about.complaint]
    for user in users:
        in_python = {c.pk for c in complaints if complaint_conflict_reason(user, c)}
        listed = Complaint.objects.filter(pk__in=[c.pk for c in complaints]).filter(complaint_conflicts_q(user))
        assert in_python == set(listed.values_list("pk", flat=True)), user
    officer, neighbour, declared, declared_place, self_user = users
    assert complaint_conflict_reason(officer, joint) is None
    assert complaint_conflict_reason(declared, joint) == "declared conflict (my brother)"
    assert complaint_conflict_reason(self_user, alone) == "you are the complainant"
    assert complaint_conflict_reason(declared_place, joint) == "declared conflict (I ran the branch)"
