"""Filing a complaint and taking evidence in (complaints/services/complaints.py, evidence.py).

Respondents are resolved through members' normalised identities, duplicates are counted
and stored once, every member sender gets one case, and each batch is one audit event.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Case, Complaint, Evidence
from complaints.services.complaints import complaint_file
from complaints.services.evidence import evidence_ingest
from core.errors import PermissionDenied, ValidationError
from members.models import Identity
from tests.conduct.factories import category, rule
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def file(actor, *, respondents=(), evidence=(), rules=(), now=None):
    return complaint_file(
        actor=actor,
        summary="Abuse after the walkout",
        description="Dozens of abusive messages.",
        respondents=list(respondents),
        evidence=list(evidence),
        rules=list(rules),
        now=now,
    )


def post(handle="abuser_1", text="resign now, traitor", *, at=WHEN, **extra):
    return {"channel": "twitter", "author_handle": handle, "text": text, "occurred_at": at, **extra}


def stored() -> tuple[int, int, int, int]:
    return Complaint.objects.count(), Case.objects.count(), Evidence.objects.count(), AuditEvent.objects.count()


def respondents_of(complaint) -> set:
    return {c.respondent for c in complaint.cases.all()}


def ingest_events(complaint):
    return AuditEvent.objects.filter(action="evidence.ingest", object_id=str(complaint.pk))


# --- respondents ---------------------------------------------------------------------------------------------------


def test_member_files_against_a_membership_number(member, respondent, t0):
    complaint = file(member.user, respondents=[{"membership_number": respondent.membership_number}], now=t0)

    assert (complaint.complainant, complaint.filed_by, complaint.submitted_at) == (member, member.user, t0)
    assert complaint.status == Complaint.Status.RECEIVED and complaint.unidentified_respondents == []
    case = complaint.cases.get()
    assert (case.respondent, case.status, case.opened_at) == (respondent, Case.Status.RECEIVED, t0)
    assert case.reference == f"{complaint.reference}-001"
    assert AuditEvent.objects.filter(action="complaint.file", object_id=str(complaint.pk)).count() == 1
    assert AuditEvent.objects.filter(action="case.open", case_ref=case.reference).count() == 1


@pytest.mark.parametrize("written", ["@RuthS", "https://x.com/ruths/", "  ruths  ", "https://twitter.com/RuthS?s=20"])
def test_respondent_is_found_by_handle_however_it_is_written(written, member, respondent):
    IdentityFactory(member=respondent, platform=Identity.Platform.TWITTER, value="RuthS")
    complaint = file(member.user, respondents=[{"platform": "twitter", "handle": written}])
    assert respondents_of(complaint) == {respondent}
    assert complaint.unidentified_respondents == []


def test_handle_on_another_platform_does_not_match(member, respondent):
    IdentityFactory(member=respondent, platform=Identity.Platform.TWITTER, value="RuthS")
    complaint = file(member.user, respondents=[{"platform": "instagram", "handle": "ruths"}])
    assert respondents_of(complaint) == set()
    assert complaint.unidentified_respondents == [{"platform": "instagram", "handle": "ruths"}]


def test_respondent_is_found_by_email(member, respondent):
    IdentityFactory(member=respondent, kind=Identity.Kind.EMAIL, platform="", value="Ruth.Smith@Example.org")
    complaint = file(member.user, respondents=[{"email": " RUTH.SMITH@example.org "}])
    assert respondents_of(complaint) == {respondent}


@pytest.mark.parametrize("stored_as, written", [("+44 7700 900123", "07700 900123"), ("07700900123", "+447700900123")])
def test_respondent_is_found_by_phone_in_national_or_international_form(stored_as, written, member, respondent):
    IdentityFactory(member=respondent, kind=Identity.Kind.PHONE, platform="", value=stored_as)
    complaint = file(member.user, respondents=[{"phone": written}])
    assert respondents_of(complaint) == {respondent}


def test_unknown_respondents_are_kept_as_unidentified(member):
    named = [{"name": "The anonymous account"}, {"platform": "twitter", "handle": "@ghost"}, {"email": "x@y.example"}]
    complaint = file(member.user, respondents=named)
    assert not complaint.cases.exists()
    assert complaint.unidentified_respondents == named


def test_member_named_twice_gets_one_case(member, respondent):
    IdentityFactory(member=respondent, platform=Identity.Platform.TWITTER, value="abuser_1")
    complaint = file(
        member.user,
        respondents=[
            {"membership_number": respondent.membership_number},
            {"platform": "twitter", "handle": "abuser_1"},
        ],
        evidence=[post("@Abuser_1")],
    )
    case = complaint.cases.get()
    assert case.respondent == respondent and case.evidence_count == 1


def test_rules_named_set_the_cases_categories_and_severity(member, respondent):
    complaint = file(
        member.user, respondents=[{"membership_number": respondent.membership_number}], rules=[rule("RU1")]
    )
    case = complaint.cases.get()
    assert list(case.categories.all()) == [category("threat_of_violence")]
    assert case.severity == rule("RU1").severity
    assert list(complaint.rules.all()) == [rule("RU1")]


def test_complaint_about_oneself_is_refused_and_nothing_is_stored(member):
    IdentityFactory(member=member, platform=Identity.Platform.TWITTER, value="me_myself")
    before = stored()
    for named in (
        {"membership_number": member.membership_number},
        {"platform": "twitter", "handle": "@Me_Myself"},
    ):
        with pytest.raises(ValidationError, match="about yourself"):
            file(member.user, respondents=[named], evidence=[post()])
    assert stored() == before


def test_unknown_membership_number_is_refused_and_nothing_is_stored(member, respondent):
    before = stored()
    with pytest.raises(ValidationError, match="unknown membership number 'X0000000'") as info:
        file(
            member.user,
            respondents=[{"membership_number": respondent.membership_number}, {"membership_number": "X0000000"}],
            evidence=[post()],
        )
    assert info.value.field == "respondents"
    assert stored() == before


@pytest.mark.parametrize("roles", [["officer"], ["panel"], []])
def test_login_without_a_member_cannot_file(roles, respondent):
    before = stored()
    with pytest.raises(PermissionDenied):
        file(UserFactory(roles=roles), respondents=[{"membership_number": respondent.membership_number}])
    assert stored() == before


# --- evidence ------------------------------------------------------------------------------------------------------


def test_duplicate_posts_are_counted_and_stored_once(member):
    evidence = [
        post(url="https://x.com/Abuser_1/status/1"),
        post(url="https://twitter.com/abuser_1/status/1?s=20", text="quoted differently"),
        post(url="https://x.com/abuser_1/status/2"),
        # No URL: the same sender (spelt differently), text and moment are one post.
        post("@ABUSER_1", "you are a disgrace"),
        post("abuser_1", "you are a disgrace", at=WHEN.astimezone(dt.timezone(dt.timedelta(hours=1)))),
        # The same words later are another post.
        post("abuser_1", "you are a disgrace", at=WHEN + dt.timedelta(minutes=5)),
    ]

    complaint = file(member.user, evidence=evidence)

    assert complaint.evidence.count() == 4
    assert set(complaint.evidence.exclude(url="").values_list("url_canonical", flat=True)) == {
        "https://twitter.com/abuser_1/status/1",
        "https://twitter.com/abuser_1/status/2",
    }
    (event,) = ingest_events(complaint)
    assert (event.data["received"], event.data["created"], event.data["duplicates"]) == (6, 4, 2)


def test_evidence_already_held_is_a_duplicate_in_a_later_batch(member):
    complaint = file(member.user, evidence=[post(url="https://twitter.com/abuser_1/status/1")])
    with transaction.atomic():
        result = evidence_ingest(
            complaint=complaint,
            items=[post(url="https://mobile.twitter.com/ABUSER_1/status/1/?utm_source=share")],
            actor=member.user,
        )
    assert (result.received, result.created, result.duplicates) == (1, 0, 1)
    assert complaint.evidence.count() == 1


def test_each_member_sender_gets_one_case_but_the_complainant_does_not(member):
    first, second = MemberFactory(), MemberFactory()
    IdentityFactory(member=first, platform=Identity.Platform.TWITTER, value="@first_sender")
    IdentityFactory(member=second, kind=Identity.Kind.EMAIL, platform="", value="second@example.org")
    IdentityFactory(member=member, platform=Identity.Platform.TWITTER, value="the_complainant")
    evidence = [
        post("First_Sender", "one"),
        post("https://x.com/first_sender", "two"),
        {"channel": "email", "author_email": "Second@Example.org", "text": "three", "occurred_at": WHEN},
        post("the_complainant", "my reply"),
        post("a_stranger", "four"),
    ]

    complaint = file(member.user, evidence=evidence)

    cases = {c.respondent: c for c in complaint.cases.all()}
    assert set(cases) == {first, second}
    assert (cases[first].evidence_count, cases[second].evidence_count) == (2, 1)
    assert set(complaint.evidence.filter(case=cases[first]).values_list("text", flat=True)) == {"one", "two"}
    assert complaint.evidence.get(text="my reply").case is None
    assert complaint.evidence.get(text="four").case is None and complaint.evidence.get(text="four").member is None


def test_later_evidence_reuses_the_members_case_and_opens_new_ones(member, respondent, t0):
    IdentityFactory(member=respondent, platform=Identity.Platform.TWITTER, value="abuser_1")
    newcomer = MemberFactory()
    IdentityFactory(member=newcomer, platform=Identity.Platform.TWITTER, value="pile_on")
    complaint = file(member.user, respondents=[{"platform": "twitter", "handle": "abuser_1"}], evidence=[post()])
    case = complaint.cases.get()
    assert case.evidence_count == 1

    with transaction.atomic():
        result = evidence_ingest(
            complaint=complaint,
            items=[post("abuser_1", "again"), post("@abuser_1", "and again"), post("pile_on", "me too")],
            actor=member.user,
            now=t0 + dt.timedelta(days=2),
        )

    assert (result.created, result.attributed, result.cases_opened) == (3, 3, 1)
    case.refresh_from_db()
    assert case.evidence_count == 3
    assert complaint.cases.count() == 2
    new_case = complaint.cases.get(respondent=newcomer)
    assert (new_case.reference, new_case.evidence_count) == (f"{complaint.reference}-002", 1)
    assert new_case.opened_at == t0 + dt.timedelta(days=2)


def test_each_batch_is_one_audit_event(member):
    complaint = file(member.user, evidence=[post(text=f"message {i}") for i in range(5)])
    assert ingest_events(complaint).count() == 1
    assert ingest_events(complaint).get().data["created"] == 5

    with transaction.atomic():
        evidence_ingest(complaint=complaint, items=[post(text="later 1"), post(text="later 2")], actor=member.user)

    assert ingest_events(complaint).count() == 2


def test_complaint_without_evidence_writes_no_ingest_event(member, respondent):
    complaint = file(member.user, respondents=[{"membership_number": respondent.membership_number}])
    assert not ingest_events(complaint).exists()


def test_evidence_times_are_kept(member):
    complaint = file(member.user, evidence=[post()])
    assert complaint.evidence.get().occurred_at == WHEN
    assert timezone.is_aware(complaint.evidence.get().occurred_at)
