"""Threats reach the police whoever sent them: the complaint's threat register and clock, referrals
covering many senders, supplementary clocks, and officers' corrections of the machine's flags."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Case, ConflictDeclaration, Evidence, PoliceReferral
from complaints.selectors import overdue_q
from complaints.selectors.threats import police_clock
from complaints.services.evidence import evidence_upload
from tests.complaints.factories import ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

THREAT = "someone will hang you Ruth, just wait"
ABUSE = "resign now, you are a disgrace"


def row(n, handle, text, minute=0, **over):
    item = {
        "channel": "twitter",
        "author_handle": handle,
        "text": f"{text} #{n}",
        "url": f"https://twitter.com/{handle}/status/{n}",
        "occurred_at": dt.datetime(2016, 6, 30, 12, minute, tzinfo=dt.UTC),
    }
    item.update(over)
    return item


@pytest.fixture
def complaint():
    return ComplaintFactory()


@pytest.fixture
def member_sender():
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="memberhandle")
    return member


@pytest.fixture
def received():
    return timezone.now() - dt.timedelta(hours=3)


@pytest.fixture
def wave(complaint, member_sender, received):
    """Threats from two non-members (three and one) and a member (one), and abuse that is no threat."""
    items = [
        row(1, "troll_a", THREAT, 5),
        row(2, "troll_a", THREAT, 1),
        row(3, "troll_a", THREAT, 9),
        row(4, "troll_b", THREAT, 0),
        row(5, "memberhandle", THREAT, 3),
        row(6, "troll_c", ABUSE, 2),
    ]
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by, now=received)
    return complaint


def utc(moment) -> str:
    """A December time as the API writes it (in the party's zone, London, which is then UTC)."""
    return timezone.localtime(moment).isoformat().replace("+00:00", "Z")


def threats_url(complaint):
    return f"/api/complaints/{complaint.reference}/threats/"


def referrals_url(complaint):
    return f"/api/complaints/{complaint.reference}/police-referrals/"


def test_the_register_groups_every_threat_by_sender_member_or_not(wave, officer, client_for, member_sender, received):
    body = client_for(officer).get(threats_url(wave)).json()
    assert [(s["key"], s["threats"]) for s in body["senders"]] == [
        ("handle:twitter:troll_a", 3),
        ("handle:twitter:troll_b", 1),
        ("handle:twitter:memberhandle", 1),
    ]
    first = body["senders"][0]
    assert (first["channel"], first["handle"], first["member"]) == ("twitter", "troll_a", None)
    assert (first["first_at"], first["last_at"]) == ("2016-06-30T13:01:00+01:00", "2016-06-30T13:09:00+01:00")
    ids = list(Evidence.objects.filter(author_handle="troll_a").order_by("occurred_at").values_list("pk", flat=True))
    assert first["items"] == ids
    assert body["senders"][2]["member"] == {
        "membership_number": member_sender.membership_number,
        "name": member_sender.name,
    }
    # The clock runs from the upload, not from the messages' own time.
    due = received + dt.timedelta(hours=24)
    assert (body["first_threat_received_at"], body["referral_due"]) == (utc(received), utc(due))
    assert (body["overdue"], body["pending"], body["threats"], body["referrals"]) == (False, 5, 5, [])


def test_the_clock_is_overdue_a_day_after_the_first_threat_was_received(wave, received):
    assert police_clock(complaint=wave, now=received + dt.timedelta(hours=23, minutes=59)).overdue is False
    assert police_clock(complaint=wave, now=received + dt.timedelta(hours=24, minutes=1)).overdue is True


def test_one_referral_covers_every_sender_stops_the_clock_and_is_audited(wave, officer, client_for, member_sender):
    response = client_for(officer).post(
        referrals_url(wave),
        {
            "force": "Metropolitan Police",
            "unit": "Counter Terrorism Command",
            "crime_reference": "CT/1",
            "senders": "all",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["senders"], body["items"], body["case"], body["force"]) == ("all", 5, None, "Metropolitan Police")
    register = client_for(officer).get(threats_url(wave)).json()
    assert (register["pending"], register["overdue"], len(register["referrals"])) == (0, False, 1)
    event = AuditEvent.objects.get(action="complaint.police_referral")
    assert event.data["items"] == 5 and event.data["senders"] == "all" and event.actor == officer
    # The member's case is satisfied by it: no longer overdue, and nobody records it twice.
    case = Case.objects.get(complaint=wave, respondent=member_sender)
    later = timezone.now() + dt.timedelta(days=2)
    assert not Case.objects.filter(overdue_q(later), pk=case.pk).exists()
    refused = client_for(officer).post(
        f"/api/cases/{case.reference}/police-referrals/", {"force": "Metropolitan Police"}, format="json"
    )
    assert refused.status_code == 409
    assert "already covers this respondent's threats" in refused.json()["detail"]
    assert case.status == Case.Status.RECEIVED and Case.objects.get(pk=case.pk).status == Case.Status.RECEIVED


def test_threats_after_a_referral_start_a_supplementary_clock(wave, officer, client_for):
    client_for(officer).post(referrals_url(wave), {"force": "Metropolitan Police"}, format="json")
    later = timezone.now() - dt.timedelta(minutes=10)
    evidence_upload(complaint=wave, items=[row(7, "troll_d", THREAT, 30)], rejected=[], actor=wave.filed_by, now=later)
    register = client_for(officer).get(threats_url(wave)).json()
    assert (register["pending"], register["supplementary"]) == (1, True)
    assert register["first_threat_received_at"] == utc(later)
    key = "handle:twitter:troll_d"
    response = client_for(officer).post(
        referrals_url(wave), {"force": "Metropolitan Police", "senders": [key]}, format="json"
    )
    assert response.status_code == 201 and response.json()["items"] == 1
    assert client_for(officer).get(threats_url(wave)).json()["pending"] == 0


def test_a_referral_naming_some_senders_leaves_the_others_running(wave, officer, client_for):
    response = client_for(officer).post(
        referrals_url(wave),
        {"not_referred_reason": "Below the threshold agreed with the force.", "senders": ["handle:twitter:troll_b"]},
        format="json",
    )
    assert response.status_code == 201 and response.json()["senders"] == ["handle:twitter:troll_b"]
    assert police_clock(complaint=wave).pending == 4


@pytest.mark.parametrize(
    "payload, field, words",
    [
        ({"force": "Met", "senders": ["handle:twitter:nobody", "x"]}, "senders", "'handle:twitter:nobody', 'x'"),
        ({"unit": "", "senders": "all"}, "force", "Name the police force"),
        ({"force": "Met", "not_referred_reason": "both"}, "not_referred_reason", "not both"),
        ({"force": "Met", "senders": "some"}, "senders", 'Give "all" or a list'),
        ({"force": "Met", "referred_at": "2999-01-01T00:00:00Z"}, "referred_at", "future"),
    ],
)
def test_a_bad_referral_is_refused_in_words_and_changes_nothing(wave, officer, client_for, payload, field, words):
    before = AuditEvent.objects.count()
    response = client_for(officer).post(referrals_url(wave), payload, format="json")
    assert response.status_code == 400
    assert words in str(response.json()[field])
    assert PoliceReferral.objects.count() == 0 and AuditEvent.objects.count() == before


def test_only_officers_without_a_conflict_reach_the_register(wave, client_for, member_sender, auditor):
    assert client_for(wave.filed_by).get(threats_url(wave)).status_code == 403
    assert client_for(auditor).get(threats_url(wave)).status_code == 403
    conflicted = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=conflicted, member=member_sender, reason="my cousin")
    assert client_for(conflicted).get(threats_url(wave)).status_code == 404
    assert client_for(conflicted).post(referrals_url(wave), {"force": "Met"}, format="json").status_code == 404
    item = Evidence.objects.filter(complaint=wave).first()
    answer = client_for(conflicted).post(
        f"/api/evidence/{item.pk}/classification/", {"threat": True, "categories": [], "reason": "x"}, format="json"
    )
    assert answer.status_code == 404 and PoliceReferral.objects.count() == 0


def test_the_register_reads_in_the_same_queries_however_many_senders(wave, officer, client_for):
    client = client_for(officer)
    with CaptureQueriesContext(connection) as few:
        client.get(threats_url(wave))
    client.post(referrals_url(wave), {"force": "Metropolitan Police"}, format="json")
    evidence_upload(
        complaint=wave,
        items=[row(n, f"more{n}", THREAT, n % 60) for n in range(10, 40)],
        rejected=[],
        actor=wave.filed_by,
    )
    with CaptureQueriesContext(connection) as many:
        body = client.get(threats_url(wave)).json()
    assert len(body["senders"]) == 33 and len(body["referrals"]) == 1
    assert len(many) == len(few)


# --- Officers correct the machine ---------------------------------------------------------------------


def classify(client, item, **payload):
    return client.post(f"/api/evidence/{item.pk}/classification/", payload, format="json")


@pytest.fixture
def missed(complaint, member_sender, received):
    """A threat the lexicon did not know, from a member, and abuse it flagged."""
    items = [
        row(1, "memberhandle", "nice new curtains at number 14. we noticed", 1),
        row(2, "memberhandle", "you are a disgrace to this party", 2),
    ]
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by, now=received)
    return Evidence.objects.get(text__contains="curtains at number 14")


def test_an_officer_marks_a_missed_threat_and_everything_follows_at_once(missed, officer, client_for):
    case = missed.case
    assert (missed.threat, case.threat_count, police_clock(complaint=missed.complaint).pending) == (False, 0, 0)
    before = timezone.now()
    response = classify(
        client_for(officer), missed, threat=True, categories=["misogyny"], reason="Arson threat against her office."
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["threat"], body["categories"], body["machine_threat"]) == (
        True,
        ["threat_of_violence", "misogyny"],
        False,
    )
    missed.refresh_from_db()
    assert missed.threat_since >= before and missed.severity == 4 and missed.classified_by == officer
    case.refresh_from_db()
    assert (case.threat_count, case.severity) == (1, 4) and case.police_referral_due is not None
    assert {"threat_of_violence", "misogyny"} <= set(case.categories.values_list("code", flat=True))
    clock = police_clock(complaint=missed.complaint)
    assert clock.pending == 1 and clock.first_threat_received_at == missed.threat_since
    event = AuditEvent.objects.get(action="evidence.classify")
    assert event.data["reason"] == "Arson threat against her office." and event.data["from"]["threat"] is False
    assert event.case_ref == case.reference


def test_an_officer_clears_a_false_threat_and_the_case_falls_back(wave, officer, client_for, member_sender):
    case = Case.objects.get(complaint=wave, respondent=member_sender)
    item = Evidence.objects.get(case=case)
    assert (case.severity, case.threat_count) == (4, 1)
    response = classify(client_for(officer), item, threat=False, categories=[], reason="Quoting a film line.")
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.threat_count, case.police_referral_due) == (0, None)
    assert case.severity < 4 and "threat_of_violence" not in set(case.categories.values_list("code", flat=True))
    item.refresh_from_db()
    assert (item.threat, item.machine_threat, item.threat_since) == (False, True, None)


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"threat": True, "categories": []}, "reason"),
        ({"threat": True, "categories": [], "reason": "   "}, "reason"),
        ({"threat": True, "categories": ["nonsense"], "reason": "x"}, "categories"),
        ({"threat": "yes", "categories": [], "reason": "x"}, "threat"),
    ],
)
def test_a_bad_classification_is_refused_and_changes_nothing(missed, officer, client_for, payload, field):
    before = AuditEvent.objects.count()
    response = client_for(officer).post(f"/api/evidence/{missed.pk}/classification/", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    missed.refresh_from_db()
    assert (missed.threat, missed.classified_at, AuditEvent.objects.count()) == (False, None, before)


def test_a_case_opened_by_an_upload_carries_its_evidence_categories_from_the_start(wave, member_sender):
    case = Case.objects.get(complaint=wave, respondent=member_sender)
    assert "threat_of_violence" in set(case.categories.values_list("code", flat=True))


def test_the_detector_is_measured_against_officers_decisions_in_the_stats(complaint, officer, auditor, client_for):
    texts = [THREAT] * 4 + ["nice new curtains at number 14. we noticed"] * 2 + [ABUSE]
    items = [row(n, f"s{n}", text, n) for n, text in enumerate(texts)]
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by)
    evidence = list(Evidence.objects.filter(complaint=complaint).order_by("pk"))
    client = client_for(officer)
    for item in evidence[:3]:  # the detector was right
        assert classify(client, item, threat=True, categories=[], reason="Confirmed.").status_code == 200
    assert classify(client, evidence[3], threat=False, categories=[], reason="A quotation.").status_code == 200
    for item in evidence[4:6]:  # threats it missed
        assert classify(client, item, threat=True, categories=[], reason="Veiled threat.").status_code == 200
    body = client_for(auditor).get("/api/audit/stats/").json()
    assert body["threat_detection"] == {
        "reviewed_by_officers": 6,
        "agreed": "<5",
        "threats_missed": "<5",
        "false_alarms": "<5",
        "precision": 0.75,
        "recall": 0.6,
    }
