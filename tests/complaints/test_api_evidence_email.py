"""E-mail evidence: an mbox, a single .eml or a ZIP of .eml files, each message one item with its raw
bytes kept as the item's native file; duplicates by Message-ID; bad files refused whole."""

import hashlib
import io
import zipfile
from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from complaints.models import Evidence, EvidenceFile
from tests.complaints.factories import ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory

pytestmark = pytest.mark.django_db

WHEN = "Thu, 30 Jun 2016 12:00:00 +0100"


def message(n=1, *, sender=None, subject=None, body=None, date=WHEN, html=None, charset="utf-8", attach=False):
    msg = EmailMessage()
    msg["From"] = sender or f"Sender {n} <sender{n}@example.org>"
    msg["To"] = "mp@party.example"
    msg["Subject"] = subject if subject is not None else f"Message {n}"
    if date is not None:
        msg["Date"] = date
    msg["Message-ID"] = f"<m{n}@example.org>"
    if html is not None:
        msg.set_content(html, subtype="html", charset=charset)
    else:
        msg.set_content(body or f"Body of message {n}: resign now.", charset=charset)
    if attach:
        msg.add_attachment(b"\x89PNG\r\n\x1a\n fake", maintype="image", subtype="png", filename="shot.png")
    return msg.as_bytes()


def mbox(*messages: bytes) -> bytes:
    out = b""
    for raw in messages:
        out += b"From sender@example.org Thu Jun 30 12:00:00 2016\n" + raw.replace(b"\nFrom ", b"\n>From ")
        out += b"" if raw.endswith(b"\n") else b"\n"
        out += b"\n"
    return out


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def complaint():
    return ComplaintFactory()


@pytest.fixture
def owner(client_for, complaint):
    return client_for(complaint.filed_by)


def post(client, complaint, data: bytes, name="inbox.mbox", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    path = f"/api/complaints/{complaint.reference}/evidence/" + (f"?{query}" if query else "")
    return client.post(path, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def test_an_mbox_gives_one_email_item_per_message_with_its_raw_bytes_kept(owner, complaint):
    raws = [message(1), message(2, attach=True), message(3)]
    response = post(owner, complaint, mbox(*raws))
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 3
    first = Evidence.objects.get(complaint=complaint, url="mid:m1@example.org")
    assert (first.channel, first.author_email, first.author_name) == ("email", "sender1@example.org", "Sender 1")
    assert first.text == "Message 1\n\nBody of message 1: resign now."
    assert first.occurred_at.isoformat() == "2016-06-30T11:00:00+00:00"
    files = EvidenceFile.objects.filter(evidence__complaint=complaint).order_by("evidence__url")
    assert len(files) == 3
    for stored in files:
        data = stored.file.read()
        assert hashlib.sha256(data).hexdigest() == stored.sha256 and stored.size == len(data)
        assert stored.content_type == "message/rfc822"
    assert files[1].file.open().read() == raws[1].replace(b"\r\n", b"\n")


def test_the_same_mbox_twice_creates_no_new_items_or_files(owner, complaint):
    data = mbox(message(1), message(2))
    assert post(owner, complaint, data).json()["created"] == 2
    again = post(owner, complaint, data).json()
    assert (again["created"], again["duplicates"]) == (0, 2)
    assert Evidence.objects.count() == 2 and EvidenceFile.objects.count() == 2


def test_the_same_message_id_twice_in_one_upload_is_a_duplicate(owner, complaint):
    response = post(owner, complaint, mbox(message(1), message(1, subject="Edited")))
    assert (response.json()["created"], response.json()["duplicates"]) == (1, 1)


def test_non_utf8_charsets_and_encoded_headers_are_decoded(owner, complaint):
    raw = (
        "From: =?iso-8859-1?q?Fran=E7ois_M=FCller?= <fm@example.org>\n"
        "Subject: =?utf-8?b?w4dhIHN1ZmZpdA==?=\n"
        f"Date: {WHEN}\nMessage-ID: <latin@example.org>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
    ).encode() + "Démissionne, espèce de traître.\n".encode("latin-1")
    response = post(owner, complaint, raw, name="one.eml")
    assert response.status_code == 201, response.json()
    item = Evidence.objects.get()
    assert item.author_name == "François Müller"
    assert item.text == "Ça suffit\n\nDémissionne, espèce de traître."


def test_a_koi8_body_and_a_windows_1252_body_are_read(owner, complaint):
    raws = [message(1, body="Уходи в отставку", charset="koi8-r"), message(2, body="It’s over", charset="cp1252")]
    assert post(owner, complaint, mbox(*raws)).status_code == 201
    texts = sorted(Evidence.objects.values_list("text", flat=True))
    assert texts == ["Message 1\n\nУходи в отставку", "Message 2\n\nIt’s over"]


def test_an_html_only_body_is_reduced_to_text(owner, complaint):
    html = "<html><head><style>p{}</style></head><body><p>You are <b>finished</b>.</p><p>Go&nbsp;now</p></body></html>"
    post(owner, complaint, message(1, html=html), name="one.eml")
    assert Evidence.objects.get().text == "Message 1\n\nYou are finished.\nGo now"


def test_a_zip_of_eml_files_is_read_in_archive_order(owner, complaint):
    data = zipped({"b.eml": message(2), "a/x.eml": message(1), "__MACOSX/._b.eml": b"junk"})
    response = post(owner, complaint, data, name="mail.zip")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2


def test_a_missing_date_is_a_row_error_at_the_messages_position(owner, complaint):
    data = mbox(message(1), message(2, date=None), message(3).replace(WHEN.encode(), b"yesterday-ish"))
    strict = post(owner, complaint, data)
    assert strict.status_code == 400
    assert [(r["row"], r["errors"]) for r in strict.json()["rejected"]] == [
        (2, {"non_field_errors": ["The message has no Date header."]}),
        (3, {"non_field_errors": ["The Date header 'yesterday-ish' is not a date."]}),
    ]
    assert Evidence.objects.count() == 0 and EvidenceFile.objects.count() == 0
    lenient = post(owner, complaint, data, skip_invalid="true")
    assert lenient.status_code == 201
    assert lenient.json()["created"] == 1 and [r["row"] for r in lenient.json()["rejected"]] == [2, 3]
    assert EvidenceFile.objects.count() == 1


def test_a_sender_whose_address_a_member_registered_is_attributed(client_for, complaint):
    member = MemberFactory()
    IdentityFactory(member=member, kind="email", platform="", value="Sender1@Example.org")
    officer = client_for(__import__("tests.members.factories", fromlist=["x"]).UserFactory(roles=["officer"]))
    response = post(officer, complaint, mbox(message(1), message(2)))
    assert response.json()["attributed"] == 1
    assert Evidence.objects.get(url="mid:m1@example.org").member == member


@pytest.mark.parametrize(
    "data, name, params, message_part",
    [
        (
            mbox(message(1)) + mbox(message(2, attach=True))[:-200],
            "inbox.mbox",
            {},
            "Message 2 of the mbox is truncated",
        ),
        (b"just some words\nand more words\n", "one.eml", {}, "not eml"),
        (b"just some words\n", "upload", {"format": "eml"}, "content is not eml"),
        (message(1), "upload", {"format": "mbox"}, "content is not mbox"),
        (mbox(message(1)), "upload", {"format": "zip"}, "content is not zip"),
        (zipped({"../../etc/evil.eml": message(1)}), "mail.zip", {}, "unsafe file name"),
        (zipped({"/abs.eml": message(1)}), "mail.zip", {}, "unsafe file name"),
        (zipped({"notes.txt": b"hello"}), "mail.zip", {}, "not an .eml file"),
        (b"PK\x03\x04 this is not really a zip", "mail.zip", {}, "damaged"),
    ],
    ids=[
        "truncated-mbox",
        "eml-without-headers",
        "claimed-eml",
        "claimed-mbox",
        "claimed-zip",
        "zip-traversal",
        "zip-absolute",
        "zip-not-eml",
        "zip-damaged",
    ],
)
def test_a_bad_file_is_400_in_words_and_stores_nothing(owner, complaint, data, name, params, message_part):
    response = post(owner, complaint, data, name=name, **params)
    assert response.status_code == 400
    assert message_part in response.json()["detail"]
    assert Evidence.objects.count() == 0 and EvidenceFile.objects.count() == 0


def test_a_zip_bomb_is_refused_by_its_unpacked_size(owner, complaint):
    data = zipped({f"{n}.eml": message(n) + b"x" * 400_000 for n in range(4)})
    assert len(data) < 100_000
    with override_settings(
        CONDUCT={**__import__("django.conf").conf.settings.CONDUCT, "EVIDENCE_ZIP_MAX_BYTES": 1_000_000}
    ):
        response = post(owner, complaint, data, name="mail.zip")
    assert response.status_code == 400 and "unpacks to more than" in response.json()["detail"]
    assert Evidence.objects.count() == 0


def test_a_zip_with_too_many_members_is_refused(owner, complaint, settings):
    settings.CONDUCT = {**settings.CONDUCT, "EVIDENCE_ZIP_MAX_MEMBERS": 3}
    data = zipped({f"{n}.eml": message(n) for n in range(4)})
    response = post(owner, complaint, data, name="mail.zip")
    assert response.status_code == 400 and "at most 3" in response.json()["detail"]


def test_an_mbox_costs_the_same_queries_for_3_messages_as_for_30(owner, complaint):
    def queries(n, offset):
        with CaptureQueriesContext(connection) as ctx:
            response = post(owner, complaint, mbox(*[message(offset + i) for i in range(n)]))
        assert response.status_code == 201
        return len(ctx.captured_queries)

    queries(1, 1000)  # the complaint holds evidence from here on, as in both runs below
    assert queries(3, 0) == queries(30, 100)
