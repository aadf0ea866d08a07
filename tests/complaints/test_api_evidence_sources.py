"""Call logs through saved mappings, X archive direct messages, native files, and row errors that stay
row errors (an oversized CSV field)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from complaints.models import Evidence, EvidenceFile, EvidenceMapping
from tests.complaints.factories import ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def complaint():
    return ComplaintFactory()


@pytest.fixture
def owner(client_for, complaint):
    return client_for(complaint.filed_by)


def post(client, complaint, data: bytes, name="upload", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    path = f"/api/complaints/{complaint.reference}/evidence/" + (f"?{query}" if query else "")
    return client.post(path, {"file": SimpleUploadedFile(name, data)}, format="multipart")


# --- Oversized fields --------------------------------------------------------------------------------------


def test_a_200_kb_text_in_a_csv_is_that_rows_error_not_a_malformed_file(owner, complaint):
    rows = ["channel,text,occurred_at", "twitter,fine,2016-06-30T12:00:00Z"]
    rows.append("twitter," + "x" * 200_000 + ",2016-06-30T12:01:00Z")
    rows.append("twitter,also fine,2016-06-30T12:02:00Z")
    data = "\n".join(rows).encode()
    strict = post(owner, complaint, data, name="e.csv")
    assert strict.status_code == 400
    assert strict.json()["rejected"] == [{"row": 2, "errors": {"text": ["At most 20000 characters."]}}]
    lenient = post(owner, complaint, data, name="e.csv", skip_invalid="true")
    assert lenient.status_code == 201 and lenient.json()["created"] == 2


# --- Call logs ---------------------------------------------------------------------------------------------

OFFICE_LOG = (
    "Caller ID,Call Start,Duration,Direction,Result,Notes\n"
    "07700 900123,30/06/2016 12:00,0:02:05,Inbound,Answered,Said he would come to the office\n"
    "Withheld,30/06/2016 13:00,0:00:40,Inbound,Answered,Shouted abuse\n"
    "+33 1 23 45 67 89,30/06/2016 14:00,1:05,Inbound,Missed,\n"
    "not a number,30/06/2016 15:00,0:00:10,Inbound,Answered,\n"
    "07700 900124,2016-06-30 16:00,0:00:10,Inbound,Answered,\n"
)


def test_a_call_log_is_read_through_a_shipped_mapping(owner, complaint):
    response = post(owner, complaint, OFFICE_LOG.encode(), name="calls.csv", mapping="office-phone-uk")
    assert response.status_code == 400
    assert [(r["row"], r["errors"]["non_field_errors"][0][:30]) for r in response.json()["rejected"]] == [
        (4, "The caller 'not a number' is n"),
        (5, "The start time '2016-06-30 16:"),
    ]
    response = post(
        owner, complaint, OFFICE_LOG.encode(), name="calls.csv", mapping="office-phone-uk", skip_invalid="true"
    )
    assert response.json()["created"] == 3
    first, withheld, french = Evidence.objects.order_by("occurred_at")
    assert (first.channel, first.author_phone, first.sender_key) == ("phone", "+447700900123", "phone::+447700900123")
    assert first.text == "Call (Inbound, Answered, 2m 05s): Said he would come to the office"
    assert first.occurred_at.isoformat() == "2016-06-30T11:00:00+00:00"  # BST
    assert (withheld.author_name, withheld.author_phone, withheld.sender_key) == ("Withheld", "", "")
    assert french.author_phone == "+33123456789"


def test_a_call_from_a_members_number_is_attributed(client_for, complaint):
    member = MemberFactory()
    IdentityFactory(member=member, kind="phone", platform="", value="+44 7700 900123")
    officer = client_for(UserFactory(roles=["officer"]))
    log = "src,calldate,duration,disposition,userfield\n07700900123,2016-06-30 12:00:00,65,ANSWERED,threat\n"
    response = post(officer, complaint, log.encode(), name="cdr.csv", mapping="asterisk-cdr")
    assert response.status_code == 201 and response.json()["attributed"] == 1


def test_a_mapping_naming_a_missing_column_is_400_and_stores_nothing(owner, complaint):
    log = "src,calldate,duration\n07700900123,2016-06-30 12:00:00,65\n"
    response = post(owner, complaint, log.encode(), name="cdr.csv", mapping="asterisk-cdr")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The mapping 'asterisk-cdr' names column(s) the file does not have: disposition, userfield."
    )
    assert Evidence.objects.count() == 0


def test_an_unknown_mapping_is_400(owner, complaint):
    response = post(owner, complaint, b"a,b\n1,2\n", name="x.csv", mapping="nope")
    assert response.status_code == 400 and "No saved mapping" in response.json()["detail"]


def test_officers_list_and_add_mappings_and_a_name_is_never_replaced(client_for):
    officer = client_for(UserFactory(roles=["officer"]))
    names = [m["name"] for m in officer.get("/api/evidence-mappings/").json()]
    assert names == ["asterisk-cdr", "office-phone-uk"]
    new = {"name": "my-pbx", "caller_column": "From", "start_column": "When", "time_zone": "Europe/Dublin"}
    response = officer.post("/api/evidence-mappings/", new, format="json")
    assert response.status_code == 201 and response.json()["start_format"] == "iso"
    assert officer.post("/api/evidence-mappings/", new, format="json").status_code == 400
    bad_zone = {**new, "name": "other", "time_zone": "Mars/Olympus"}
    assert officer.post("/api/evidence-mappings/", bad_zone, format="json").json() == {
        "time_zone": ["Not a time zone name (e.g. Europe/London)."]
    }
    assert EvidenceMapping.objects.get(name="my-pbx").created_by is not None


# --- X direct messages -------------------------------------------------------------------------------------

OWNER_ID = "1000"


def dm(sender, recipient, text, when="2016-06-30T12:00:00.000Z", n=1):
    return {"messageCreate": {"senderId": sender, "recipientId": recipient, "text": text, "createdAt": when, "id": n}}


def archive(conversations) -> bytes:
    data = [{"dmConversation": {"conversationId": cid, "messages": msgs}} for cid, msgs in conversations]
    return ("window.YTD.direct_messages.part0 = " + json.dumps(data, indent=2)).encode()


CONVERSATIONS = [
    ("1000-2000", [dm("2000", OWNER_ID, "you will regret this", n=1), dm(OWNER_ID, "2000", "please stop", n=2)]),
    ("1000-3000", [dm("3000", OWNER_ID, "resign", n=3), dm("3000", OWNER_ID, "", when="not a time", n=4)]),
]


def test_only_messages_the_owner_received_become_items_numbered_by_position(owner, complaint):
    data = archive(CONVERSATIONS)
    strict = post(owner, complaint, data, name="direct-messages.js", format="x-dm")
    assert [r["row"] for r in strict.json()["rejected"]] == [4]
    response = post(owner, complaint, data, name="direct-messages.js", format="x-dm", skip_invalid="true")
    assert response.json()["created"] == 2
    assert set(Evidence.objects.values_list("sender_key", flat=True)) == {
        "account_id:twitter:2000",
        "account_id:twitter:3000",
    }


def test_a_members_registered_x_id_attributes_their_messages(client_for, complaint):
    member = MemberFactory()
    IdentityFactory(member=member, kind="account_id", platform="twitter", value="2000")
    officer = client_for(UserFactory(roles=["officer"]))
    response = post(
        officer, complaint, archive(CONVERSATIONS[:1] + CONVERSATIONS[1:]), format="x-dm", skip_invalid="true"
    )
    assert response.json()["attributed"] == 1
    assert Evidence.objects.get(sender_key="account_id:twitter:2000").member == member


def test_an_archive_of_one_conversation_needs_the_owner_id(owner, complaint):
    data = archive(CONVERSATIONS[:1])
    response = post(owner, complaint, data, format="x-dm")
    assert response.status_code == 400 and "owner_id" in response.json()["detail"]
    assert post(owner, complaint, data, format="x-dm", owner_id=OWNER_ID).json()["created"] == 1


def test_a_file_claimed_as_x_dm_that_is_not_is_400(owner, complaint):
    response = post(owner, complaint, b"channel,occurred_at\n", format="x-dm")
    assert response.status_code == 400 and Evidence.objects.count() == 0


# --- Native files ------------------------------------------------------------------------------------------


@pytest.fixture
def item(complaint, owner):
    row = {"channel": "twitter", "author_handle": "troll", "text": "hi", "occurred_at": "2016-06-30T12:00:00Z"}
    owner.post(f"/api/complaints/{complaint.reference}/evidence/", [row], format="json")
    return Evidence.objects.get()


def files_url(complaint, item, file_id=None):
    base = f"/api/complaints/{complaint.reference}/evidence/{item.pk}/files/"
    return base + (f"{file_id}/" if file_id else "")


@pytest.mark.parametrize(
    "data, content_type",
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 50, "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"ID3\x04\x00" + b"\x00" * 50, "audio/mpeg"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"OggS\x00\x02" + b"\x00" * 50, "audio/ogg"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio/mp4"),
        (b"From: a@example.org\nSubject: hi\n\nbody\n", "message/rfc822"),
    ],
)
def test_a_native_file_is_typed_by_its_content_not_its_name(owner, complaint, item, data, content_type):
    response = owner.post(files_url(complaint, item), {"file": SimpleUploadedFile("x.txt", data)}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == content_type and body["size"] == len(data)
    assert EvidenceFile.objects.get(pk=body["id"]).sha256 == body["sha256"]


def test_a_file_whose_content_is_not_accepted_is_400(owner, complaint, item):
    upload = SimpleUploadedFile("shot.png", b"MZ\x90\x00 an executable")
    response = owner.post(files_url(complaint, item), {"file": upload}, format="multipart")
    assert response.status_code == 400 and EvidenceFile.objects.count() == 0


def test_a_file_over_the_size_limit_is_400(owner, complaint, item, settings):
    settings.CONDUCT = {**settings.CONDUCT, "EVIDENCE_FILE_MAX_BYTES": 50}
    response = owner.post(files_url(complaint, item), {"file": SimpleUploadedFile("a.png", PNG)}, format="multipart")
    assert response.status_code == 400 and "larger than" in response.json()["file"][0]


def test_a_download_is_the_stored_bytes_as_an_attachment_and_is_audited(owner, complaint, item, client_for):
    created = owner.post(files_url(complaint, item), {"file": SimpleUploadedFile("a.png", PNG)}, format="multipart")
    officer = client_for(UserFactory(roles=["officer"]))
    before = AuditEvent.objects.filter(action="evidence.file_read").count()
    response = officer.get(files_url(complaint, item, created.json()["id"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="evidence.file_read").count() == before + 1
    assert AuditEvent.objects.filter(action="complaint.read", data__what="file").exists()


def test_a_second_upload_of_the_same_name_never_replaces_the_first(owner, complaint, item):
    first = owner.post(files_url(complaint, item), {"file": SimpleUploadedFile("a.png", PNG)}, format="multipart")
    second = owner.post(
        files_url(complaint, item), {"file": SimpleUploadedFile("a.png", PNG + b"2")}, format="multipart"
    )
    one, two = EvidenceFile.objects.get(pk=first.json()["id"]), EvidenceFile.objects.get(pk=second.json()["id"])
    assert one.file.name != two.file.name and one.file.read() == PNG
