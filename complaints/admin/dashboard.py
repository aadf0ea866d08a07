"""The admin's landing page: what is due and what is mine, for each role, every count a link to its list.

The numbers come from `complaints.selectors.workbench`, which reads each rule where it lives
(the police clocks, the reminders' deadlines, `overdue_q`); this module only builds links
and words.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.http import urlencode

from complaints.models import Case
from complaints.selectors import workbench
from complaints.services.clocks import KINDS, local_time
from core import roles

TEMPLATE = "admin/dashboard.html"


def _cases_url(**params) -> str:
    url = reverse("admin:complaints_case_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _case_links(cases) -> list[dict]:
    return [
        {
            "reference": case.reference,
            "respondent": case.respondent.name,
            "complaint": case.complaint.summary,
            "url": reverse("admin:complaints_case_change", args=[case.pk]),
        }
        for case in cases
    ]


def officer_panels(user) -> dict:
    data = workbench.officer_dashboard(user=user)
    deadline_rows = [
        {
            "kind": KINDS[kind],
            "cells": [
                {"count": counts[bucket], "url": _cases_url(due=f"{bucket}:{kind}")} for bucket in workbench.BUCKETS
            ],
        }
        for kind, counts in data["deadlines"].items()
    ]
    review_pks = dict(
        Case.objects.filter(reference__in=[d.case for d in data["reviews"]]).values_list("reference", "pk")
    )
    statuses = dict(Case.Status.choices)
    severities = dict(Case._meta.get_field("severity").choices)
    return {
        "clocks": [
            {
                "reference": c["reference"],
                "due": local_time(c["due"]),
                "left": "overdue" if c["overdue"] else c["left"],
                "overdue": c["overdue"],
                "pending": c["pending"],
                "url": reverse("admin:complaints_complaint_threats", args=[c["complaint_id"]]),
            }
            for c in data["clocks"]
        ],
        "buckets": list(workbench.BUCKETS.values()),
        "deadline_rows": deadline_rows,
        "bucket_totals": [
            {"label": label, "count": sum(data["deadlines"][k][b] for k in KINDS), "url": _cases_url(due=b)}
            for b, label in workbench.BUCKETS.items()
        ],
        "overdue_cases": {"count": data["overdue_cases"], "url": _cases_url(overdue="yes")},
        "mine": [
            {"label": statuses[s], "count": n, "url": _cases_url(assigned="me", status__exact=s)}
            for s, n in sorted(data["mine"].items(), key=lambda item: list(statuses).index(item[0]))
        ],
        "mine_url": _cases_url(assigned="me"),
        "unassigned": [
            {"label": severities[s], "count": n, "url": _cases_url(assigned="nobody", severity__exact=s)}
            for s, n in sorted(data["unassigned"].items(), reverse=True)
        ],
        "unassigned_url": _cases_url(assigned="nobody"),
        "reviews": [
            {
                "reference": d.case,
                "due": local_time(d.due),
                "overdue": workbench.deadline_bucket(d.due, data["now"]) == workbench.OVERDUE,
                "url": reverse("admin:complaints_case_change", args=[review_pks[d.case]]),
            }
            for d in data["reviews"]
            if d.case in review_pks
        ],
    }


def panel_panels(user) -> dict:
    data = workbench.panel_dashboard(user=user)
    return {
        "awaiting_decision": _case_links(data["awaiting_decision"]),
        "awaiting_decision_url": _cases_url(awaiting="decision"),
        "awaiting_confirmation": _case_links(data["awaiting_confirmation"]),
        "awaiting_confirmation_url": _cases_url(awaiting="confirmation"),
    }


def auditor_links() -> list[dict]:
    return [
        {
            "label": "The sanction register",
            "url": reverse("admin:complaints_sanction_changelist"),
            "help": "Every sanction imposed, with its status and its case; for export,",
            "api": reverse("audit-sanctions"),
        },
        {
            "label": "Reads outside the team",
            "url": reverse("audit-access"),
            "help": "Staff who read a case or complaint they do not work on.",
        },
        {
            "label": "The security log",
            "url": reverse("audit-security"),
            "help": "Failed logins, lockouts and refused reads.",
        },
        {
            "label": "Verify the audit chain",
            "url": reverse("audit-verify"),
            "help": "Recomputes every hash and checks the signed checkpoints.",
        },
        {
            "label": "The audit log",
            "url": reverse("admin:audit_auditevent_changelist"),
            "help": "Every write and every staff read, newest first.",
        },
    ]


def dashboard(request) -> dict:
    """The landing page's context: the panels of each role the user holds."""
    held = roles.user_roles(request.user)
    context = {"dashboard": True}
    if roles.OFFICER in held:
        context["officer"] = officer_panels(request.user)
    if roles.PANEL in held:
        context["panel"] = panel_panels(request.user)
    if roles.AUDITOR in held:
        context["auditor"] = auditor_links()
    return context


admin.site.dashboard = dashboard
admin.site.index_template = TEMPLATE
