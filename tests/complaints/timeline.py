"""A case's timeline as tests read it: the case-action events of the audit log, the one record."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from audit.models import AuditEvent

READS = ("case.read", "case.read_outside_team")


@dataclass
class TimelineEvent:
    action: str  # the action's name, without "case."
    actor: object  # the user, or None for the system
    from_status: str
    to_status: str
    data: dict  # what the action recorded beyond the move and the version
    audit: AuditEvent


def _events(case=None, action=None, cases=None):
    qs = AuditEvent.objects.filter(action__startswith="case.").exclude(action__in=READS)
    if case is not None:
        qs = qs.filter(case_ref=case.reference)
    if cases is not None:
        qs = qs.filter(case_ref__in=[c.reference for c in cases])
    if action is not None:
        qs = qs.filter(action=f"case.{action}")
    return qs.order_by("seq")


def case_events(case=None, action=None, cases=None) -> list[TimelineEvent]:
    """The case-action events (of one case, one action, or some cases), in chain order."""
    users = {u.username: u for u in get_user_model().objects.all()}
    return [
        TimelineEvent(
            action=e.action.removeprefix("case."),
            actor=users.get(e.actor_name) if e.actor_name != "system" else None,
            from_status=e.data.get("from", ""),
            to_status=e.data.get("to", ""),
            data={k: v for k, v in e.data.items() if k not in ("from", "to", "version")},
            audit=e,
        )
        for e in _events(case, action, cases)
    ]


def case_event_count() -> int:
    """How many case actions the log holds."""
    return _events().count()


def event_of(case, action) -> tuple[TimelineEvent, AuditEvent]:
    """The one event an action wrote on `case`, and its audit row."""
    [event] = case_events(case, action)
    return event, event.audit
