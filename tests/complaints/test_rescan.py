"""The lexicon looks back: a changed lexicon re-scans stored evidence (complaints/services/evidence/rescan.py),
through the admin in the background or with `manage.py rescan_evidence`."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Evidence
from complaints.selectors.threats import police_clock
from complaints.services.evidence import evidence_upload
from complaints.services.evidence.classification import evidence_classify
from complaints.services.evidence.rescan import evidence_rescan
from conduct.models import Category, IndicatorPhrase
from tests.complaints.factories import ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

QUIET = "we will see about Lucy at the selection meeting"  # no harm the detector knows of, until an officer says so
ABUSE = "Lucy you are a disgrace"
THREAT = "I will stab you Lucy"


def row(n, text, handle="troll_a"):
    return {
        "channel": "twitter",
        "author_handle": handle,
        "text": text,
        "url": f"https://twitter.com/{handle}/status/{n}",
        "occurred_at": dt.datetime(2026, 11, 1, 12, n % 60, tzinfo=dt.UTC),
    }


@pytest.fixture
def complaint():
    return ComplaintFactory(target_names=["Lucy", "Lucy Ward"], target_pronouns=["she", "her"])


@pytest.fixture
def member_sender():
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="member_sender")
    return member


@pytest.fixture
def received():
    return timezone.now() - dt.timedelta(hours=5)


@pytest.fixture
def stored(complaint, member_sender, received):
    """A quiet message from a member (so it has a case), abuse from a stranger, and a threat."""
    items = [row(1, QUIET, "member_sender"), row(2, ABUSE), row(3, THREAT)]
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by, now=received)
    return {e.text: e for e in Evidence.objects.filter(complaint=complaint)}


@pytest.fixture
def officer_client():
    client = Client()
    client.force_login(UserFactory(roles=["officer"]))
    return client


def threat_category():
    return Category.objects.get(code="threat_of_violence")


def add_phrase_in_admin(client, text, category=None):
    return client.post(
        reverse("admin:conduct_indicatorphrase_add"),
        {
            "category": (category or threat_category()).pk,
            "kind": "phrase",
            "text": text,
            "severity": "",
            "active": "on",
        },
    )


def test_a_phrase_added_in_the_admin_rescans_and_finds_a_threat_that_starts_the_clock(
    stored, complaint, officer_client, django_capture_on_commit_callbacks
):
    quiet = stored[QUIET]
    assert (quiet.threat, quiet.case.threat_count, police_clock(complaint=complaint).pending) == (False, 0, 1)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = add_phrase_in_admin(officer_client, "see about {target}")
    assert response.status_code == 302
    assert len(callbacks) == 1  # one re-scan, after the change commits
    quiet.refresh_from_db()
    assert (quiet.threat, quiet.machine_threat, quiet.categories[0], quiet.severity) == (
        True,
        True,
        "threat_of_violence",
        4,
    )
    assert quiet.threat_since >= before  # received now: the clock runs from the re-scan, not the message
    quiet.case.refresh_from_db()
    assert (quiet.case.threat_count, quiet.case.severity) == (1, 4) and quiet.case.police_referral_due is not None
    clock = police_clock(complaint=complaint)
    assert clock.pending == 2 and clock.first_threat_received_at < before  # the earlier threat still leads
    event = AuditEvent.objects.get(action="evidence.rescan")
    assert (event.object_id, event.actor) == (str(complaint.pk), response.wsgi_request.user)
    assert event.data["threats_found"] == [quiet.pk] and event.data["cases"] == [quiet.case.reference]
    assert (event.data["items"], event.data["machine_changed"], event.data["reclassified"]) == (3, 1, 1)


def test_an_entry_deleted_in_bulk_rescans_once_and_clears_the_threats_only_it_found(
    complaint, received, officer_client, django_capture_on_commit_callbacks
):
    entry = IndicatorPhrase.objects.create(category=threat_category(), text="see about {target}")
    other = IndicatorPhrase.objects.create(category=threat_category(), text="see to {target}")
    evidence_upload(complaint=complaint, items=[row(1, QUIET)], rejected=[], actor=complaint.filed_by, now=received)
    quiet = Evidence.objects.get(complaint=complaint)
    assert quiet.threat and quiet.threat_since == received
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = officer_client.post(
            reverse("admin:conduct_indicatorphrase_changelist"),
            {"action": "delete_selected", "_selected_action": [entry.pk, other.pk], "post": "yes"},
        )
    assert response.status_code == 302 and len(callbacks) == 1
    quiet.refresh_from_db()
    assert (quiet.threat, quiet.machine_threat, quiet.threat_since) == (False, False, None)
    assert AuditEvent.objects.get(action="evidence.rescan").data["threats_cleared"] == [quiet.pk]


def test_an_officers_correction_stands_but_the_machine_flags_follow(
    stored, complaint, django_capture_on_commit_callbacks
):
    officer = UserFactory(roles=["officer"])
    quiet = evidence_classify(
        evidence=stored[QUIET], actor=officer, threat=False, categories=["harassment"], reason="A fixture, no more."
    )
    IndicatorPhrase.objects.create(category=threat_category(), text="see about {target}")
    result = evidence_rescan()
    quiet.refresh_from_db()
    assert (quiet.threat, quiet.categories, quiet.threat_since) == (False, ["harassment"], None)
    assert (quiet.machine_threat, quiet.machine_categories) == (True, ["threat_of_violence"])
    [found] = result.complaints
    assert (found.machine_changed, found.reclassified, found.kept_by_officer, found.threats_found) == (1, 0, 1, [])
    assert police_clock(complaint=complaint).pending == 1


def test_a_dry_run_changes_nothing(stored, complaint):
    IndicatorPhrase.objects.create(category=threat_category(), text="see about {target}")
    columns = ("pk", "threat", "categories", "severity", "threat_since", "machine_threat", "machine_categories")
    before = list(Evidence.objects.order_by("pk").values_list(*columns))
    events = AuditEvent.objects.count()
    result = evidence_rescan(dry_run=True)
    assert (result.items_changed, result.threats_found) == (1, 1)
    assert list(Evidence.objects.order_by("pk").values_list(*columns)) == before
    assert AuditEvent.objects.count() == events


def test_a_rescan_with_nothing_new_changes_nothing_and_writes_no_event(stored):
    result = evidence_rescan()
    assert (result.items, result.items_changed, result.complaints) == (3, 0, [])
    assert not AuditEvent.objects.filter(action="evidence.rescan").exists()


def test_the_command_prints_the_items_and_cases_that_changed(stored, complaint):
    IndicatorPhrase.objects.create(category=threat_category(), text="see about {target}")
    out = StringIO()
    call_command("rescan_evidence", "--complaint", complaint.reference, "--dry-run", stdout=out)
    quiet = stored[QUIET]
    text = out.getvalue()
    assert f"{complaint.reference} item {quiet.pk}: threat False -> True" in text
    assert f"cases {quiet.case.reference}" in text and "dry run: nothing written" in text
    assert not Evidence.objects.get(pk=quiet.pk).threat
    out = StringIO()
    call_command("rescan_evidence", stdout=out)
    assert "1 threat(s) found" in out.getvalue() and Evidence.objects.get(pk=quiet.pk).threat


def test_the_command_refuses_an_unknown_complaint():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No complaint RU-NOPE"):
        call_command("rescan_evidence", "--complaint", "RU-NOPE", stdout=StringIO())


def _upload(complaint, n, members):
    items = [row(i, f"{QUIET} {i}", f"member_{i % len(members)}") for i in range(n)]
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by)


@pytest.mark.parametrize("n", [20, 200])
def test_a_rescans_queries_do_not_grow_with_the_items(n, django_assert_max_num_queries):
    members = []
    for i in range(5):
        member = MemberFactory()
        IdentityFactory(member=member, platform="twitter", value=f"member_{i}")
        members.append(member)
    complaint = ComplaintFactory(target_names=["Lucy"], target_pronouns=["she"])
    _upload(complaint, n, members)
    IndicatorPhrase.objects.create(category=threat_category(), text="see about {target}")
    with django_assert_max_num_queries(25):
        result = evidence_rescan()
    assert (result.items, result.items_changed, result.threats_found) == (n, n, n)
    assert len(result.cases) == 5
