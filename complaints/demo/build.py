"""Build the demo once, in one transaction; later runs only reset the demo logins' password."""

import datetime as dt
import random
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints.demo.builders import MEMBER_LOGIN_NUMBER, RESPONDENT_LOGIN_NUMBER, SEED, build_logins, build_members
from complaints.demo.scenarios import SCENARIOS, Demo
from complaints.models import Case, Complaint, Sanction
from complaints.services.standing import member_standing_refresh, sanctions_mark_spent
from members.models import Identity, Member


def demo_exists() -> bool:
    """The demo marker: the officer login and complaints filed by the demo member login."""
    return (
        get_user_model().objects.filter(username="officer").exists()
        and Complaint.objects.filter(filed_by__username="member").exists()
    )


@transaction.atomic
def build_demo(*, password: str, now: dt.datetime | None = None) -> bool:
    """Create the demo unless it exists; always (re)set the demo logins' password. True when data was created.

    Every step of every scenario is dated `now` (default: the present) minus some days.
    """
    if demo_exists():
        build_logins(password)
        return False
    now = (now or timezone.now()).replace(microsecond=0)
    rng = random.Random(SEED)
    people = build_members(rng)
    users = build_logins(password, {MEMBER_LOGIN_NUMBER: people.mp, RESPONDENT_LOGIN_NUMBER: people.councillor})
    demo = Demo(now=now, rng=rng, people=people, users=users)
    for scenario in SCENARIOS:
        scenario(demo)
    _bring_standing_up_to_date(timezone.localdate(now))
    return True


def _bring_standing_up_to_date(today: dt.date) -> None:
    """Store spent sanctions and bring every sanctioned member's standing up to today."""
    sanctions_mark_spent(today=today)
    member_ids = set(Sanction.objects.values_list("member_id", flat=True))
    for member in Member.objects.filter(pk__in=member_ids):
        member_standing_refresh(member=member, today=today)


def demo_summary() -> dict:
    """Counts for the end of the command: members, complaints, cases and sanctions by status."""
    today = timezone.localdate()
    sanctions = Counter(s.effective_status(today) for s in Sanction.objects.only("status", "ends_on"))
    return {
        "members": Member.objects.count(),
        "identities": Identity.objects.count(),
        "complaints": Complaint.objects.count(),
        "cases": Case.objects.count(),
        "cases_by_status": {status: Case.objects.filter(status=status).count() for status in Case.Status.values},
        "sanctions_by_status": {status: sanctions.get(status, 0) for status in Sanction.Status.values},
    }
