"""`send_reminders` started twice at once (cron overlapping a slow run): each reminder goes once.

Real, separate database connections: on PostgreSQL the second run's insert of a reminder's
key waits for the first run to commit and then fails; on SQLite the write lock serialises them.
"""

import threading

from django.db import connection

from complaints.models import ReminderSent
from complaints.services.clocks import reminders_deliver
from tests.complaints.test_reminders_ahead import HOUR, T0, acknowledged_complaint, threats
from tests.members.factories import UserFactory


def test_two_runs_at_once_send_each_reminder_once(audit_flushable_db, mailoutbox):
    officers = [UserFactory(roles=["officer"]) for _ in range(2)]
    complaint = acknowledged_complaint()
    threats(complaint, "stranger1", at=T0)
    mailoutbox.clear()  # the alert of the new threat, sent on commit here
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(reminders_deliver(now=T0 + 12 * HOUR))
        except Exception as exc:  # the outcome under test
            outcomes.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert len(outcomes) == 2 and not [o for o in outcomes if isinstance(o, Exception)], outcomes
    # Each reminder is sent by one run and found sent by the other, however the runs interleave.
    totals = tuple(sum(getattr(o, name) for o in outcomes) for name in ("sent", "skipped", "failed"))
    assert totals == (2, 2, 0)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in officers)
    assert ReminderSent.objects.filter(key__startswith="police:").count() == 2
