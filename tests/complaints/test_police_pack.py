"""The police pack: a complaint's threat items as one zipped BagIt bag, for officers only, audited."""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import bagit
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from audit.models import AuditEvent
from complaints.models import Complaint, ConflictDeclaration, Evidence
from complaints.selectors.threats import complaint_audit_q, register_key
from complaints.services.complaints import complaint_file
from complaints.services.evidence.classification import evidence_classify
from complaints.services.police import complaint_record_police_referral
from complaints.services.police_pack import NO_THREATS, police_pack_build
from core.errors import ConflictError, NotFound, PermissionDenied
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PACK = "complaint.police_pack"

# The upload, out of time order. The threats, in time order: the e-mail, the member's, anon1's, the phone call's.
ROWS = [
    {
        "channel": "twitter",
        "author_handle": "@anon1",
        "text": "someone will hang you Ruth, just wait",
        "url": "https://twitter.com/anon1/status/1",
        "occurred_at": "2026-11-30T12:00:00Z",
    },
    {
        "channel": "twitter",
        "author_handle": "@party_troll",
        "text": "I will find you Ruth and you will regret it",
        "url": "https://twitter.com/party_troll/status/2",
        "occurred_at": "2026-11-30T11:00:00Z",
    },
    {
        "channel": "twitter",
        "author_handle": "@anon2",
        "text": "resign now Ruth",
        "occurred_at": "2026-11-30T10:00:00Z",
    },
    {
        "channel": "email",
        "author_email": "angry@example.net",
        "author_name": "A. Nonymous",
        "text": "we know where your office is Ruth, watch your back",
        "occurred_at": "2026-11-30T09:30:00Z",
    },
    {
        "channel": "phone",
        "author_phone": "+447700900123",
        "text": "=1+1 Ruth you should hang from the gallows for this",
        "occurred_at": "2026-11-30T13:00:00Z",
    },
    {
        "channel": "twitter",
        "author_handle": "@party_troll",
        "text": "Ruth traitor traitor traitor",
        "occurred_at": "2026-11-30T12:30:00Z",
    },
]
THREAT_TEXTS = [
    "we know where your office is Ruth, watch your back",
    "I will find you Ruth and you will regret it",
    "someone will hang you Ruth, just wait",
    "=1+1 Ruth you should hang from the gallows for this",
]


def upload(client_for, complaint: Complaint, rows: list[dict]) -> None:
    response = client_for(complaint.filed_by).post(
        f"/api/complaints/{complaint.reference}/evidence/", rows, format="json"
    )
    assert response.status_code == 201, response.json()


def url(complaint: Complaint) -> str:
    return f"/api/complaints/{complaint.reference}/police-pack/"


def unzip(body: bytes, into: Path) -> Path:
    """Extract the ZIP; return its one top folder, the bag."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        assert len(tops) == 1, tops
        archive.extractall(into)
    return into / tops.pop()


def download(client, complaint: Complaint, into: Path, **params) -> tuple[Path, bytes]:
    response = client.get(url(complaint), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    return unzip(body, into), body


def bag_info(bag: Path) -> dict:
    return dict(line.split(": ", 1) for line in (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines())


def incident_log(bag: Path) -> list[dict]:
    with open(bag / "data" / "incident-log.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def audit_extract(bag: Path) -> list[dict]:
    return [
        json.loads(line) for line in (bag / "data" / "audit-extract.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def recomputed_link(event: dict) -> str:
    """The recipe summary.html gives the police, written from the words, not from audit.chain."""
    content = {
        "seq": event["seq"],
        "at": event["at"],
        "actor": event["actor_name"],
        "action": event["action"],
        "object": f"{event['object_type']}:{event['object_id']}",
        "case": event["case_ref"],
        "data": event["data"],
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((event["prev_hash"] + text).encode("utf-8")).hexdigest()


def threats_in_time_order(complaint: Complaint) -> list[int]:
    return list(
        Evidence.objects.filter(complaint=complaint, threat=True)
        .order_by("occurred_at", "pk")
        .values_list("pk", flat=True)
    )


def fresh(user):
    """The same login without the roles cached on the object, as a new request would see it."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def ruth():
    return MemberFactory(with_login=True, first_name="Ruth", last_name="Smeeth")


@pytest.fixture
def troll():
    member = MemberFactory(first_name="Terry", last_name="Troll")
    IdentityFactory(member=member, value="@party_troll")
    return member


@pytest.fixture
def complaint(ruth, troll, client_for):
    """Ruth's complaint: four threats from four senders (one a member), and two items that are not threats.

    Another complaint is filed between the two uploads, so this one's audit events have a gap.
    """
    complaint = complaint_file(actor=ruth.user, summary="Threats after the walkout", description="They want me dead.")
    upload(client_for, complaint, ROWS[:3])
    other = MemberFactory(with_login=True)
    complaint_file(actor=other.user, summary="Something else", description="Unrelated.")
    upload(client_for, complaint, ROWS[3:])
    return complaint


@pytest.fixture
def officer():
    return UserFactory(roles=["officer"], first_name="Olive", last_name="Officer")


def test_the_pack_is_a_zip_holding_one_valid_bagit_bag(complaint, officer, client_for, tmp_path):
    response = client_for(officer).get(url(complaint))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(
        rf'attachment; filename="police-pack-{complaint.reference}-\d{{8}}T\d{{6}}Z\.zip"',
        response["Content-Disposition"],
    )
    bag = unzip(b"".join(response.streaming_content), tmp_path)
    assert response["Content-Disposition"] == f'attachment; filename="{bag.name}.zip"'
    bagit.Bag(str(bag)).validate()
    assert (bag / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    assert sorted(p.name for p in bag.iterdir()) == [
        "bag-info.txt",
        "bagit.txt",
        "data",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
    ]
    assert sorted(p.name for p in (bag / "data").iterdir()) == [
        "audit-extract.jsonl",
        "incident-log.csv",
        "items",
        "summary.html",
    ]


def test_bag_info_names_the_complaint_the_contact_the_maker_and_the_audit_head(
    complaint, officer, client_for, tmp_path, settings
):
    settings.CONDUCT = {**settings.CONDUCT, "PARTY_CONTACT": "Compliance Unit, 020 7946 0000"}
    head = AuditEvent.objects.order_by("-seq").first()
    bag, _ = download(client_for(officer), complaint, tmp_path)
    info = bag_info(bag)
    event = AuditEvent.objects.get(action=PACK)
    assert info["Complaint-Reference"] == complaint.reference
    assert info["Source-Organization"] == "Compliance Unit, 020 7946 0000"
    assert info["Created-By"] == f"{officer.username} (Olive Officer)"
    assert info["Contact-Name"] == "Olive Officer"
    assert info["Contact-Email"] == officer.email
    created = dt.datetime.fromisoformat(info["Created-At"])
    assert info["Created-At"].endswith("Z") and created <= event.at
    assert bag.name == f"police-pack-{complaint.reference}-{created:%Y%m%dT%H%M%SZ}"
    assert (info["Audit-Head-Seq"], info["Audit-Head-Hash"]) == (str(head.seq), head.hash)
    assert (event.seq, event.prev_hash) == (head.seq + 1, head.hash)
    assert info["Police-Referral"] == "none (every threat item on the complaint)"
    assert info["Threat-Items"] == "4"
    assert info["Bagging-Date"] == info["Created-At"][:10]
    assert info["External-Identifier"] == bag.name
    assert info["External-Description"].startswith(f"Police pack for complaint {complaint.reference}: 4 threat items")


def test_the_incident_log_is_the_threat_items_in_time_order_each_with_its_record_hash(
    complaint, officer, client_for, tmp_path
):
    bag, _ = download(client_for(officer), complaint, tmp_path)
    rows = incident_log(bag)
    assert [int(r["evidence_id"]) for r in rows] == threats_in_time_order(complaint)
    assert [r["text"].removeprefix("'") for r in rows] == THREAT_TEXTS
    assert [r["utc_time"] for r in rows] == [
        "2026-11-30T09:30:00Z",
        "2026-11-30T11:00:00Z",
        "2026-11-30T12:00:00Z",
        "2026-11-30T13:00:00Z",
    ]
    manifest = dict(reversed(line.split("  ", 1)) for line in (bag / "manifest-sha256.txt").read_text().splitlines())
    for row in rows:
        record = bag / "data" / "items" / f"{row['evidence_id']}.json"
        assert hashlib.sha256(record.read_bytes()).hexdigest() == row["sha256"]
        assert manifest[f"data/items/{row['evidence_id']}.json"] == row["sha256"]
    assert sorted(p.name for p in (bag / "data" / "items").iterdir()) == sorted(
        f"{r['evidence_id']}.json" for r in rows
    )


def test_spreadsheet_formulas_are_defused_in_the_log_and_kept_exact_in_the_record(
    complaint, officer, client_for, tmp_path
):
    bag, _ = download(client_for(officer), complaint, tmp_path)
    call = next(r for r in incident_log(bag) if r["channel"] == "phone")
    assert call["text"] == "'=1+1 Ruth you should hang from the gallows for this"
    assert call["phone"] == "'+447700900123"
    record = json.loads((bag / "data" / "items" / f"{call['evidence_id']}.json").read_text(encoding="utf-8"))
    assert record["text"] == "=1+1 Ruth you should hang from the gallows for this"
    assert record["author_phone"] == "+447700900123"


def test_an_item_record_is_canonical_json_of_the_stored_item(complaint, troll, officer, client_for, tmp_path):
    item = Evidence.objects.get(complaint=complaint, author_handle="@party_troll", threat=True)
    bag, _ = download(client_for(officer), complaint, tmp_path)
    raw = (bag / "data" / "items" / f"{item.pk}.json").read_bytes()
    expected = {
        "id": item.pk,
        "complaint": complaint.reference,
        "channel": "twitter",
        "author_handle": "@party_troll",
        "author_name": "",
        "author_email": "",
        "author_phone": "",
        "sender_key": item.sender_key,
        "url": "https://twitter.com/party_troll/status/2",
        "text": "I will find you Ruth and you will regret it",
        "occurred_at": "2026-11-30T11:00:00Z",
        "received_at": item.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "categories": item.categories,
        "threat": True,
        "machine_threat": True,
        "machine_categories": item.machine_categories,
        "native_file": None,
        "native_sha256": None,
    }
    assert raw == json.dumps(expected, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert item.sender_key and "threat_of_violence" in item.categories


def test_a_native_file_is_copied_byte_for_byte_and_hashed_in_the_record(
    complaint, officer, client_for, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    native = bytes(range(256)) * 40 + b"\r\n\x00 end of the screenshot"
    item = Evidence.objects.get(complaint=complaint, author_handle="@party_troll", threat=True)
    item.attachment.save("screenshot.png", ContentFile(native), save=False)
    item.save(update_fields=["attachment"])
    bag, _ = download(client_for(officer), complaint, tmp_path / "out")
    record = json.loads((bag / "data" / "items" / f"{item.pk}.json").read_text(encoding="utf-8"))
    assert record["native_file"] == f"data/items/{item.pk}-screenshot.png"
    assert (bag / record["native_file"]).read_bytes() == native
    assert record["native_sha256"] == hashlib.sha256(native).hexdigest()
    bagit.Bag(str(bag)).validate()


def test_a_native_file_storage_lost_is_named_and_the_pack_still_built(
    complaint, officer, client_for, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    item = Evidence.objects.get(complaint=complaint, author_handle="@party_troll", threat=True)
    item.attachment.save("lost.png", ContentFile(b"gone"), save=False)
    item.save(update_fields=["attachment"])
    Path(item.attachment.path).unlink()
    bag, _ = download(client_for(officer), complaint, tmp_path / "out")
    record = json.loads((bag / "data" / "items" / f"{item.pk}.json").read_text(encoding="utf-8"))
    assert (record["native_file"], record["native_sha256"]) == (None, None)
    assert bag_info(bag)["Native-Files-Missing"] == str(item.pk)
    assert sorted(p.name for p in (bag / "data" / "items").iterdir()) == sorted(
        f"{pk}.json" for pk in threats_in_time_order(complaint)
    )
    bagit.Bag(str(bag)).validate()


def test_the_audit_extract_is_the_complaints_events_and_every_link_recomputes(complaint, officer, client_for, tmp_path):
    bag, _ = download(client_for(officer), complaint, tmp_path)
    lines = audit_extract(bag)
    head = int(bag_info(bag)["Audit-Head-Seq"])
    stored = AuditEvent.objects.filter(complaint_audit_q(complaint), seq__lte=head).order_by("seq")
    assert [(e["seq"], e["hash"], e["prev_hash"]) for e in lines] == list(
        stored.values_list("seq", "hash", "prev_hash")
    )
    assert {e["action"] for e in lines} >= {"complaint.file", "evidence.ingest", "case.open"}
    consecutive = [(a, b) for a, b in zip(lines, lines[1:], strict=False) if b["seq"] == a["seq"] + 1]
    gaps = [(a, b) for a, b in zip(lines, lines[1:], strict=False) if b["seq"] != a["seq"] + 1]
    assert consecutive and gaps  # the fixture gives both: the other complaint's filing sits between
    for before, after in consecutive:
        assert after["prev_hash"] == before["hash"]
    for event in lines:
        assert recomputed_link(event) == event["hash"], event["seq"]


def test_building_the_pack_is_audited_with_the_digest_of_the_bags_manifest(complaint, officer, client_for, tmp_path):
    bag, body = download(client_for(officer), complaint, tmp_path)
    event = AuditEvent.objects.get(action=PACK)
    assert (event.actor_id, event.object_type, event.object_id) == (
        officer.pk,
        "complaints.complaint",
        str(complaint.pk),
    )
    assert event.data == {
        "complaint": complaint.reference,
        "referral": None,
        "items": 4,
        "manifest_sha256": hashlib.sha256((bag / "manifest-sha256.txt").read_bytes()).hexdigest(),
        "bytes": len(body),
    }


def test_the_service_returns_the_zip_and_the_digest_it_audited(complaint, officer, tmp_path):
    pack, digest = police_pack_build(complaint=complaint, actor=officer)
    with pack:
        bag = unzip(pack.read(), tmp_path)
    assert digest == hashlib.sha256((bag / "manifest-sha256.txt").read_bytes()).hexdigest()
    assert AuditEvent.objects.get(action=PACK).data["manifest_sha256"] == digest


def test_a_referral_limits_the_pack_to_the_threat_items_it_covers(complaint, troll, officer, client_for, tmp_path):
    troll_items = list(
        Evidence.objects.filter(complaint=complaint, member=troll, threat=True).values_list("pk", flat=True)
    )
    key = register_key(Evidence.objects.get(pk=troll_items[0]).sender_key, "")
    referral = complaint_record_police_referral(
        complaint=complaint, actor=officer, senders=[key], force="Staffordshire Police", crime_reference="CR/1"
    )
    bag, _ = download(client_for(officer), complaint, tmp_path, referral=referral.pk)
    assert [int(r["evidence_id"]) for r in incident_log(bag)] == troll_items
    assert bag_info(bag)["Police-Referral"] == str(referral.pk)
    assert AuditEvent.objects.get(action=PACK).data["referral"] == referral.pk
    assert AuditEvent.objects.get(action=PACK).data["items"] == 1
    summary = (bag / "data" / "summary.html").read_text(encoding="utf-8")
    assert f"covered by police referral {referral.pk}" in summary
    assert "Staffordshire Police" in summary
    bagit.Bag(str(bag)).validate()


def test_an_unknown_referral_id_is_404(complaint, officer, client_for):
    response = client_for(officer).get(url(complaint), {"referral": 999999})
    assert response.status_code == 404
    assert response.json() == {"detail": "No police referral with that id on this complaint."}


def test_another_complaints_referral_is_404(complaint, officer, client_for, ruth):
    other = complaint_file(actor=ruth.user, summary="Another wave", description="Again.")
    upload(client_for, other, [{**ROWS[0], "occurred_at": "2026-11-29T12:00:00Z"}])
    referral = complaint_record_police_referral(complaint=other, actor=officer, force="Met")
    response = client_for(officer).get(url(complaint), {"referral": referral.pk})
    assert response.status_code == 404
    assert response.json() == {"detail": "No police referral with that id on this complaint."}
    with pytest.raises(NotFound, match="No police referral with that id on this complaint."):
        police_pack_build(complaint=complaint, actor=officer, referral=referral)
    assert not AuditEvent.objects.filter(action=PACK).exists()


def test_a_referral_id_that_is_not_a_number_is_400(complaint, officer, client_for):
    response = client_for(officer).get(url(complaint), {"referral": "first"})
    assert response.status_code == 400
    assert list(response.json()) == ["referral"]


def test_a_referral_whose_items_are_no_longer_threats_is_409(complaint, troll, officer, client_for):
    item = Evidence.objects.get(complaint=complaint, member=troll, threat=True)
    referral = complaint_record_police_referral(
        complaint=complaint, actor=officer, senders=[register_key(item.sender_key, "")], force="Met"
    )
    evidence_classify(evidence=item, actor=officer, threat=False, categories=[], reason="A song lyric, quoted.")
    response = client_for(officer).get(url(complaint), {"referral": referral.pk})
    assert response.status_code == 409
    assert response.json() == {"detail": NO_THREATS}


def test_a_complaint_without_threats_is_409_and_nothing_is_audited(ruth, officer, client_for):
    complaint = complaint_file(actor=ruth.user, summary="Rude tweets", description="Just rude.")
    upload(client_for, complaint, [ROWS[2], ROWS[5]])
    response = client_for(officer).get(url(complaint))
    assert response.status_code == 409
    assert response.json() == {"detail": NO_THREATS}
    assert not AuditEvent.objects.filter(action=PACK).exists()


def test_the_complainant_gets_403(complaint, ruth, client_for):
    assert client_for(ruth.user).get(url(complaint)).status_code == 403
    assert not AuditEvent.objects.filter(action=PACK).exists()


def test_an_auditor_gets_403(complaint, client_for):
    assert client_for(UserFactory(roles=["auditor"])).get(url(complaint)).status_code == 403
    assert not AuditEvent.objects.filter(action=PACK).exists()


def test_a_panel_member_gets_403(complaint, client_for):
    assert client_for(UserFactory(roles=["panel"])).get(url(complaint)).status_code == 403


def test_without_credentials_it_is_401(complaint, client_for):
    assert client_for(None).get(url(complaint)).status_code == 401


def test_an_officer_conflicted_with_a_respondent_gets_404(complaint, troll, client_for):
    conflicted = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=conflicted, member=troll, reason="My brother-in-law.")
    response = client_for(conflicted).get(url(complaint))
    assert response.status_code == 404
    assert response.json() == {"detail": "No complaint with that reference."}
    assert not AuditEvent.objects.filter(action=PACK).exists()


def test_the_service_refuses_a_conflicted_officer_and_a_panel_member(complaint, troll):
    conflicted = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=conflicted, member=troll, reason="My brother-in-law.")
    with pytest.raises(PermissionDenied, match="Conflict of interest"):
        police_pack_build(complaint=complaint, actor=conflicted)
    with pytest.raises(PermissionDenied, match="compliance officer"):
        police_pack_build(complaint=complaint, actor=UserFactory(roles=["panel"]))
    assert not AuditEvent.objects.filter(action=PACK).exists()


def test_the_service_refuses_a_complaint_without_threats(ruth, officer):
    complaint = complaint_file(actor=ruth.user, summary="Nothing yet", description="Evidence to follow.")
    with pytest.raises(ConflictError, match=re.escape(NO_THREATS)):
        police_pack_build(complaint=complaint, actor=officer)


def test_a_client_that_accepts_only_zip_gets_the_pack(complaint, officer, client_for):
    response = client_for(officer).get(url(complaint), HTTP_ACCEPT="application/zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


def test_the_cover_sheet_names_the_victim_the_senders_and_an_overdue_clock(complaint, officer, tmp_path):
    started = Evidence.objects.filter(complaint=complaint, threat=True).order_by("threat_since").first().threat_since
    due = started + dt.timedelta(hours=settings.CONDUCT["POLICE_REFERRAL_HOURS"])
    pack, _ = police_pack_build(complaint=complaint, actor=officer, now=due + dt.timedelta(hours=3, minutes=5))
    with pack:
        summary = (unzip(pack.read(), tmp_path) / "data" / "summary.html").read_text(encoding="utf-8")
    when = dateformat.format(timezone.localtime(due), "j F Y, H:i T")
    assert (
        f"<strong>Overdue.</strong> A police-referral decision was due by {when}, 3\xa0hours, 5\xa0minutes ago."
        in summary
    )
    assert "<strong>Ruth Smeeth</strong>" in summary
    assert "Terry Troll (" in summary
    for sender in ("@anon1", "angry@example.net", "+447700900123"):
        assert sender in summary
    for text in THREAT_TEXTS[:1] + THREAT_TEXTS[-1:]:  # the first and the latest, in full
        assert text in summary


def test_the_cover_sheet_gives_the_deadline_while_it_runs(complaint, officer, tmp_path):
    started = Evidence.objects.filter(complaint=complaint, threat=True).order_by("threat_since").first().threat_since
    due = started + dt.timedelta(hours=settings.CONDUCT["POLICE_REFERRAL_HOURS"])
    pack, _ = police_pack_build(complaint=complaint, actor=officer, now=started + dt.timedelta(hours=1))
    with pack:
        summary = (unzip(pack.read(), tmp_path) / "data" / "summary.html").read_text(encoding="utf-8")
    assert (
        f"<strong>Due by {dateformat.format(timezone.localtime(due), 'j F Y, H:i T')}</strong> (in 23\xa0hours)"
        in summary
    )
    assert "Overdue" not in summary


def test_the_build_reads_the_same_number_of_queries_for_four_threats_or_forty(
    complaint, ruth, troll, officer, client_for, django_assert_max_num_queries
):
    big = complaint_file(actor=ruth.user, summary="The wave", description="Forty of them.")
    upload(
        client_for,
        big,
        [
            {
                "channel": "twitter",
                "author_handle": "@party_troll" if n == 0 else f"@sender{n}",
                "text": f"someone will hang you Ruth, just wait ({n})",
                "occurred_at": f"2026-11-30T{n % 24:02d}:{n:02d}:00Z",
            }
            for n in range(40)
        ],
    )
    assert Evidence.objects.filter(complaint=big, threat=True).count() == 40
    assert Evidence.objects.filter(complaint=big, member=troll).count() == 1  # a member among them, as in the small one
    with CaptureQueriesContext(connection) as small_queries:
        police_pack_build(complaint=complaint, actor=fresh(officer))[0].close()
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as big_queries:
        police_pack_build(complaint=big, actor=fresh(officer))[0].close()
    assert len(big_queries) == len(small_queries)


def test_the_cover_sheet_gives_the_first_the_most_serious_and_the_latest_item_once_each(complaint, officer, tmp_path):
    first, middle, _, latest = threats_in_time_order(complaint)
    evidence_classify(
        evidence=Evidence.objects.get(pk=middle),
        actor=officer,
        threat=True,
        categories=["threat_of_violence", "antisemitism"],
        reason="The thread around it makes the antisemitism plain.",
    )
    pack, _ = police_pack_build(complaint=complaint, actor=officer)
    with pack:
        summary = (unzip(pack.read(), tmp_path) / "data" / "summary.html").read_text(encoding="utf-8")
    shown = re.findall(r"<strong>([A-Za-z, ]+)</strong> &mdash; evidence (\d+),", summary)
    assert shown == [("First", str(first)), ("Most serious", str(middle)), ("Latest", str(latest))]
