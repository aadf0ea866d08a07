"""Closing decided cases: by an officer, or automatically once the appeal window has lapsed."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints import workflow
from complaints.models import Case
from complaints.services.cases.common import advance, begin, complaint_after_case_change, conf, lock_case, record
from complaints.workflow import Action


@transaction.atomic
def case_close(*, case: Case, actor, version: int | None, now=None) -> Case:
    """Close a decided case once its decision is in effect and the appeal window has lapsed."""
    case, transition, now = begin(case, Action.CLOSE, actor, version, now)
    from_status = case.status
    case.closed_at = now
    advance(case, transition.target, ["closed_at"])
    record(case, actor, Action.CLOSE, from_status=from_status, now=now)
    complaint_after_case_change(case.complaint, now)
    return case


def cases_close_lapsed(*, now=None) -> int:
    """Close every decided case whose appeal window has lapsed (run from cron). Returns how many.

    The window runs from when the decision took effect: its confirmation when it needed one.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=conf("APPEAL_DAYS"))
    closed = 0
    took_effect_before_cutoff = Q(decisions__needs_confirmation=False, decisions__decided_at__lt=cutoff) | Q(
        decisions__needs_confirmation=True, decisions__confirmed_at__lt=cutoff
    )
    candidates = (
        Case.objects.filter(status=Case.Status.DECIDED)
        .filter(took_effect_before_cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in candidates:
        with transaction.atomic():
            case, transition, _ = begin_system(pk, now)
            if transition is None:
                continue
            case.closed_at = now
            advance(case, transition.target, ["closed_at"])
            record(case, None, Action.CLOSE, from_status=Case.Status.DECIDED, now=now, data={"automatic": True})
            complaint_after_case_change(case.complaint, now)
            closed += 1
    return closed


def begin_system(pk: int, now):
    """The automatic close runs as the system: it checks only the state and the guard."""
    case = lock_case(Case(pk=pk))
    transition = workflow.ACTIONS[Action.CLOSE]
    if case.status not in transition.sources or transition.guard(case, None, now):
        return case, None, now
    return case, transition, now
