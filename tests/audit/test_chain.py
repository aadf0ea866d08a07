"""The hash-chained audit log (audit/services.py, audit/chain.py): linking, verifying, tamper evidence.

The table refuses UPDATE and DELETE (audit/migrations/0002); tampering here goes past
those triggers as someone with database superuser access would (tests/audit/tamper.py).
"""

import pytest
from django.db import transaction

from audit.chain import GENESIS, canonical, compute_hash, content_json, content_of, event_content, link_hash
from audit.models import AuditEvent
from audit.services import audit_record, audit_verify
from tests.audit.tamper import tamper
from tests.members.factories import UserFactory


def record_events(n: int, actor=None) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit_record(actor=actor, action="test.event", object_type="test.thing", object_id=i, data={"n": i})
            for i in range(1, n + 1)
        ]


@pytest.mark.django_db
def test_each_event_is_chained_to_the_one_before():
    assert not AuditEvent.objects.exists()
    events = record_events(4)

    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    for event in AuditEvent.objects.order_by("seq"):
        assert event.hash == compute_hash(event.prev_hash, content_of(event))
    assert len({e.hash for e in events}) == 4


@pytest.mark.django_db
def test_event_names_its_actor_or_the_system():
    user = UserFactory()
    by_user, by_system = record_events(1, actor=user)[0], record_events(1)[0]
    assert (by_user.actor, by_user.actor_name) == (user, user.username)
    assert (by_system.actor, by_system.actor_name) == (None, "system")
    assert by_system.prev_hash == by_user.hash


@pytest.mark.django_db
def test_verify_reports_the_count_and_the_head():
    events = record_events(3)
    result = audit_verify()
    assert (result.ok, result.events, result.head, result.broken_seq) == (True, 3, events[-1].hash, None)


@pytest.mark.django_db
def test_verify_of_an_empty_log_is_ok():
    result = audit_verify()
    assert (result.ok, result.events, result.head) == (True, 0, GENESIS)


@pytest.mark.django_db
def test_verify_in_small_chunks_gives_the_same_answer():
    events = record_events(7)
    assert audit_verify(chunk=2).head == events[-1].hash


@pytest.mark.django_db
def test_data_changed_behind_the_applications_back_is_named_by_seq():
    events = record_events(4)
    assert events[1].seq == 2
    tamper("UPDATE audit_auditevent SET data=%s WHERE seq=2", ['{"n": 99}'])

    result = audit_verify()

    assert (result.ok, result.broken_seq, result.events) == (False, 2, 1)
    assert result.head == events[0].hash
    assert "content" in result.reason


@pytest.mark.django_db
def test_rewriting_a_row_with_a_made_up_hash_is_named_by_seq():
    assert record_events(4)[1].seq == 2
    tamper("UPDATE audit_auditevent SET action='test.forged', hash=%s WHERE seq=2", ["f" * 64])

    result = audit_verify()

    assert not result.ok and result.broken_seq == 2


@pytest.mark.django_db
def test_recomputed_forgery_is_caught_at_the_following_event():
    assert record_events(4)[1].seq == 2
    forged = AuditEvent.objects.get(seq=2)
    forged.data = {"n": 99}
    new_hash = compute_hash(forged.prev_hash, content_of(forged))
    tamper("UPDATE audit_auditevent SET data=%s, hash=%s WHERE seq=2", ['{"n": 99}', new_hash])

    result = audit_verify()

    assert (result.ok, result.broken_seq) == (False, 3)
    assert "prev_hash" in result.reason


@pytest.mark.django_db
def test_deleting_a_middle_event_is_caught():
    assert record_events(4)[1].seq == 2
    tamper("DELETE FROM audit_auditevent WHERE seq=2")

    result = audit_verify()

    assert (result.ok, result.broken_seq, result.events) == (False, 3, 1)
    assert "gap" in result.reason


@pytest.mark.django_db
def test_chain_continues_after_the_last_event():
    first = record_events(2)
    more = record_events(1)
    assert (more[0].seq, more[0].prev_hash) == (3, first[-1].hash)
    assert audit_verify().ok


def test_audit_record_outside_a_transaction_is_refused(audit_flushable_db):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="test.event", object_type="test.thing", object_id=1)
    assert not AuditEvent.objects.exists()


def test_event_is_rolled_back_with_the_change_it_records(audit_flushable_db):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=None, action="test.event", object_type="test.thing", object_id=1)
        1 / 0  # noqa: B018
    assert not AuditEvent.objects.exists()
    assert record_events(1)[0].seq == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"n": 1},
        {"b": [1, 2.5, None, True], "a": {"z": "é – ✓", "y": 'quote " and \\ backslash'}},
        {"emoji": "😀", "nl": "line\nbreak\ttab", "ctl": "\x00\x1f"},
        [],
        ["not", "a", "dict"],
    ],
)
def test_the_fast_canonical_text_is_the_canonical_json(data):
    import datetime as dt

    at = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)
    values = dict(
        seq=12345678901,
        at=at,
        actor_name="ofícer \u2028",
        action="case.read",
        object_type="complaints.case",
        object_id="42",
        case_ref='RU-"1"',
        data=data,
    )
    assert content_json(*values.values()) == canonical(event_content(**values))
    assert link_hash(GENESIS, content_json(*values.values())) == compute_hash(GENESIS, event_content(**values))


@pytest.mark.django_db
def test_verify_recomputes_the_hashes_audit_record_wrote():
    user = UserFactory(username="ünïcode")
    with transaction.atomic():
        audit_record(actor=user, action="test.event", object_type="t", object_id="x", data={"é": ["✓", 1.5, None]})
        audit_record(actor=None, action="test.event", object_type="t", object_id=7, case_ref="RU-1", data={})
    for event in AuditEvent.objects.order_by("seq"):
        assert event.hash == compute_hash(event.prev_hash, content_of(event))
    assert audit_verify().ok


@pytest.mark.django_db
def test_events_written_together_chain_exactly_like_events_written_one_by_one():
    from audit.services import audit_record_many

    with transaction.atomic():
        audit_record(actor=None, action="first", object_type="x", object_id="0")
        written = audit_record_many(
            actor=None,
            events=[{"action": "batch", "object_type": "x", "object_id": str(i), "data": {"i": i}} for i in range(3)],
        )
        audit_record(actor=None, action="last", object_type="x", object_id="9")
    assert [e.seq for e in written] == [2, 3, 4]
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in events] == ["first", "batch", "batch", "batch", "last"]
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    result = audit_verify()
    assert result.ok and result.events == 5 and result.head == events[-1].hash
