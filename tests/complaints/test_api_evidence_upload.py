"""Bulk evidence upload: JSON, CSV and NDJSON; atomic by default; skip_invalid; limits; duplicates; attribution."""

import io
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from complaints.models import Case, Evidence
from members.models import Identity
from members.services import member_identities_changed
from tests.complaints.factories import ComplaintFactory, EvidenceFactory
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
def owner(client_for, complaint):
    client = client_for(complaint.filed_by)
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
        "threats": 0,
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


def test_senders_attributed_to_members_open_one_case_each_and_threats_make_it_critical(complaint, client_for, officer):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="https://x.com/Sender1/")
    rows = [item(1, text="someone will hang you Ruth, just wait"), item(8)]
    staff = client_for(officer)
    body = staff.post(url(complaint), rows, format="json").json()
    assert (body["attributed"], body["threats"], body["cases_opened"]) == (2, 1, 1)
    case = Case.objects.get(complaint=complaint, respondent=member)
    assert case.severity == 4 and case.police_referral_due is not None and case.evidence_count == 2
    body = staff.post(url(complaint), [item(15)], format="json").json()
    assert body["cases_opened"] == 0 and Case.objects.filter(complaint=complaint).count() == 1


def test_identity_registered_later_attributes_waiting_evidence(client_for):
    complaint = ComplaintFactory()
    client = client_for(complaint.filed_by)
    client.post(url(complaint), [item(1), item(8)], format="json")
    assert not Case.objects.filter(complaint=complaint).exists()
    member = MemberFactory()
    officer = UserFactory(roles=["officer"])
    identity = Identity.objects.create(member=member, kind="handle", platform="twitter", value="@SENDER1")
    member_identities_changed(member=member, actor=officer, added=[identity])
    case = Case.objects.get(complaint=complaint, respondent=member)
    assert case.evidence_count == 2
    # The case opening is the officer's, not the system's.
    opened = AuditEvent.objects.get(action="case.open", case_ref=case.reference)
    assert opened.actor_name == officer.username


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


def test_other_members_get_404_and_panel_members_403(client_for, complaint):
    stranger = client_for(MemberFactory(with_login=True).user)
    assert stranger.post(url(complaint), [item(1)], format="json").status_code == 404
    auditor = client_for(UserFactory(roles=["auditor"]))
    assert auditor.post(url(complaint), [item(1)], format="json").status_code == 403
    assert Evidence.objects.count() == 0


def test_sender_ranking_is_for_officers_only(client_for, owner, complaint):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="sender1")
    owner.post(
        url(complaint), [item(1, text="I will find you Ruth and you will regret it"), item(2), item(8)], format="json"
    )
    assert owner.get(f"/api/complaints/{complaint.reference}/senders/").status_code == 403
    officer = client_for(UserFactory(roles=["officer"]))
    ranking = officer.get(f"/api/complaints/{complaint.reference}/senders/").json()
    assert ranking["members"][0]["member"]["membership_number"] == member.membership_number
    assert ranking["members"][0]["threats"] == 1 and ranking["members"][0]["items"] == 2
    assert [s["sender"] for s in ranking["non_members"]] == ["sender2"]


def test_import_members_attributes_waiting_evidence_and_opens_a_case(client_for):
    from members.services import member_import_rows

    complaint = ComplaintFactory()
    client = client_for(complaint.filed_by)
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


# --- Storing at volume ---------------------------------------------------------------------------


def _raw_row(pk: int) -> dict:
    """The row as the database holds it (no field conversion), but for its own id, complaint and creation time."""
    columns = [f.column for f in Evidence._meta.concrete_fields if f.column not in ("id", "complaint_id", "created_at")]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {Evidence._meta.db_table} WHERE id = %s", [pk])
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_an_uploaded_row_is_stored_exactly_as_the_orm_would_store_it(owner, complaint):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="sender1")
    rows = [item(1, text="someone will hang you Ruth, just wait", occurred_at="2016-06-30T13:00:00.123456+01:00")]
    assert owner.post(url(complaint), rows, format="json").status_code == 201
    stored = Evidence.objects.get(complaint=complaint)
    assert stored.member == member and stored.case is not None and stored.threat

    other = ComplaintFactory()
    values = {f.attname: getattr(stored, f.attname) for f in Evidence._meta.concrete_fields}
    copy = Evidence(**{**values, "id": None, "complaint_id": other.pk, "attachment": None})
    Evidence.objects.bulk_create([copy])
    assert _raw_row(stored.pk) == _raw_row(copy.pk)
    assert abs(stored.created_at - Evidence.objects.get(pk=copy.pk).created_at).total_seconds() < 60


def _upload_queries(client, complaint, n: int) -> int:
    rows = [item(i, author_handle=f"sender{i % 40}", text=f"message {i} traitor") for i in range(n)]
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url(complaint), rows, format="json")
    assert response.status_code == 201 and response.json()["created"] == n
    return len(ctx.captured_queries)


def test_queries_grow_with_batches_of_500_not_with_items(client_for):
    for i, member in enumerate(MemberFactory.create_batch(3)):
        IdentityFactory(member=member, platform="twitter", value=f"sender{i}")
    officer = client_for(UserFactory(roles=["officer"]))
    _upload_queries(officer, ComplaintFactory(), 10)  # warm the per-login role cache
    # Complaints that already hold evidence, so that every upload is checked for duplicates.
    few = _upload_queries(officer, EvidenceFactory().complaint, 100)
    many = _upload_queries(officer, EvidenceFactory().complaint, 2000)
    # Twenty times the items cost a few more lookups of 500 values (duplicates, text signatures), no more.
    assert many <= few + 2 * (2000 // 500), (few, many)


def test_a_burst_spread_over_two_uploads_is_one_campaign_with_all_its_items(owner, complaint):
    from complaints.models import Campaign

    def bot(n):
        return item(
            100 + n, author_handle=f"bot{n}", url="", text="Deselect her now!", occurred_at=f"2016-06-30T12:1{n}:00Z"
        )

    owner.post(url(complaint), [bot(n) for n in range(3)], format="json")
    assert not Campaign.objects.exists()
    owner.post(url(complaint), [bot(n) for n in range(3, 6)], format="json")
    campaign = Campaign.objects.get(complaint=complaint)
    assert (campaign.senders, campaign.items) == (6, 6)
    assert Evidence.objects.filter(campaign=campaign).count() == 6
    assert campaign.first_at.minute == 10 and campaign.last_at.minute == 15


def test_a_cases_referral_clock_starts_at_its_first_threat_and_volume_raises_its_severity(owner, complaint):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="sender1")
    owner.post(url(complaint), [item(1, text="someone will hang you Ruth, just wait")], format="json")
    case = Case.objects.get(complaint=complaint)
    due = case.police_referral_due
    assert (case.severity, case.threat_count) == (4, 1) and due is not None
    owner.post(url(complaint), [item(7 * n + 1, text=f"I will find you Ruth {n}") for n in range(1, 12)], format="json")
    case.refresh_from_db()
    assert (case.evidence_count, case.threat_count, case.police_referral_due) == (12, 12, due)

    other = MemberFactory()
    IdentityFactory(member=other, platform="twitter", value="sender2")
    owner.post(url(complaint), [item(7 * n + 2, text=f"what a pathetic stunt {n}") for n in range(10)], format="json")
    case = Case.objects.get(complaint=complaint, respondent=other)
    assert (case.evidence_count, case.threat_count, case.severity, case.police_referral_due) == (10, 0, 2, None)


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"text": "nul\x00byte"}, "text", "Null characters are not allowed."),
        ({"author_name": "lone \ud800 surrogate"}, "author_name", "Surrogate characters are not allowed: U+D800."),
        ({"url": "https://[::1/status/1"}, "url", "Not a valid http(s) URL."),
        ({"url": "ftp://example.org/post"}, "url", "Not a valid http(s) URL."),
    ],
    ids=["nul", "surrogate", "unclosed-ipv6-host", "not-http"],
)
def test_a_value_no_database_would_take_is_a_row_error(owner, complaint, change, field, message):
    response = owner.post(url(complaint), [item(1), item(2, **change)], format="json")
    assert response.status_code == 400
    assert response.json()["rejected"] == [{"row": 2, "errors": {field: [message]}}]
    assert Evidence.objects.count() == 0


def test_csv_rows_short_long_and_blank_are_read_as_before(owner, complaint):
    csv_text = (
        "channel,author_handle,text,occurred_at\n"
        "twitter,@a_sender,traitor,2016-06-30T12:00:00Z\n"
        "\n"
        "twitter,@b_sender,traitor,2016-06-30T12:01:00Z,an extra cell\n"
        "twitter,@c_sender,traitor\n"
    )
    upload = io.BytesIO(csv_text.encode())
    upload.name = "wave.csv"
    response = owner.post(url(complaint), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["rejected"] == [{"row": 3, "errors": {"occurred_at": ["This field is required."]}}]


LEXICON_TEXTS = [
    "you are a traitor",
    "traitorous behaviour",  # inside a word: no
    "[traitor] in brackets",  # a placeholder, not the word
    "a [profanity] embarrassment",
    "he is a [profanity]s fan",
    "TRAITOR!!! Resign now.",
    "we know where your office is, watch your back",
    "you should hang from the gallows",
    "string her up",
    "string Ruth up",
    "string him up",
    "stringher up",
    "h 4 n g  h e r  f r o m  t h e  g a l l o w s",
    "deselect her now and get out of our party",
    "nothing to see here",
    "",
    "ｔｒａｉｔｏｒ in full width",
]


def test_the_lexicon_flags_as_one_search_per_phrase_and_pattern_would():
    import re

    from conduct.detection import Lexicon, Target, canonical_tokens
    from conduct.detection.lexicon import target_group
    from conduct.detection.normalise import lexicon_form
    from conduct.detection.targets import mark
    from conduct.models import IndicatorPhrase

    target = Target.of(["Ruth", "Ruth Smeeth"], ["she", "her"])
    lexicon = Lexicon.load()
    entries = list(IndicatorPhrase.objects.filter(active=True).select_related("category"))
    assert entries and any("{target}" in e.text for e in entries)
    group = target_group(target)
    for text in LEXICON_TEXTS:
        tokens = canonical_tokens(text)
        plain, marked = lexicon_form(tokens), lexicon_form(mark(tokens, target.name_tokens()))
        expected = {}
        for e in entries:
            named = "{target}" in e.text
            on = marked if named else plain
            if e.kind == IndicatorPhrase.Kind.PATTERN:
                hit = re.search(e.text.replace("{target}", group), on)
            else:
                words = " ".join(
                    group if part == "{target}" else re.escape(lexicon_form(canonical_tokens(part)))
                    for part in re.split(r"(\{target\})", e.text)
                    if part.strip()
                )
                hit = re.search(r"(?<![\w\[])" + words + r"(?![\w\]])", on)
            if hit:
                expected[e.category.code] = max(expected.get(e.category.code, 0), e.effective_severity)
        categories, severity = lexicon.flag(text, target)
        assert set(categories) == set(expected), text
        assert severity == max(expected.values(), default=0), text
        assert lexicon.flag(text, target) == (categories, severity)


def test_a_bad_pattern_in_the_lexicon_does_not_stop_flagging():
    from conduct.detection import Lexicon
    from conduct.models import IndicatorPhrase

    threat = IndicatorPhrase.objects.filter(category__code="threat_of_violence").first().category
    IndicatorPhrase.objects.create(category=threat, kind=IndicatorPhrase.Kind.PATTERN, text="(unclosed")
    categories, severity = Lexicon.load().flag("you should hang from the gallows")
    assert "threat_of_violence" in categories and severity == 4


def test_a_member_never_learns_from_an_upload_whether_a_sender_is_a_member(owner, complaint, client_for, officer):
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="sender1")
    body = owner.post(url(complaint), [item(1)], format="json").json()
    assert "attributed" not in body and "cases_opened" not in body
    refused = owner.post(url(complaint), [item(2), item(3, channel="pigeon")], format="json").json()
    assert "attributed" not in refused and "cases_opened" not in refused
    staff = client_for(officer).post(url(complaint), [item(8)], format="json").json()
    assert (staff["attributed"], staff["cases_opened"]) == (1, 0)


@override_settings(CONDUCT={**settings.CONDUCT, "MEMBER_UPLOAD_ITEMS_PER_HOUR": 10})
def test_member_uploads_are_limited_in_items_per_hour(owner, complaint, client_for, officer):
    assert owner.post(url(complaint), [item(n) for n in range(8)], format="json").status_code == 201
    refused = owner.post(url(complaint), [item(n) for n in range(8, 11)], format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "at most 10 an hour" in refused.json()["detail"]
    assert Evidence.objects.filter(complaint=complaint).count() == 8
    assert owner.post(url(complaint), [item(8), item(9)], format="json").status_code == 201
    many = [item(n) for n in range(100, 130)]
    assert client_for(officer).post(url(complaint), many, format="json").status_code == 201


@override_settings(CONDUCT={**settings.CONDUCT, "EVIDENCE_MAX_ITEMS": 5})
@pytest.mark.parametrize("kind", ["csv", "ndjson", "json"])
def test_an_upload_leaves_the_synchronous_path_at_the_first_row_past_the_limit_without_reading_the_rest(
    owner, complaint, kind
):
    """A JSON body is refused (413); a file is handed to a background job (202, the job not yet run)."""
    rows = [item(n) for n in range(6)]
    # Far past the sixth row, bytes that are not text: a whole-file parse would stop there with a 400.
    garbage = b"\n" * 50_000 + b"\xff\xfe not even text \xff"
    if kind == "csv":
        header = list(rows[0])
        lines = [",".join(header)] + [",".join(r[h] for h in header) for r in rows]
        body = ("\n".join(lines) + "\n").encode() + garbage
    elif kind == "ndjson":
        body = ("\n".join(json.dumps(r) for r in rows) + "\n").encode() + garbage
    else:
        body = ("[" + ",".join(json.dumps(r) for r in rows) + ", {").encode()
    if kind == "json":
        response = owner.generic("POST", url(complaint), body, content_type="application/json")
    else:
        upload = io.BytesIO(body)
        upload.name = f"wave.{kind}"
        response = owner.post(url(complaint), {"file": upload}, format="multipart")
    if kind == "json":
        assert response.status_code == 413
        assert response.json() == {"detail": "At most 5 items per upload; this one holds more."}
    else:
        assert response.status_code == 202
        assert set(response.json()) == {"job", "status_url"}
    assert Evidence.objects.count() == 0
