"""The clocks of DESIGN.md §6: reminders ahead of each deadline and once it has passed, and what
lapses by itself.

Every deadline is reminded at its lead times (`POLICE_REMINDER_LEADS_HOURS` before a
police-referral decision, `REMINDER_LEAD_DAYS` before the others) and once more when it has
passed. Each (item, stage, recipient) is sent once: its key is written to `ReminderSent` in
the transaction that sends it, so `send_reminders` can run every 15 minutes, or twice at
once, and never send anything twice. When a run finds several stages of one item reached
(the command was not run for a while), only the latest goes.

Who is reminded: the case's assigned officer, else every active officer. The police clock
and the acknowledgement belong to the complaint: they go to the one officer assigned to
every case that holds the waiting items (for the police clock: every threat item no
decision covers is on a case, and those cases share one assigned officer), else to every
active officer, so a threat from a non-member, which has no case, reaches everyone. Panel
members are told once of a case awaiting their decision, and of a decision awaiting their
confirmation. The appeal window needs nobody to act: `apply_clocks` closes the case.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import dateformat, timezone

from complaints import notifications
from complaints.models import Appeal, Case, Complaint, Decision, InterimSuspension, PoliceReferral, ReminderSent
from complaints.selectors import officers_on_duty
from complaints.selectors.threats import clocks_running, uncovered_threats
from complaints.services.cases import cases_close_lapsed
from complaints.services.standing import sanctions_mark_spent

log = logging.getLogger(__name__)

OVERDUE = "overdue"
# The kinds of deadline the reminders watch, in words.
POLICE, ACKNOWLEDGEMENT, RESPONSE, DECISION, INTERIM_REVIEW = (
    "police", "acknowledgement", "response", "decision", "interim_review"
)  # fmt: skip
KINDS = {
    POLICE: "Police-referral decision",
    ACKNOWLEDGEMENT: "Acknowledgement",
    RESPONSE: "Respondent's response",
    DECISION: "Decision",
    INTERIM_REVIEW: "Interim suspension review",
}
# The statuses in which a decision is still awaited (as `overdue_q` counts them).
AWAITING_DECISION = (Case.Status.RECEIVED, Case.Status.INVESTIGATION, Case.Status.AWAITING_RESPONSE, Case.Status.PANEL)
_KEY_CHUNK = 500


def _conf(name):
    return settings.CONDUCT[name]


def local_time(moment: dt.datetime) -> str:
    """A moment as people read it, in the site's time zone: "2 Dec 2026, 09:00"."""
    return dateformat.format(timezone.localtime(moment), "j M Y, H:i")


def time_left(delta: dt.timedelta) -> str:
    """ "3 days", "5 h 30 min", "40 min": what is left before a deadline."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24} days"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def _stamp(moment: dt.datetime) -> str:
    """A moment in a reminder key: UTC, to the second, whatever the database returns it as."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lead_label(lead: dt.timedelta) -> str:
    return f"{int(lead.total_seconds() // 3600)}h"


@dataclass(frozen=True)
class Reminder:
    """One line for one person, sent once under `key`."""

    key: str
    user: object
    line: str
    due: dt.datetime | None = None


@dataclass(frozen=True)
class Deadline:
    """Something due by `due`, reminded `leads` before it and once it has passed.

    `key` names the item and the clock it runs on (a new clock, such as a supplementary
    police clock or a moved deadline, is a new item); the stage and the recipient complete
    each reminder's key.
    """

    key: str
    label: str
    subject: str
    due: dt.datetime
    leads: tuple[dt.timedelta, ...]
    recipients: tuple
    kind: str = ""  # one of KINDS
    complaint: str = ""  # the complaint's reference
    case: str = ""  # the case's reference, when the deadline is on one case

    def stage(self, now: dt.datetime) -> str | None:
        """The latest stage reached: "overdue" once passed, else the shortest lead reached, else None."""
        if now > self.due:
            return OVERDUE
        reached = [lead for lead in self.leads if now >= self.due - lead]
        return _lead_label(min(reached)) if reached else None

    def reminders(self, now: dt.datetime) -> list[Reminder]:
        stage = self.stage(now)
        if stage is None:
            return []
        if stage == OVERDUE:
            line = f"{self.label} on {self.subject}: overdue since {local_time(self.due)}"
        else:
            line = f"{self.label} on {self.subject}: due {local_time(self.due)} ({time_left(self.due - now)} left)"
        users = {user.pk: user for user in self.recipients}
        return [Reminder(f"{self.key}:{stage}:user{pk}", user, line, self.due) for pk, user in users.items()]


class _Recipients:
    """Who hears of an item: its officer while an active officer, else every active officer."""

    def __init__(self):
        self.officers = tuple(officers_on_duty())
        self.by_id = {user.pk: user for user in self.officers}

    def of(self, user_id) -> tuple:
        user = self.by_id.get(user_id)
        return (user,) if user is not None else self.officers


def _one_officer(officers: int, unowned: int, officer_id):
    """The one officer assigned to every case of the items counted, or None."""
    return officer_id if officers == 1 and not unowned else None


def _police_deadlines(now, people: _Recipients, within: dt.timedelta | None = None) -> list[Deadline]:
    """The complaints' running police clocks, whoever sent the threats, due by `now + within` (by
    default the earliest reminder lead): one query, two when reached."""
    leads = tuple(sorted((dt.timedelta(hours=h) for h in _conf("POLICE_REMINDER_LEADS_HOURS")), reverse=True))
    earliest = leads[0] if leads else dt.timedelta(0)
    window = earliest if within is None else within
    clocks = [c for c in clocks_running(now=now) if now >= c["due"] - window]
    if not clocks:
        return []
    owners = {
        row["complaint_id"]: row
        for row in uncovered_threats([c["complaint_id"] for c in clocks])
        .order_by()
        .values("complaint_id")
        .annotate(
            officers=Count("case__assigned_to", distinct=True),
            unowned=Count("pk", filter=Q(case__assigned_to__isnull=True)),
            officer=Max("case__assigned_to"),
            earlier=Exists(PoliceReferral.objects.filter(complaint_id=OuterRef("complaint_id"))),
        )
    }
    deadlines = []
    for clock in clocks:
        row = owners[clock["complaint_id"]]
        label = "Supplementary police-referral decision" if row["earlier"] else "Police-referral decision"
        items = f"{clock['pending']} threat item{'s' if clock['pending'] != 1 else ''} waiting"
        deadlines.append(
            Deadline(
                key=f"police:{clock['reference']}:{_stamp(clock['started'])}",
                label=label,
                subject=f"complaint {clock['reference']} ({items})",
                due=clock["due"],
                leads=leads,
                recipients=people.of(_one_officer(row["officers"], row["unowned"], row["officer"])),
                kind=POLICE,
                complaint=clock["reference"],
            )
        )
    return deadlines


def _acknowledgement_deadlines(now, lead, people: _Recipients) -> list[Deadline]:
    """Complaints not yet acknowledged (one query)."""
    days = dt.timedelta(days=_conf("ACKNOWLEDGE_DAYS"))
    complaints = (
        Complaint.objects.filter(acknowledged_at__isnull=True, submitted_at__lte=now + lead - days)
        .exclude(status=Complaint.Status.CLOSED)
        .annotate(
            officers=Count("cases__assigned_to", distinct=True),
            unowned=Count("cases", filter=Q(cases__assigned_to__isnull=True)),
            officer=Max("cases__assigned_to"),
        )
        .only("reference", "submitted_at")
        .order_by("submitted_at", "pk")
    )
    return [
        Deadline(
            key=f"complaint:{c.reference}:acknowledge_by:{_stamp(c.acknowledge_due)}",
            label="Acknowledgement",
            subject=f"complaint {c.reference}",
            due=c.acknowledge_due,
            leads=(lead,),
            recipients=people.of(_one_officer(c.officers, c.unowned, c.officer)),
            kind=ACKNOWLEDGEMENT,
            complaint=c.reference,
        )
        for c in complaints
    ]


def _case_deadlines(now, lead, people: _Recipients) -> list[Deadline]:
    """The respondent's response and the decision, on the open cases that await them (one query)."""
    decision_days = dt.timedelta(days=_conf("DECISION_DAYS"))
    cases = (
        Case.objects.filter(
            Q(status=Case.Status.AWAITING_RESPONSE, response_due__lte=now + lead)
            | Q(status__in=AWAITING_DECISION, complaint__acknowledged_at__lte=now + lead - decision_days)
        )
        .select_related("complaint")
        .only(
            "reference",
            "status",
            "response_due",
            "assigned_to_id",
            "complaint__reference",
            "complaint__acknowledged_at",
        )
        .order_by("pk")
    )
    deadlines = []
    for case in cases:
        recipients = people.of(case.assigned_to_id)
        due = {}
        if case.status == Case.Status.AWAITING_RESPONSE and case.response_due is not None:
            due["response_due"] = (RESPONSE, case.response_due)
        acknowledged = case.complaint.acknowledged_at
        if case.status in AWAITING_DECISION and acknowledged is not None:
            due["decide_by"] = (DECISION, acknowledged + decision_days)
        for what, (kind, moment) in due.items():
            deadlines.append(
                Deadline(
                    key=f"case:{case.reference}:{what}:{_stamp(moment)}",
                    label=KINDS[kind],
                    subject=f"case {case.reference}",
                    due=moment,
                    leads=(lead,),
                    recipients=recipients,
                    kind=kind,
                    complaint=case.complaint.reference,
                    case=case.reference,
                )
            )
    return deadlines


def _interim_suspensions(now, lead):
    """Open interim suspensions whose review falls due by `now + lead`, or that have run too long."""
    long_running = dt.timedelta(days=_conf("INTERIM_LONG_DAYS"))
    return (
        InterimSuspension.objects.filter(lifted_at__isnull=True)
        .filter(Q(next_review_due__lte=now + lead) | Q(imposed_at__lt=now - long_running))
        .select_related("case__complaint")
        .order_by("pk")
    )


def _interim_review(suspension, lead, recipients) -> Deadline:
    reference = suspension.case.reference
    return Deadline(
        key=f"interim:{reference}:review_due:{_stamp(suspension.next_review_due)}",
        label=KINDS[INTERIM_REVIEW],
        subject=f"case {reference}",
        due=suspension.next_review_due,
        leads=(lead,),
        recipients=recipients,
        kind=INTERIM_REVIEW,
        complaint=suspension.case.complaint.reference,
        case=reference,
    )


def _interim_reminders(now, lead, people: _Recipients) -> list[Reminder]:
    """Interim suspensions: each review ahead and when overdue; once, one that has run too long (one query)."""
    long_running = dt.timedelta(days=_conf("INTERIM_LONG_DAYS"))
    reminders = []
    for suspension in _interim_suspensions(now, lead):
        reference = suspension.case.reference
        recipients = people.of(suspension.case.assigned_to_id)
        reminders += _interim_review(suspension, lead, recipients).reminders(now)
        if suspension.long_running(now):
            line = (
                f"Interim suspension on case {reference}: in place since {local_time(suspension.imposed_at)}, "
                f"more than {long_running.days} days"
            )
            key = f"interim:{reference}:long_running:{_stamp(suspension.imposed_at)}"
            reminders += [Reminder(f"{key}:user{user.pk}", user, line) for user in recipients]
    return reminders


def _panel_reminders() -> list[Reminder]:
    """Once to each panel member: a case awaiting the panel's decision, a decision or an appeal
    decision awaiting their confirmation (three queries and their prefetches)."""
    reminders = []
    for case in Case.objects.filter(status=Case.Status.PANEL).prefetch_related("panel").order_by("pk"):
        line = f"{case.reference} awaits the panel's decision"
        reminders += [Reminder(f"panel:{case.reference}:decision:user{u.pk}", u, line) for u in case.panel.all()]
    pending = Decision.objects.filter(needs_confirmation=True, confirmed_at__isnull=True).select_related("case")
    for decision in pending.prefetch_related("case__panel").order_by("pk"):
        line = f"the decision on {decision.case.reference} awaits your confirmation"
        key = f"confirm:{decision.case.reference}:decision{decision.pk}"
        judges = [u for u in decision.case.panel.all() if u.pk != decision.decided_by_id]
        reminders += [Reminder(f"{key}:user{u.pk}", u, line) for u in judges]
    pending_appeals = Appeal.objects.filter(
        case__status=Case.Status.APPEAL, needs_confirmation=True, confirmed_at__isnull=True
    ).exclude(outcome="")
    for appeal in pending_appeals.select_related("case").prefetch_related("case__appeal_panel").order_by("pk"):
        line = f"the appeal decision on {appeal.case.reference} awaits your confirmation"
        key = f"confirm:{appeal.case.reference}:appeal{appeal.pk}"
        judges = [u for u in appeal.case.appeal_panel.all() if u.pk != appeal.decided_by_id]
        reminders += [Reminder(f"{key}:user{u.pk}", u, line) for u in judges]
    return reminders


def reminders_due(*, now=None) -> list[Reminder]:
    """Every reminder whose stage has been reached, sent or not (a fixed number of queries)."""
    now = now or timezone.now()
    lead = dt.timedelta(days=_conf("REMINDER_LEAD_DAYS"))
    people = _Recipients()
    deadlines = [
        *_police_deadlines(now, people),
        *_acknowledgement_deadlines(now, lead, people),
        *_case_deadlines(now, lead, people),
    ]
    reminders = [reminder for deadline in deadlines for reminder in deadline.reminders(now)]
    return reminders + _interim_reminders(now, lead, people) + _panel_reminders()


def deadlines_due(*, now=None, within: dt.timedelta = dt.timedelta(days=7)) -> list[Deadline]:
    """Every deadline the reminders watch that falls due by `now + within`, overdue ones included,
    earliest first: the reminders' own rule, read by the officers' dashboard and the case list's
    "due" filter (a fixed number of queries)."""
    now = now or timezone.now()
    people = _Recipients()
    deadlines = [
        *_police_deadlines(now, people, within),
        *_acknowledgement_deadlines(now, within, people),
        *_case_deadlines(now, within, people),
        *(
            _interim_review(suspension, within, ())
            for suspension in _interim_suspensions(now, within)
            if suspension.next_review_due <= now + within
        ),
    ]
    return sorted(deadlines, key=lambda d: (d.due, d.key))


def _sent_keys(keys: list[str]) -> set[str]:
    sent = set()
    for i in range(0, len(keys), _KEY_CHUNK):
        sent.update(ReminderSent.objects.filter(key__in=keys[i : i + _KEY_CHUNK]).values_list("key", flat=True))
    return sent


def _by_user(reminders: list[Reminder]) -> dict:
    """{user: [reminder, ...]}, each list with the earliest deadline first and the undated after."""
    grouped: dict = {}
    for reminder in reminders:
        grouped.setdefault(reminder.user, []).append(reminder)
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    return {user: sorted(items, key=lambda r: r.due or latest) for user, items in grouped.items()}


def reminders_collect(*, now=None) -> dict:
    """{user: [line, ...]}: what each officer and panel member has not yet been reminded of."""
    due = reminders_due(now=now)
    sent = _sent_keys([r.key for r in due])
    return {user: [r.line for r in items] for user, items in _by_user([r for r in due if r.key not in sent]).items()}


def reminders_claim(keys: list[str]) -> set[str]:
    """Record `keys` as sent, in the caller's transaction; return the ones this call recorded.

    A concurrent run that recorded a key first makes the insert fail (on PostgreSQL it
    waits for that run to commit first): the keys are read again and the rest recorded.
    """
    sent_at = timezone.now()
    for _ in range(5):
        fresh = list(dict.fromkeys(keys))
        try:
            with transaction.atomic():
                ReminderSent.objects.bulk_create([ReminderSent(key=key, sent_at=sent_at) for key in fresh])
            return set(fresh)
        except IntegrityError:
            taken = _sent_keys(fresh)
            keys = [key for key in fresh if key not in taken]
            if not keys:
                return set()
    raise RuntimeError("Could not record the reminders sent; another run keeps recording the same ones.")


@dataclass
class Delivery:
    """What one run of the reminders did: reminders sent, in how many e-mails; reminders already
    sent by an earlier run; e-mails that failed (their reminders stay unsent, for the next run)."""

    sent: int = 0
    emails: int = 0
    skipped: int = 0
    failed: int = 0


def reminders_deliver(*, now=None) -> Delivery:
    """E-mail each person the reminders not sent before: one e-mail per person, recorded as sent in
    the same transaction as the e-mail goes, so a reminder goes once however often this runs."""
    due = reminders_due(now=now)
    sent = _sent_keys([r.key for r in due])
    delivery = Delivery(skipped=sum(1 for r in due if r.key in sent))
    for user, items in _by_user([r for r in due if r.key not in sent]).items():
        if not user.email:
            log.warning("reminders for %s not sent: the login has no e-mail address", user.get_username())
            continue
        try:
            with transaction.atomic():
                claimed = reminders_claim([r.key for r in items])
                lines = list(dict.fromkeys(r.line for r in items if r.key in claimed))
                if lines:
                    notifications.send_now("reminders", [user.email], user=user, items=lines)
        except Exception:
            log.exception("reminders for %s not sent", user.get_username())
            delivery.failed += 1
            continue
        delivery.skipped += len(items) - len(claimed)
        if claimed:
            delivery.sent += len(claimed)
            delivery.emails += 1
    return delivery


def reminders_send(*, now=None) -> int:
    """E-mail each officer and panel member what they have not yet been reminded of. Returns the
    number of e-mails sent (see `reminders_deliver`)."""
    return reminders_deliver(now=now).emails


def clocks_apply(*, now=None) -> dict:
    """Close decided cases whose appeal window lapsed; mark ended sanctions spent (and refresh standing).

    The appeal window runs from when the decision took effect (`Decision.appeal_due`), so a
    decision still awaiting confirmation never lapses.
    """
    now = now or timezone.now()
    return {"closed": cases_close_lapsed(now=now), "spent": sanctions_mark_spent(today=timezone.localdate(now))}
