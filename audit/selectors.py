from django.db.models import OuterRef, Subquery

from audit.events import Event
from audit.models import AuditCheckpoint, AuditEvent


def event_list():
    """The audit log, oldest first."""
    return AuditEvent.objects.select_related("actor").order_by("seq")


def checkpoint_list():
    """The signed checkpoints, oldest first, each with `stored_head`: the log's stored hash at its seq (or None)."""
    stored = AuditEvent.objects.filter(seq=OuterRef("seq")).values("hash")[:1]
    return AuditCheckpoint.objects.annotate(stored_head=Subquery(stored)).order_by("id")


def checkpoints_signed_between(date_from, date_to):
    """The checkpoints signed on those days (local dates, both included), oldest first."""
    return AuditCheckpoint.objects.filter(signed_at__date__range=(date_from, date_to)).order_by("id")


READ_ACTIONS = ("case.read", "case.read_outside_team")


def case_timeline(reference: str):
    """What was done to a case, oldest first: its audit events less the staff reads."""
    return AuditEvent.objects.filter(case_ref=reference).exclude(action__in=READ_ACTIONS).order_by("seq")


def case_read_count(reference: str) -> int:
    """How many staff reads of the case the access log holds."""
    return AuditEvent.objects.filter(case_ref=reference, action__in=READ_ACTIONS).count()


def reads_outside_team():
    """Staff reads of cases, and of complaints and what they hold, by people who were not on the
    team when they read it."""
    return AuditEvent.objects.filter(
        action__in=[Event.CASE_READ_OUTSIDE_TEAM, Event.COMPLAINT_READ_OUTSIDE_TEAM]
    ).order_by("-seq")
