"""A member's standing, derived from their sanctions and interim suspensions."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.events import Event
from audit.services import audit_record
from complaints.models import InterimSuspension, Sanction, sanctions_in_force_q
from members.models import Member


def member_standing_compute(member: Member, today: dt.date) -> tuple[str, dt.date | None, dt.date | None]:
    """(standing, standing_until, rejoin_barred_until) from what is in force on `today`."""
    in_force = list(
        Sanction.objects.filter(member=member).filter(sanctions_in_force_q(today)).select_related("sanction_type")
    )
    barred = max((s.rejoin_barred_until for s in in_force if s.rejoin_barred_until), default=None)
    expulsions = [s for s in in_force if s.sanction_type.bars_rejoining]
    if expulsions:
        return Member.Standing.EXPELLED, None, barred
    suspensions = [s for s in in_force if s.sanction_type.code == "suspension_membership"]
    if suspensions:
        until = None if any(s.ends_on is None for s in suspensions) else max(s.ends_on for s in suspensions)
        return Member.Standing.SUSPENDED, until, barred
    if InterimSuspension.objects.filter(member=member, lifted_at__isnull=True).exists():
        return Member.Standing.ADMIN_SUSPENDED, None, barred
    return Member.Standing.GOOD, None, barred


def member_standing_refresh(*, member: Member, actor=None, today: dt.date | None = None) -> Member:
    """Recompute and store a member's standing; audit a change. Call inside the writing transaction."""
    today = today or timezone.localdate()
    member = Member.objects.select_for_update().get(pk=member.pk)
    standing, until, barred = member_standing_compute(member, today)
    if (standing, until, barred) == (member.standing, member.standing_until, member.rejoin_barred_until):
        return member
    before = {
        "standing": member.standing,
        "until": member.standing_until,
        "rejoin_barred_until": member.rejoin_barred_until,
    }
    member.standing, member.standing_until, member.rejoin_barred_until = standing, until, barred
    member.save(update_fields=["standing", "standing_until", "rejoin_barred_until", "updated_at"])
    audit_record(
        actor=actor,
        action=Event.MEMBER_STANDING,
        obj=member,
        data={"before": before, "after": {"standing": standing, "until": until, "rejoin_barred_until": barred}},
    )
    return member


@transaction.atomic
def sanctions_mark_spent(*, today: dt.date | None = None) -> int:
    """Store `spent` on fixed-term sanctions whose term has ended, and refresh those members' standing."""
    today = today or timezone.localdate()
    due = Sanction.objects.filter(Q(status=Sanction.Status.ACTIVE) & Q(ends_on__lt=today))
    member_ids = set(due.values_list("member_id", flat=True))
    count = due.update(status=Sanction.Status.SPENT)
    for member in Member.objects.filter(pk__in=member_ids):
        member_standing_refresh(member=member, today=today)
    return count
