"""Figures the party can publish: timeliness per stage, outcomes by category and quarter, open cases by age.

Counts under the suppression threshold (5 by default) are shown as "<5" so that no one
can be identified from a small number.
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict

from django.conf import settings
from django.utils import timezone

from complaints.models import Appeal, Case, Decision, InterimSuspension, Response

AGE_BANDS = [
    (0, 30, "0-30 days"),
    (31, 90, "31-90 days"),
    (91, 180, "91-180 days"),
    (181, 365, "181-365 days"),
    (366, None, "over a year"),
]


def suppress(count: int) -> int | str:
    threshold = settings.CONDUCT["STATS_SUPPRESS_BELOW"]
    return f"<{threshold}" if 0 < count < threshold else count


def _days(start, end) -> float:
    return (end - start).total_seconds() / 86400


def _summary(durations: list[float]) -> dict:
    n = len(durations)
    if n < settings.CONDUCT["STATS_SUPPRESS_BELOW"]:
        return {"count": suppress(n), "median_days": None, "p90_days": None}
    ordered = sorted(durations)
    p90 = ordered[min(n - 1, max(0, int(round(0.9 * n + 0.5)) - 1))]
    return {"count": n, "median_days": round(statistics.median(ordered), 1), "p90_days": round(p90, 1)}


def quarter_of(day: dt.datetime) -> str:
    local = timezone.localtime(day)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def _window(qs, field, start, end):
    return qs.filter(**{f"{field}__gte": start, f"{field}__lt": end})


def stats_compute(*, date_from: dt.date, date_to: dt.date, now=None) -> dict:
    """Timeliness (median, p90 days per stage), outcomes by category and quarter, open cases by age band."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    first_decisions = _window(Decision.objects.select_related("case__complaint"), "decided_at", start, end)
    ack_to_decision = [
        _days(d.case.complaint.acknowledged_at, d.decided_at)
        for d in first_decisions
        if d.case.complaint.acknowledged_at
    ]
    responses = _window(Response.objects.select_related("case"), "submitted_at", start, end)
    notice_to_response = [_days(r.case.notice_issued_at, r.submitted_at) for r in responses if r.case.notice_issued_at]
    appeals = _window(Appeal.objects.select_related("decision").exclude(decided_at=None), "decided_at", start, end)
    decision_to_appeal = [_days(a.decision.decided_at, a.decided_at) for a in appeals]
    lifted = _window(InterimSuspension.objects.exclude(lifted_at=None), "lifted_at", start, end)
    interim = [_days(i.imposed_at, i.lifted_at) for i in lifted]

    outcomes: dict = defaultdict(Counter)
    for decision in first_decisions.prefetch_related("case__categories"):
        categories = [c.code for c in decision.case.categories.all()] or ["uncategorised"]
        for code in categories:
            outcomes[(code, quarter_of(decision.decided_at))][decision.outcome] += 1
    dismissed = _window(
        Case.objects.filter(status=Case.Status.DISMISSED).prefetch_related("categories"), "closed_at", start, end
    )
    for case in dismissed:
        for code in [c.code for c in case.categories.all()] or ["uncategorised"]:
            outcomes[(code, quarter_of(case.closed_at))]["dismissed"] += 1

    ages = Counter()
    for opened_at in Case.objects.filter(status__in=Case.OPEN_STATUSES).values_list("opened_at", flat=True):
        age = (now - opened_at).days
        for low, high, label in AGE_BANDS:
            if age >= low and (high is None or age <= high):
                ages[label] += 1
                break

    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "suppressed_below": settings.CONDUCT["STATS_SUPPRESS_BELOW"],
        "timeliness": {
            "acknowledgement_to_decision": _summary(ack_to_decision),
            "notice_to_response": _summary(notice_to_response),
            "decision_to_appeal_outcome": _summary(decision_to_appeal),
            "interim_suspension_to_lifting": _summary(interim),
        },
        "outcomes": [
            {"category": code, "quarter": quarter, **{k: suppress(v) for k, v in sorted(counts.items())}}
            for (code, quarter), counts in sorted(outcomes.items())
        ],
        "open_cases_by_age": [{"band": label, "count": suppress(ages[label])} for _, _, label in AGE_BANDS],
    }
