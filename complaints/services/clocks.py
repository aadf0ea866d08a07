"""The clocks of DESIGN.md §6: reminders of what is due or overdue, and what lapses by itself."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from complaints import notifications
from complaints.models import Appeal, Case, Decision, InterimSuspension
from complaints.selectors import overdue_q
from complaints.services.cases import cases_close_lapsed
from complaints.services.standing import sanctions_mark_spent
from core import roles


def reminders_collect(*, now=None) -> dict:
    """{user: [line, ...]} of what each officer and panel member must attend to."""
    now = now or timezone.now()
    User = get_user_model()
    due: dict = defaultdict(list)
    officers = list(
        User.objects.filter(Q(groups__name=roles.OFFICER) | Q(is_superuser=True), is_active=True).distinct()
    )
    overdue = Case.objects.filter(overdue_q(now)).select_related("assigned_to", "complaint").order_by("-severity", "pk")
    for case in overdue:
        line = f"{case.reference} ({case.get_status_display()}, {case.get_severity_display()}) is overdue"
        if case.police_referral_due and case.police_referral_due < now and case.status in Case.OPEN_STATUSES:
            line += "; a police-referral decision is due"
        targets = [case.assigned_to] if case.assigned_to_id else officers
        for user in targets:
            due[user].append(line)
    for suspension in InterimSuspension.objects.filter(lifted_at__isnull=True).select_related("case__assigned_to"):
        flags = []
        if suspension.review_overdue(now):
            flags.append("review overdue")
        if suspension.long_running(now):
            flags.append("in place for more than six months")
        if flags:
            targets = [suspension.case.assigned_to] if suspension.case.assigned_to_id else officers
            for user in targets:
                due[user].append(f"interim suspension on {suspension.case.reference}: {', '.join(flags)}")
    for case in Case.objects.filter(status=Case.Status.PANEL).prefetch_related("panel"):
        for user in case.panel.all():
            due[user].append(f"{case.reference} awaits the panel's decision")
    pending = Decision.objects.filter(needs_confirmation=True, confirmed_at__isnull=True).select_related("case")
    for decision in pending.prefetch_related("case__panel"):
        for user in decision.case.panel.all():
            if user.pk != decision.decided_by_id:
                due[user].append(f"the decision on {decision.case.reference} awaits your confirmation")
    pending_appeals = Appeal.objects.filter(
        case__status=Case.Status.APPEAL, needs_confirmation=True, confirmed_at__isnull=True
    ).exclude(outcome="")
    for appeal in pending_appeals.select_related("case").prefetch_related("case__appeal_panel"):
        for user in appeal.case.appeal_panel.all():
            if user.pk != appeal.decided_by_id:
                due[user].append(f"the appeal decision on {appeal.case.reference} awaits your confirmation")
    return dict(due)


def reminders_send(*, now=None) -> int:
    """E-mail each officer and panel member their list. Returns the number of e-mails sent."""
    sent = 0
    for user, items in reminders_collect(now=now).items():
        if user.email and items:
            notifications.send_now("reminders", [user.email], user=user, items=items)
            sent += 1
    return sent


def clocks_apply(*, now=None) -> dict:
    """Close decided cases whose appeal window lapsed; mark ended sanctions spent (and refresh standing).

    The appeal window runs from when the decision took effect (`Decision.appeal_due`), so a
    decision still awaiting confirmation never lapses.
    """
    now = now or timezone.now()
    return {"closed": cases_close_lapsed(now=now), "spent": sanctions_mark_spent(today=timezone.localdate(now))}
