"""Bulk evidence upload: JSON, CSV and NDJSON; atomic by default; skip_invalid; limits; duplicates; attribution."""

import io
import json

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from audit.models import AuditEvent
from complaints.models import Case, Evidence
from members.models import Identity
from tests.complaints.factories import ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def item(n, **over):
    row = {
        "channel": "twitter",
        "author_handle": f"sender{n % 7}",
        "text": f"message {n} resign now",
        "url": f"https://twitter.com/sender{n % 7}/status/{n}",
        "occurred_at": "2016-06-30T12:00:00Z",
    }
    row.update(over)
    return row


@pytest.fixture
def complaint():
    return ComplaintFactory()


@pytest.fixture
def owner(complaint):
    client = APIClient()
    client.force_authenticate(complaint.filed_by)
    return client


def url(complaint, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/complaints/{complaint.reference}/evidence/" + (f"?{query}" if query else "")


def test_json_array_is_stored_with_counts_and_one_audit_event(owner, complaint):
    before = AuditEvent.objects.count()
    response = owner.post(url(complaint), [item(n) for n in range(20)], format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "received": 20,
        "created": 20,
        "duplicates": 0,
        "rejected": [],
        "attributed": 0,
        "threats": 0,
        "cases_opened": 0,
    }
    assert Evidence.objects.filter(complaint=complaint).count() == 20
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().data["digest"]


def test_one_bad_row_rejects_the_batch_and_stores_nothing(owner, complaint):
    rows = [item(n) for n in range(5)] + [item(5, channel="pigeon"), item(6, occurred_at="2016-02-30T00:00:00Z")]
    response = owner.post(url(complaint), rows, format="json")
    assert response.status_code == 400
    assert [r["row"] for r in response.json()["rejected"]] == [6, 7]
    assert "channel" in response.json()["rejected"][0]["errors"]
    assert "occurred_at" in response.json()["rejected"][1]["errors"]
    assert Evidence.objects.count() == 0


def test_skip_invalid_stores_the_valid_rows_and_reports_the_rest(owner, complaint):
    rows = [item(n) for n in range(5)] + ["not an object", item(9, text=123)]
    response = owner.post(url(complaint, skip_invalid="true"), rows, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 5 and body["received"] == 7
    assert [r["row"] for r in body["rejected"]] == [6, 7]


def test_duplicates_within_and_across_batches_are_counted_not_stored(owner, complaint):
    first = [item(1), item(1, url="https://x.com/SENDER1/status/1/?utm_source=share")]
    assert owner.post(url(complaint), first, format="json").json()["duplicates"] == 1
    again = owner.post(
        url(complaint), [item(1, url="https://mobile.twitter.com/sender1/status/1"), item(2)], format="json"
    ).json()
    assert (again["created"], again["duplicates"]) == (1, 1)
    assert Evidence.objects.filter(complaint=complaint).count() == 2


def test_csv_and_ndjson_files(owner, complaint):
    csv_text = "channel,author_handle,text,occurred_at\ntwitter,@a_sender,traitor,2016-06-30T12:00:00Z\n"
    upload = io.BytesIO(csv_text.encode())
    upload.name = "wave.csv"
    response = owner.post(url(complaint), {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    ndjson = "\n".join(json.dumps(item(n)) for n in range(3)).encode()
    upload = io.BytesIO(ndjson)
    upload.name = "wave.ndjson"
    assert owner.post(url(complaint), {"file": upload}, format="multipart").json()["created"] == 3


def test_senders_attributed_to_members_open_one_case_each_and_threats_make_it_critical(owner, complaint):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="https://x.com/Sender1/")
    rows = [item(1, text="someone will hang you Ruth, just wait"), item(8)]
    body = owner.post(url(complaint), rows, format="json").json()
    assert (body["attributed"], body["threats"], body["cases_opened"]) == (2, 1, 1)
    case = Case.objects.get(complaint=complaint, respondent=member)
    assert case.severity == 4 and case.police_referral_due is not None and case.evidence_count == 2
    body = owner.post(url(complaint), [item(15)], format="json").json()
    assert body["cases_opened"] == 0 and Case.objects.filter(complaint=complaint).count() == 1


def test_identity_registered_later_attributes_waiting_evidence():
    complaint = ComplaintFactory()
    client = APIClient()
    client.force_authenticate(complaint.filed_by)
    client.post(url(complaint), [item(1), item(8)], format="json")
    assert not Case.objects.filter(complaint=complaint).exists()
    member = MemberFactory()
    Identity.objects.create(member=member, kind="handle", platform="twitter", value="@SENDER1")
    case = Case.objects.get(complaint=complaint, respondent=member)
    assert case.evidence_count == 2


def test_idempotency_key_repeat_stores_nothing_new(owner, complaint):
    rows = [item(n) for n in range(3)]
    first = owner.post(url(complaint), rows, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    second = owner.post(url(complaint), rows, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.json() == second.json() and second.status_code == 201
    assert Evidence.objects.count() == 3


@override_settings(CONDUCT={**__import__("django.conf").conf.settings.CONDUCT, "EVIDENCE_MAX_ITEMS": 3})
def test_too_many_items_is_413(owner, complaint):
    assert owner.post(url(complaint), [item(n) for n in range(4)], format="json").status_code == 413
    assert Evidence.objects.count() == 0


def test_other_members_get_404_and_panel_members_403(complaint):
    stranger = APIClient()
    stranger.force_authenticate(MemberFactory(with_login=True).user)
    assert stranger.post(url(complaint), [item(1)], format="json").status_code == 404
    auditor = APIClient()
    auditor.force_authenticate(UserFactory(roles=["auditor"]))
    assert auditor.post(url(complaint), [item(1)], format="json").status_code == 403
    assert Evidence.objects.count() == 0


def test_sender_ranking_is_for_officers_only(owner, complaint):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="sender1")
    owner.post(
        url(complaint), [item(1, text="I will find you Ruth and you will regret it"), item(2), item(8)], format="json"
    )
    assert owner.get(f"/api/complaints/{complaint.reference}/senders/").status_code == 403
    officer = APIClient()
    officer.force_authenticate(UserFactory(roles=["officer"]))
    ranking = officer.get(f"/api/complaints/{complaint.reference}/senders/").json()
    assert ranking["members"][0]["member"]["membership_number"] == member.membership_number
    assert ranking["members"][0]["threats"] == 1 and ranking["members"][0]["items"] == 2
    assert [s["sender"] for s in ranking["non_members"]] == ["sender2"]


def test_import_members_attributes_waiting_evidence_and_opens_a_case():
    from members.services import member_import_rows

    complaint = ComplaintFactory()
    client = APIClient()
    client.force_authenticate(complaint.filed_by)
    client.post(
        url(complaint), [item(3, text="we know where your office is Ruth, watch your back"), item(10)], format="json"
    )
    row = {
        "membership_number": "L9000001",
        "first_name": "Sam",
        "last_name": "Jones",
        "email": "",
        "phone": "",
        "constituency": "",
        "region": "",
        "joined_on": "",
        "status": "active",
        "twitter": "https://mobile.twitter.com/Sender3",
        "facebook": "",
        "offices": "",
    }
    member_import_rows(rows=[(2, row)])
    case = Case.objects.get(complaint=complaint, respondent__membership_number="L9000001")
    assert (case.evidence_count, case.threat_count, case.severity) == (2, 1, 4)
    assert case.police_referral_due is not None


def test_a_burst_of_near_identical_texts_from_five_senders_is_a_campaign(owner, complaint):
    from complaints.models import Campaign

    fillers = ["", "!!", " #JC4PM", " RT if you agree", " 😡"]
    burst = [
        item(
            100 + n,
            author_handle=f"bot{n}",
            url="",
            text=f"Deselect her now, traitor!{fillers[n]}",
            occurred_at=f"2016-06-30T12:{10 + n}:00Z",
        )
        for n in range(5)
    ]
    spread = [
        item(
            200 + n,
            author_handle=f"user{n}",
            url="",
            text="what a pathetic stunt",
            occurred_at=f"2016-07-{1 + 5 * n:02d}T12:00:00Z",
        )
        for n in range(5)
    ]
    owner.post(url(complaint), burst + spread, format="json")
    campaigns = list(Campaign.objects.filter(complaint=complaint))
    assert len(campaigns) == 1 and campaigns[0].senders == 5
    assert Evidence.objects.filter(campaign=campaigns[0]).count() == 5


def test_four_senders_are_not_a_campaign(owner, complaint):
    from complaints.models import Campaign

    rows = [
        item(
            100 + n,
            author_handle=f"bot{n}",
            url="",
            text="Deselect her now, traitor!",
            occurred_at=f"2016-06-30T12:{10 + n}:00Z",
        )
        for n in range(4)
    ]
    owner.post(url(complaint), rows, format="json")
    assert not Campaign.objects.exists()
