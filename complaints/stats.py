"""Figures the party can publish: timeliness per stage, outcomes by category and quarter, open cases by age.

Counts under the suppression threshold (5 by default) are shown as "<5" so that no one
can be identified from a small number.
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from complaints.models import Appeal, Case, Decision, Evidence, InterimSuspension, Response

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

    decisions = _window(Decision.objects.all(), "decided_at", start, end)
    ack_to_decision = [
        _days(ack, decided)
        for ack, decided in decisions.exclude(case__complaint__acknowledged_at=None).values_list(
            "case__complaint__acknowledged_at", "decided_at"
        )
    ]
    notice_to_response = [
        _days(notice, submitted)
        for notice, submitted in _window(
            Response.objects.exclude(case__notice_issued_at=None), "submitted_at", start, end
        ).values_list("case__notice_issued_at", "submitted_at")
    ]
    decision_to_appeal = [
        _days(decided, appealed)
        for decided, appealed in _window(Appeal.objects.exclude(decided_at=None), "decided_at", start, end).values_list(
            "decision__decided_at", "decided_at"
        )
    ]
    interim = [
        _days(imposed, lifted)
        for imposed, lifted in _window(
            InterimSuspension.objects.exclude(lifted_at=None), "lifted_at", start, end
        ).values_list("imposed_at", "lifted_at")
    ]

    outcomes: dict = defaultdict(Counter)
    categories_of = defaultdict(list)
    decided_cases = decisions.values_list("case_id", flat=True)
    dismissed = _window(Case.objects.filter(status=Case.Status.DISMISSED), "closed_at", start, end)
    for case_id, code in Case.categories.through.objects.filter(
        Q(case_id__in=decided_cases) | Q(case_id__in=dismissed.values("pk"))
    ).values_list("case_id", "category__code"):
        categories_of[case_id].append(code)
    for case_id, outcome, decided_at in decisions.values_list("case_id", "outcome", "decided_at"):
        for code in categories_of.get(case_id) or ["uncategorised"]:
            outcomes[(code, quarter_of(decided_at))][outcome] += 1
    for case_id, closed_at in dismissed.values_list("pk", "closed_at"):
        for code in categories_of.get(case_id) or ["uncategorised"]:
            outcomes[(code, quarter_of(closed_at))]["dismissed"] += 1

    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES)
    ages = Counter()
    for low, high, label in AGE_BANDS:
        band = open_cases.filter(opened_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            band = band.filter(opened_at__gt=now - dt.timedelta(days=high + 1))
        ages[label] = band.count()

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
        "threat_detection": detector_accuracy(start=start, end=end),
    }


def detector_accuracy(*, start: dt.datetime, end: dt.datetime) -> dict:
    """The threat detector measured against officers' decisions on the items they reviewed
    (reclassified) in the window: how often it agreed, what it missed and what it raised in error.
    With fewer reviews than the suppression threshold, the rates are withheld."""
    reviewed = _window(Evidence.objects.exclude(classified_at=None), "classified_at", start, end)
    row = reviewed.aggregate(
        reviewed=Count("pk"),
        both=Count("pk", filter=Q(threat=True, machine_threat=True)),
        missed=Count("pk", filter=Q(threat=True, machine_threat=False)),
        false_alarms=Count("pk", filter=Q(threat=False, machine_threat=True)),
    )
    n, both, missed, false_alarms = row["reviewed"], row["both"], row["missed"], row["false_alarms"]
    shown = n >= settings.CONDUCT["STATS_SUPPRESS_BELOW"]

    def rate(part: int, whole: int) -> float | None:
        return round(part / whole, 3) if shown and whole else None

    return {
        "reviewed_by_officers": suppress(n),
        "agreed": suppress(n - missed - false_alarms),
        "threats_missed": suppress(missed),
        "false_alarms": suppress(false_alarms),
        "precision": rate(both, both + false_alarms),
        "recall": rate(both, both + missed),
    }


def stats_rows(stats: dict) -> list[dict]:
    """The figures of `stats_compute` one per row, for CSV: (section, item, measure, value), with
    the same `<5` suppression."""
    period = {"from": stats["from"], "to": stats["to"]}
    rows = []
    for stage, summary in stats["timeliness"].items():
        for measure, value in summary.items():
            rows.append({**period, "section": "timeliness", "item": stage, "measure": measure, "value": value})
    for entry in stats["outcomes"]:
        item = f"{entry['category']} {entry['quarter']}"
        for measure, value in entry.items():
            if measure not in ("category", "quarter"):
                rows.append({**period, "section": "outcomes", "item": item, "measure": measure, "value": value})
    for band in stats["open_cases_by_age"]:
        rows.append(
            {**period, "section": "open_cases_by_age", "item": band["band"], "measure": "count", "value": band["count"]}
        )
    for measure, value in stats["threat_detection"].items():
        rows.append({**period, "section": "threat_detection", "item": "", "measure": measure, "value": value})
    return rows
