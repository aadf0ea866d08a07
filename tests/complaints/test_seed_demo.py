import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_verify
from complaints import workflow
from complaints.conflicts import conflict_reason
from complaints.models import Appeal, Case, Complaint, Decision, Evidence, Sanction
from members.models import Constituency, Identity, Member, Region
from tests.complaints.timeline import case_events

pytestmark = pytest.mark.django_db

STAFF = {
    "officer": "officer",
    "officer2": "officer",
    "panel1": "panel",
    "panel2": "panel",
    "panel3": "panel",
    "panel4": "panel",
    "auditor": "auditor",
}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, **kwargs)
    return out.getvalue()


def counts() -> dict:
    models = [
        Region,
        Constituency,
        Member,
        Identity,
        get_user_model(),
        Complaint,
        Evidence,
        Case,
        Decision,
        Sanction,
        Appeal,
        AuditEvent,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_builds_cases_at_every_stage_through_the_services():
    output = seed("--password", "demo-pass-123")

    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert Complaint.objects.count() >= 40
    assert Member.objects.count() >= 300
    assert set(Region.objects.values_list("name", flat=True)) >= {
        "West Midlands",
        "London",
        "North West",
        "Yorkshire and the Humber",
        "Scotland",
        "Wales",
    }
    platforms = set(Identity.objects.values_list("platform", flat=True))
    assert {"twitter", "facebook"} <= platforms
    # Every case's timeline was written by the services and ends where the case is.
    for case in Case.objects.exclude(status=Case.Status.RECEIVED):
        last = (case_events(case) or [None])[-1]
        assert last is not None and last.to_status == case.status, case.reference
    assert audit_verify().ok is True
    assert "demo-pass-123" in output
    assert "http://127.0.0.1:8000/admin/" in output and "http://127.0.0.1:8000/api/docs/" in output


def test_seed_demo_decisions_give_pending_active_spent_and_overturned_sanctions():
    seed()
    today = timezone.localdate()

    decided = Decision.objects.filter(case__status=Case.Status.DECIDED)
    pending = decided.filter(needs_confirmation=True, confirmed_at__isnull=True).get()
    assert set(pending.sanctions.values_list("status", flat=True)) == {Sanction.Status.PENDING}
    assert decided.filter(needs_confirmation=True, confirmed_at__isnull=False).exists()

    statuses = {s.effective_status(today) for s in Sanction.objects.all()}
    assert {Sanction.Status.ACTIVE, Sanction.Status.SPENT, Sanction.Status.OVERTURNED} <= statuses
    spent = Sanction.objects.get(status=Sanction.Status.SPENT)
    assert spent.sanction_type.code == "suspension_membership" and spent.duration_days == 30
    assert spent.ends_on < today
    assert spent.member.standing_on(today) == Member.Standing.GOOD
    overturned = Sanction.objects.get(status=Sanction.Status.OVERTURNED)
    assert overturned.case.appeals.get().outcome == Appeal.Outcome.UPHELD
    assert Sanction.objects.filter(status=Sanction.Status.ACTIVE, ends_on__gte=today).exists()


def test_seed_demo_logins_have_their_roles_and_no_conflicts():
    seed("--password", "demo-pass-123")
    User = get_user_model()

    for username, group in STAFF.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.is_staff and user.check_password("demo-pass-123")
        assert not Member.objects.filter(user=user).exists()
    member_user = User.objects.get(username="member")
    respondent_user = User.objects.get(username="respondent")
    assert not member_user.groups.exists() and not respondent_user.groups.exists()
    assert Complaint.objects.filter(complainant__user=member_user, filed_by=member_user).exists()

    # The respondent login can answer its notice and appeal its decision.
    theirs = Case.objects.filter(respondent__user=respondent_user)
    awaiting = theirs.get(status=Case.Status.AWAITING_RESPONSE)
    decided = theirs.get(status=Case.Status.DECIDED)
    assert "record_response" in workflow.allowed_actions(awaiting, respondent_user)
    assert "lodge_appeal" in workflow.allowed_actions(decided, respondent_user)

    staff = list(User.objects.filter(username__in=STAFF))
    for case in Case.objects.select_related("complaint__complainant", "respondent"):
        for user in staff:
            assert conflict_reason(user, case) is None, (user.username, case.reference)


def test_seed_demo_twice_creates_nothing_new_and_resets_the_password(monkeypatch):
    seed("--password", "first-pass-123")
    before = counts()
    monkeypatch.setenv("DEMO_PASSWORD", "second-pass-456")

    output = seed()

    assert counts() == before
    assert "nothing created" in output and "second-pass-456" in output
    assert get_user_model().objects.get(username="officer").check_password("second-pass-456")
    assert audit_verify().ok is True


def test_seed_demo_shows_threats_from_strangers_and_a_missed_threat_an_officer_corrected():
    from complaints.selectors.threats import police_clock, threat_senders

    seed()
    strangers = Complaint.objects.get(summary__startswith="Threats after the hustings")
    senders = threat_senders(complaint=strangers)
    assert len([s for s in senders if s["member"] is None]) >= 3
    clock = police_clock(complaint=strangers)
    assert clock.running and not clock.overdue
    supplementary = police_clock(complaint=Complaint.objects.get(summary__startswith="Threats to a councillor"))
    assert supplementary.running and supplementary.supplementary
    corrected = Evidence.objects.get(author_handle="@quiet_neighbour_")
    assert (corrected.threat, corrected.machine_threat, corrected.classified_by.username) == (True, False, "officer")
    assert corrected.police_referrals.get().force == "Greater Manchester Police"
    # The threat the lexicon alone missed is caught wherever the demo sends it.
    strung = Evidence.objects.filter(text__startswith="Someone should string", text__contains=" up ")
    assert strung.exists() and all(e.threat and e.machine_threat and e.severity == 4 for e in strung)


def test_seed_demo_holds_a_mass_abuse_wave_for_the_workbench():
    seed()
    wave = Complaint.objects.get(summary__startswith="A wave of 2,500")
    assert wave.evidence.count() > 2000 and wave.cases.count() >= 10 and wave.campaigns.exists()
    assert wave.evidence.filter(threat=True, member__isnull=True).exists()
