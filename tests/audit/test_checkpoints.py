"""Signed checkpoints of the audit chain (audit/signing.py, audit_checkpoint_sign, audit_verify).

The attacker here is a database superuser: past the append-only triggers
(tests/audit/tamper.py) they edit an event and recompute every later hash, so the chain
links again. Only a signature made with a key they do not hold can tell.
"""

import base64
import csv
import datetime as dt
import io
import json
import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.chain import compute_hash, content_of
from audit.models import AuditCheckpoint, AuditEvent
from audit.services import CheckpointRefused, audit_checkpoint_sign, audit_verify
from audit.signing import SigningKeyError, checkpoint_message, key_id, public_key_text
from tests.audit.tamper import tamper, triggers_disabled
from tests.audit.test_chain import record_events

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 8, 14, 12, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch, settings):
    """Whatever the developer's shell holds, each test starts with no key configured."""
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("AUDIT_SIGNING_KEY_FILE", raising=False)
    settings.AUDIT_PUBLIC_KEYS = []


@pytest.fixture
def signing_key(monkeypatch, settings):
    """A key pair: the private key in AUDIT_SIGNING_KEY (base64 raw), the public key trusted."""
    key = Ed25519PrivateKey.generate()
    monkeypatch.setenv("AUDIT_SIGNING_KEY", base64.b64encode(key.private_bytes_raw()).decode())
    settings.AUDIT_PUBLIC_KEYS = [public_key_text(key.public_key())]
    return key


def rewrite(seq: int, data: dict) -> None:
    """Edit event `seq` and recompute its hash and every later one, so each link holds again."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    prev_hash = events[0].prev_hash
    events[0].data = data
    with triggers_disabled(), connection.cursor() as cursor:
        for event in events:
            event.prev_hash = prev_hash
            event.hash = prev_hash = compute_hash(prev_hash, content_of(event))
            cursor.execute(
                "UPDATE audit_auditevent SET data=%s, prev_hash=%s, hash=%s WHERE seq=%s",
                [json.dumps(event.data), event.prev_hash, event.hash, event.seq],
            )


def verify_command(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


# --- Signing ---------------------------------------------------------------------------


def test_without_a_key_signing_is_refused_in_words_and_nothing_is_stored():
    record_events(3)
    with pytest.raises(CommandError, match="No audit signing key: set AUDIT_SIGNING_KEY_FILE"):
        call_command("audit_checkpoint")
    assert not AuditCheckpoint.objects.exists()


def test_without_a_key_verification_says_no_checkpoint_is_signed():
    events = record_events(3)

    code, out, err = verify_command()

    assert (code, err) == (0, "")
    assert out.splitlines() == ["checkpoints: no checkpoint is signed", f"OK 3 {events[-1].hash}"]
    result = audit_verify()
    assert (result.ok, result.checkpoints, result.checkpoints_ok, result.broken_checkpoint) == (True, 0, True, None)
    assert result.checkpoint_reason == "no checkpoint is signed"


def test_a_checkpoint_signs_the_documented_message_of_seq_head_and_time(signing_key):
    events = record_events(4)

    checkpoint = audit_checkpoint_sign(now=NOON.replace(microsecond=123456))

    assert (checkpoint.seq, checkpoint.head, checkpoint.signed_at) == (4, events[-1].hash, NOON)
    assert checkpoint.key_id == key_id(signing_key.public_key())
    # An outsider's check: the published key, the documented text, any Ed25519 implementation.
    message = f"ru-audit-checkpoint-v1|4|{events[-1].hash}|2026-08-14T12:00:00Z".encode()
    assert checkpoint_message(4, events[-1].hash, checkpoint.signed_at) == message
    signing_key.public_key().verify(base64.b64decode(checkpoint.signature), message)  # raises if it does not


def test_the_command_signs_the_head_and_says_so(signing_key):
    events = record_events(2)
    out = io.StringIO()

    call_command("audit_checkpoint", stdout=out)

    checkpoint = AuditCheckpoint.objects.get()
    assert out.getvalue().startswith(f"checkpoint {checkpoint.pk}: event 2 head {events[-1].hash} signed ")
    assert audit_verify().checkpoints == 1


def test_a_key_whose_public_half_is_not_published_is_refused(signing_key, settings):
    record_events(1)
    settings.AUDIT_PUBLIC_KEYS = [public_key_text(Ed25519PrivateKey.generate().public_key())]
    with pytest.raises(CheckpointRefused, match="not in AUDIT_PUBLIC_KEYS"):
        audit_checkpoint_sign()
    assert not AuditCheckpoint.objects.exists()


def test_an_empty_log_is_not_signed(signing_key):
    with pytest.raises(CheckpointRefused, match="empty"):
        audit_checkpoint_sign()
    assert not AuditCheckpoint.objects.exists()


def test_a_broken_chain_is_never_signed(signing_key):
    record_events(3)
    tamper("UPDATE audit_auditevent SET data=%s WHERE seq=2", ['{"n": 99}'])
    with pytest.raises(CheckpointRefused, match="event 2: content does not match its hash"):
        audit_checkpoint_sign()
    assert not AuditCheckpoint.objects.exists()


def test_a_malformed_key_in_the_environment_is_refused_in_words(monkeypatch):
    monkeypatch.setenv("AUDIT_SIGNING_KEY", "not a key")
    with pytest.raises(SigningKeyError, match="AUDIT_SIGNING_KEY is not an Ed25519 private key"):
        audit_checkpoint_sign()


def test_keygen_writes_a_private_key_only_its_owner_reads_and_prints_the_public_key(tmp_path, monkeypatch, settings):
    path = tmp_path / "audit.pem"
    out = io.StringIO()

    call_command("audit_keygen", "--out", str(path), stdout=out)

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    [published] = [
        line.split("=", 1)[1] for line in out.getvalue().splitlines() if line.startswith("AUDIT_PUBLIC_KEYS=")
    ]
    # The file signs, and the printed key verifies what it signed.
    record_events(1)
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", str(path))
    settings.AUDIT_PUBLIC_KEYS = [published]
    audit_checkpoint_sign()
    assert audit_verify().checkpoints_ok
    # The same PEM text in AUDIT_SIGNING_KEY signs too.
    monkeypatch.delenv("AUDIT_SIGNING_KEY_FILE")
    monkeypatch.setenv("AUDIT_SIGNING_KEY", path.read_text())
    assert audit_checkpoint_sign().key_id == AuditCheckpoint.objects.first().key_id


def test_keygen_never_overwrites_a_key(tmp_path):
    path = tmp_path / "audit.pem"
    path.write_text("the old key")
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("audit_keygen", "--out", str(path), stdout=io.StringIO())
    assert path.read_text() == "the old key"


def test_the_checkpoint_table_refuses_update_and_delete(signing_key):
    record_events(1)
    checkpoint = audit_checkpoint_sign()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(head="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).delete()
    assert AuditCheckpoint.objects.get().head == checkpoint.head


# --- The rewrite -----------------------------------------------------------------------


def test_without_a_checkpoint_a_recomputed_rewrite_verifies(signing_key):
    """The weakness the checkpoints close: the chain alone cannot tell."""
    record_events(9)
    rewrite(3, {"n": "forged"})

    result = audit_verify()

    assert AuditEvent.objects.get(seq=3).data == {"n": "forged"}
    assert (result.ok, result.broken_seq, result.events, result.checkpoints) == (True, None, 9, 0)


def test_a_recomputed_rewrite_is_caught_by_a_checkpoint_signed_before_it(signing_key):
    record_events(6)
    checkpoint = audit_checkpoint_sign()
    later = record_events(3)
    rewrite(3, {"n": "forged"})

    result = audit_verify()

    assert (result.ok, result.broken_seq, result.events) == (False, None, 9)
    assert (result.checkpoints, result.checkpoints_ok, result.broken_checkpoint) == (1, False, checkpoint.pk)
    recomputed = AuditEvent.objects.get(seq=6).hash
    assert result.checkpoint_reason == (
        f"checkpoint {checkpoint.pk} (event 6, signed {checkpoint.signed_at:%Y-%m-%d}): the chain's recomputed hash "
        f"at event 6 is {recomputed}, not the signed head {checkpoint.head}"
    )
    assert recomputed != checkpoint.head and later[-1].hash != AuditEvent.objects.get(seq=9).hash
    code, out, err = verify_command()
    assert code == 1 and out == ""
    assert err == f"CHECKPOINT FAILS: {result.checkpoint_reason}\n"


def test_a_rewrite_before_the_checkpoint_fails_the_incremental_verification_too(signing_key):
    record_events(6)
    checkpoint = audit_checkpoint_sign()
    record_events(3)
    rewrite(3, {"n": "forged"})

    result = audit_verify(since_checkpoint=True)

    assert (result.ok, result.broken_checkpoint, result.since_checkpoint) == (False, checkpoint.pk, checkpoint.pk)
    assert "the log's event 6 has hash" in result.checkpoint_reason
    assert verify_command("--since-checkpoint")[0] == 1


def test_events_removed_from_the_end_are_caught_by_the_checkpoint(signing_key):
    record_events(5)
    checkpoint = audit_checkpoint_sign()
    tamper("DELETE FROM audit_auditevent WHERE seq >= 4")

    result = audit_verify()

    assert (result.ok, result.broken_seq, result.events, result.broken_checkpoint) == (False, None, 3, checkpoint.pk)
    assert result.checkpoint_reason.endswith("the chain ends at event 3, before the signed event 5")


def test_a_checkpoint_beyond_a_broken_event_fails_with_the_chain(signing_key):
    record_events(5)
    checkpoint = audit_checkpoint_sign()
    tamper("UPDATE audit_auditevent SET data=%s WHERE seq=2", ['{"n": 99}'])

    result = audit_verify()

    assert (result.ok, result.broken_seq, result.broken_checkpoint) == (False, 2, checkpoint.pk)
    assert result.checkpoint_reason.endswith("the chain is broken at event 2, before the signed event 5")


def test_a_checkpoint_forged_with_another_key_fails(signing_key):
    events = record_events(4)
    good = audit_checkpoint_sign()
    forger = Ed25519PrivateKey.generate()
    signature = forger.sign(checkpoint_message(4, events[-1].hash, NOON))
    forged = AuditCheckpoint.objects.create(
        seq=4,
        head=events[-1].hash,
        signed_at=NOON,
        signature=base64.b64encode(signature).decode(),
        key_id=key_id(forger.public_key()),
    )

    result = audit_verify()

    assert (result.ok, result.broken_seq, result.checkpoints, result.broken_checkpoint) == (False, None, 2, forged.pk)
    assert result.checkpoint_reason.endswith(
        f"signed with key {key_id(forger.public_key())}, which is not among the trusted keys (AUDIT_PUBLIC_KEYS)"
    )
    assert good.pk < forged.pk


def test_a_checkpoint_forged_under_the_trusted_key_id_fails(signing_key):
    events = record_events(4)
    forger = Ed25519PrivateKey.generate()
    forged = AuditCheckpoint.objects.create(
        seq=4,
        head=events[-1].hash,
        signed_at=NOON,
        signature=base64.b64encode(forger.sign(checkpoint_message(4, events[-1].hash, NOON))).decode(),
        key_id=key_id(signing_key.public_key()),
    )

    result = audit_verify()

    assert (result.ok, result.broken_checkpoint) == (False, forged.pk)
    assert result.checkpoint_reason.endswith(
        f"the signature does not verify with trusted key {key_id(signing_key.public_key())}"
    )


@pytest.mark.parametrize(
    "column, value",
    [("head", "ab" * 32), ("seq", 2), ("signed_at", "2026-08-15 12:00:00")],
)
def test_a_tampered_checkpoint_row_fails_its_signature(signing_key, column, value):
    record_events(4)
    checkpoint = audit_checkpoint_sign(now=NOON)
    tamper(f"UPDATE audit_auditcheckpoint SET {column}=%s WHERE id=%s", [value, checkpoint.pk])

    result = audit_verify()

    assert (result.ok, result.broken_seq, result.broken_checkpoint) == (False, None, checkpoint.pk)
    assert result.checkpoint_reason.endswith(f"the signature does not verify with trusted key {checkpoint.key_id}")


def test_a_key_no_longer_trusted_fails_its_checkpoints(signing_key, settings):
    record_events(2)
    checkpoint = audit_checkpoint_sign()
    settings.AUDIT_PUBLIC_KEYS = []

    result = audit_verify()

    assert (result.ok, result.broken_checkpoint) == (False, checkpoint.pk)
    assert "not among the trusted keys" in result.checkpoint_reason


def test_the_first_failing_checkpoint_is_named(signing_key):
    record_events(2)
    first = audit_checkpoint_sign()
    record_events(2)
    second = audit_checkpoint_sign()
    record_events(2)
    audit_checkpoint_sign()
    tamper("UPDATE audit_auditcheckpoint SET head=%s WHERE id=%s", ["ab" * 32, second.pk])
    rewrite(1, {"n": "forged"})

    result = audit_verify()

    assert (result.checkpoints, result.broken_checkpoint) == (3, first.pk)


def test_full_verification_reads_the_checkpoints_once_and_the_chain_once(signing_key, django_assert_num_queries):
    for _ in range(3):
        record_events(3)
        audit_checkpoint_sign()

    with django_assert_num_queries(2):
        result = audit_verify()

    assert (result.ok, result.events, result.checkpoints) == (True, 9, 3)


# --- Incremental verification ---------------------------------------------------------


def test_since_checkpoint_verifies_only_the_events_after_the_last_good_one(signing_key, django_assert_num_queries):
    record_events(4)
    audit_checkpoint_sign()
    record_events(2)
    last = audit_checkpoint_sign()
    events = record_events(3)

    with django_assert_num_queries(3):  # the newest checkpoint, its event, the events after it
        result = audit_verify(since_checkpoint=True)

    assert (result.ok, result.since_checkpoint, result.from_seq, result.events) == (True, last.pk, 7, 9)
    assert (result.head, result.checkpoints) == (events[-1].hash, 1)
    code, out, _ = verify_command("--since-checkpoint")
    assert (code, out.splitlines()) == (
        0,
        [
            f"from checkpoint {last.pk} (event 6, signature verified): checked events 7 to 9 (3 events)",
            "checkpoints: 1 checked, all hold",
            f"OK 9 {events[-1].hash}",
        ],
    )


def test_since_checkpoint_catches_a_change_after_the_checkpoint(signing_key):
    record_events(4)
    audit_checkpoint_sign()
    record_events(3)
    tamper("UPDATE audit_auditevent SET data=%s WHERE seq=6", ['{"n": 99}'])

    result = audit_verify(since_checkpoint=True)

    assert (result.ok, result.broken_seq, result.events, result.checkpoints_ok) == (False, 6, 5, True)


def test_since_checkpoint_starts_from_the_newest_good_checkpoint_and_names_the_bad_one(signing_key):
    record_events(3)
    good = audit_checkpoint_sign()
    record_events(3)
    bad = audit_checkpoint_sign()
    tamper("UPDATE audit_auditcheckpoint SET head=%s WHERE id=%s", ["ab" * 32, bad.pk])

    result = audit_verify(since_checkpoint=True)

    assert (result.ok, result.since_checkpoint, result.from_seq, result.broken_checkpoint) == (
        False,
        good.pk,
        4,
        bad.pk,
    )


def test_since_checkpoint_without_a_checkpoint_verifies_the_whole_chain():
    events = record_events(3)

    code, out, _ = verify_command("--since-checkpoint")

    assert (code, out.splitlines()) == (
        0,
        [
            "no checkpoint's signature verifies: verified the whole chain",
            "checkpoints: no checkpoint is signed",
            f"OK 3 {events[-1].hash}",
        ],
    )


# --- The API and the transparency report ----------------------------------------------


def test_auditors_list_the_checkpoints_with_what_holds(signing_key, auditor_client):
    events = record_events(3)
    checkpoint = audit_checkpoint_sign(now=NOON)
    record_events(2)
    published = public_key_text(signing_key.public_key())

    [row] = auditor_client.get("/api/audit/checkpoints/").json()["results"]

    assert row == {
        "id": checkpoint.pk,
        "seq": 3,
        "head": events[-1].hash,
        "signed_at": "2026-08-14T13:00:00+01:00",
        "signature": checkpoint.signature,
        "key_id": checkpoint.key_id,
        "public_key": published,
        "message": f"ru-audit-checkpoint-v1|3|{events[-1].hash}|2026-08-14T12:00:00Z",
        "signature_ok": True,
        "head_in_log": True,
        "verifies": True,
    }
    rewrite(2, {"n": "forged"})
    [row] = auditor_client.get("/api/audit/checkpoints/").json()["results"]
    assert (row["signature_ok"], row["head_in_log"], row["verifies"]) == (True, False, False)


def test_a_page_of_checkpoints_is_two_queries_however_many(signing_key, auditor_client, django_assert_num_queries):
    record_events(1)
    audit_checkpoint_sign()
    auditor_client.get("/api/audit/checkpoints/")  # the caller's roles, read once per login
    with django_assert_num_queries(2):  # the count, and the page with each stored head
        assert len(auditor_client.get("/api/audit/checkpoints/").json()["results"]) == 1
    for _ in range(9):
        audit_checkpoint_sign()
    with django_assert_num_queries(2):
        assert len(auditor_client.get("/api/audit/checkpoints/").json()["results"]) == 10


def test_the_checkpoint_list_exports_csv_with_a_row_each(signing_key, auditor_client):
    record_events(2)
    first = audit_checkpoint_sign()
    second = audit_checkpoint_sign()

    response = auditor_client.get("/api/audit/checkpoints/?format=csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["id"], r["seq"], r["verifies"]) for r in rows] == [
        (str(first.pk), "2", "True"),
        (str(second.pk), "2", "True"),
    ]


def test_verify_api_names_the_failing_checkpoint(signing_key, auditor_client):
    record_events(4)
    checkpoint = audit_checkpoint_sign()
    rewrite(2, {"n": "forged"})

    answer = auditor_client.get("/api/audit/verify/").json()

    assert {k: answer[k] for k in ("ok", "broken_seq", "checkpoints", "checkpoints_ok", "broken_checkpoint")} == {
        "ok": False,
        "broken_seq": None,
        "checkpoints": 1,
        "checkpoints_ok": False,
        "broken_checkpoint": checkpoint.pk,
    }
    lines = auditor_client.get("/api/audit/verify/?format=csv").content.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"False,4,{answer['head']},,,1,False,{checkpoint.pk},")


def test_the_transparency_report_prints_the_quarters_heads_and_the_public_key(signing_key, tmp_path):
    events = record_events(3)
    in_quarter = audit_checkpoint_sign(now=NOON)
    audit_checkpoint_sign(now=dt.datetime(2026, 10, 2, 12, tzinfo=dt.UTC))  # the next quarter

    call_command("transparency_report", "--quarter", "2026Q3", "--out", str(tmp_path), stdout=io.StringIO())

    md = (tmp_path / "transparency-2026Q3.md").read_text()
    published = public_key_text(signing_key.public_key())
    assert f"| 2026-08-14T12:00:00Z | 3 | `{events[-1].hash}` | {in_quarter.key_id} |" in md
    assert md.count("| 2026-") == 1
    assert f"- {in_quarter.key_id}: `{published}`" in md
    rows = (tmp_path / "transparency-2026Q3.csv").read_text().splitlines()
    assert f"audit_checkpoint,2026-08-14T12:00:00Z,head,{events[-1].hash}" in rows
    assert f"audit_public_key,{in_quarter.key_id},ed25519,{published}" in rows


def test_a_malformed_public_key_is_a_system_check_error(settings):
    from audit.checks import public_keys_check

    settings.AUDIT_PUBLIC_KEYS = ["not-base64!"]
    [error] = public_keys_check()
    assert (error.id, error.msg) == (
        "audit.E001",
        "AUDIT_PUBLIC_KEYS holds 'not-base64!', not the base64 of an Ed25519 public key.",
    )


def test_the_nightly_task_signs_once_per_head_and_does_nothing_without_a_key(signing_key):
    from audit.tasks import audit_checkpoint_task

    record_events(3)
    first = audit_checkpoint_task()
    again = audit_checkpoint_task()
    assert first["signed"] is True and again == {"signed": False, "reason": f"event {first['seq']} is already signed"}
    assert AuditCheckpoint.objects.count() == 1


def test_the_nightly_task_without_a_key_signs_nothing():
    from audit.tasks import audit_checkpoint_task

    record_events(2)
    assert audit_checkpoint_task()["signed"] is False and not AuditCheckpoint.objects.exists()
