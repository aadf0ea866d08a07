"""What the admin's landing page shows each role, and the case list's filters that lead on from it.

Every rule here is read from where it already lives: the police clocks from
`selectors.threats.clocks_running`, what is due from the reminders' `deadlines_due`, what
is overdue from `overdue_q`. This module only counts, groups and scopes.
"""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from complaints.models import Appeal, Case, Decision
from complaints.selectors import case_queue, complaint_list, overdue_q
from complaints.selectors.threats import clocks_running
from complaints.services.clocks import INTERIM_REVIEW, KINDS, Deadline, deadlines_due, time_left

WEEK = dt.timedelta(days=7)
OVERDUE, TODAY, THIS_WEEK = "overdue", "today", "week"
BUCKETS = {OVERDUE: "overdue", TODAY: "due today", THIS_WEEK: "due this week"}


def deadline_bucket(due: dt.datetime, now: dt.datetime) -> str | None:
    """Overdue (passed, as the reminders count it), due today (local day), or due within the week."""
    if now > due:
        return OVERDUE
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
    if due <= end_of_today:
        return TODAY
    if due <= now + WEEK:
        return THIS_WEEK
    return None


def deadlines_in(bucket: str, *, kind: str | None = None, now: dt.datetime | None = None) -> list[Deadline]:
    """The reminders' deadlines in one bucket (and of one kind)."""
    now = now or timezone.now()
    return [
        d
        for d in deadlines_due(now=now, within=WEEK)
        if deadline_bucket(d.due, now) == bucket and (kind is None or d.kind == kind)
    ]


def deadline_cases_q(deadlines: list[Deadline]) -> Q:
    """The open cases the deadlines are on: the case itself, or every open case of the complaint
    for the deadlines that belong to a complaint (its acknowledgement, its police clock)."""
    cases = {d.case for d in deadlines if d.case}
    complaints = {d.complaint for d in deadlines if not d.case}
    return Q(status__in=Case.OPEN_STATUSES) & (Q(reference__in=cases) | Q(complaint__reference__in=complaints))


def awaiting_decision_q(user) -> Q:
    """Cases whose decision waits on `user`: the panel's, or the appeal panel's with no appeal decided."""
    decided_appeal = Appeal.objects.filter(case=OuterRef("pk")).exclude(outcome="")
    return Q(status=Case.Status.PANEL, panel=user) | (
        Q(status=Case.Status.APPEAL, appeal_panel=user) & ~Exists(decided_appeal)
    )


def awaiting_confirmation_q(user) -> Q:
    """Cases with a decision, or an appeal decision, that `user` (on that panel, not its maker) may confirm."""
    decision = Decision.objects.filter(case=OuterRef("pk"), needs_confirmation=True, confirmed_at__isnull=True)
    appeal = Appeal.objects.filter(case=OuterRef("pk"), needs_confirmation=True, confirmed_at__isnull=True).exclude(
        outcome=""
    )
    return (Q(status=Case.Status.DECIDED, panel=user) & Exists(decision.exclude(decided_by=user))) | (
        Q(status=Case.Status.APPEAL, appeal_panel=user) & Exists(appeal.exclude(decided_by=user))
    )


def _counts(queryset, field: str) -> dict:
    return dict(queryset.order_by().values_list(field).annotate(n=Count("pk", distinct=True)))


def officer_dashboard(*, user, now: dt.datetime | None = None) -> dict:
    """An officer's day: running police clocks, deadlines by kind and bucket, their own cases,
    the unassigned queue by severity and interim suspensions due for review (a fixed number of
    queries, however many rows)."""
    now = now or timezone.now()
    clocks = [
        {**clock, "left": time_left(clock["due"] - now)}
        for clock in clocks_running(now=now, complaint_ids=complaint_list(user=user).order_by().values("pk"))
    ]
    by_kind = {kind: dict.fromkeys(BUCKETS, 0) for kind in KINDS}
    reviews = []
    for deadline in deadlines_due(now=now, within=WEEK):
        bucket = deadline_bucket(deadline.due, now)
        if bucket is None:
            continue
        by_kind[deadline.kind][bucket] += 1
        if deadline.kind == INTERIM_REVIEW:
            reviews.append(deadline)
    queue = case_queue(user=user).filter(status__in=Case.OPEN_STATUSES)
    return {
        "clocks": clocks,
        "deadlines": by_kind,
        "overdue_cases": queue.filter(overdue_q(now)).order_by().count(),
        "mine": _counts(queue.filter(assigned_to=user), "status"),
        "unassigned": _counts(queue.filter(assigned_to__isnull=True), "severity"),
        "reviews": reviews,
        "now": now,
    }


def panel_dashboard(*, user) -> dict:
    """A panel member's cases awaiting their decision and awaiting their confirmation (two queries)."""
    cases = Case.objects.select_related("respondent", "complaint").order_by("opened_at", "pk")
    return {
        "awaiting_decision": list(cases.filter(awaiting_decision_q(user)).distinct()),
        "awaiting_confirmation": list(cases.filter(awaiting_confirmation_q(user)).distinct()),
    }
