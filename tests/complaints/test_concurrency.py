"""Two officers acting on one case at the same moment: one succeeds, the other gets 409; nothing is lost.

The threaded tests run with real, separate database connections (on PostgreSQL the row lock
serialises them; on SQLite the write lock does); the others act on a version read earlier.
"""

import threading

import pytest
from django.db import connection

from audit.models import AuditEvent
from audit.services import audit_verify
from complaints.models import Case
from complaints.services import cases as svc
from complaints.services.cases import case_dismiss, case_open_investigation
from core.errors import ConflictError
from tests.complaints.factories import CaseFactory
from tests.complaints.services.helpers import recorded, reload
from tests.complaints.timeline import case_events
from tests.members.factories import UserFactory


def run_concurrently(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_officers_acting_at_once_one_wins_the_other_gets_409(audit_flushable_db):
    case = CaseFactory()
    first, second = UserFactory(roles=["officer"]), UserFactory(roles=["officer"])
    investigator = UserFactory(roles=["officer"])
    events_before = AuditEvent.objects.count()

    outcomes = run_concurrently(
        lambda: case_open_investigation(case=case, actor=first, version=1, investigator=investigator),
        lambda: case_dismiss(case=case, actor=second, version=1, reason_code="vexatious", reason="Vexatious."),
    )

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ConflictError), outcomes
    case.refresh_from_db()
    assert case.version == 2
    # The case is where the winner took it.
    opened = not isinstance(outcomes[0], Exception)
    assert case.status == (Case.Status.INVESTIGATION if opened else Case.Status.DISMISSED)
    case_events = AuditEvent.objects.filter(seq__gt=events_before, action__startswith="case.")
    assert case_events.count() == 1
    assert audit_verify().ok


def test_concurrent_audit_writers_never_fork_the_chain(audit_flushable_db):
    cases = [CaseFactory() for _ in range(4)]
    officers = [UserFactory(roles=["officer"]) for _ in range(4)]
    outcomes = run_concurrently(
        *[
            (lambda c=c, o=o: case_dismiss(case=c, actor=o, version=1, reason_code="out_of_scope", reason="Out."))
            for c, o in zip(cases, officers, strict=True)
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    result = audit_verify()
    assert result.ok and result.events == AuditEvent.objects.count()


# --- a version read before another officer acted ------------------------------------------------------------------


@pytest.mark.django_db
def test_second_action_on_the_same_version_is_a_conflict_and_writes_nothing(officer, investigator, t0):
    case = CaseFactory()
    read = Case.objects.get(pk=case.pk)  # what two officers loaded, at version 1
    other = UserFactory(roles=["officer"])

    svc.case_open_investigation(case=read, actor=officer, version=read.version, investigator=investigator, now=t0)
    events = recorded()
    with pytest.raises(ConflictError, match="changed since you read it") as info:
        svc.case_dismiss(case=read, actor=other, version=read.version, reason_code="vexatious", reason="x", now=t0)

    assert info.value.field == "version"
    reload(case)
    assert (case.status, case.version) == (Case.Status.INVESTIGATION, 2)
    assert recorded() == events
    assert [e.action for e in case_events(case)] == ["open_investigation"]


@pytest.mark.django_db
def test_the_same_action_twice_on_one_version_is_a_stale_version_conflict(officer, investigator, t0):
    case = CaseFactory()
    svc.case_open_investigation(case=case, actor=officer, version=1, investigator=investigator, now=t0)
    events = recorded()
    with pytest.raises(ConflictError, match="changed since you read it"):
        svc.case_open_investigation(
            case=case, actor=UserFactory(roles=["officer"]), version=1, investigator=investigator, now=t0
        )
    assert recorded() == events and reload(case).version == 2
