"""Two officers acting on one case at the same moment: one succeeds, the other gets 409; nothing is lost.

Runs with real, separate database connections in threads (on PostgreSQL the row lock
serialises them; on SQLite the write lock does).
"""

import threading

from django.db import connection

from audit.models import AuditEvent
from audit.services import audit_verify
from complaints.models import Case
from complaints.services.cases import case_dismiss, case_open_investigation
from core.errors import ConflictError
from tests.complaints.factories import CaseFactory
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
    assert case.status in (Case.Status.INVESTIGATION, Case.Status.DISMISSED)
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
