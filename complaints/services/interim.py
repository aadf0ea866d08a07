"""Interim (administrative) suspension: a precaution with its own review clock, never a sanction."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.conflicts import conflict_reason
from complaints.models import Case, InterimSuspension
from complaints.services.common import advance, ensure_version, lock_case, record
from complaints.services.standing import member_standing_refresh
from core import roles
from core.errors import ConflictError, PermissionDenied, ValidationError


def _review_interval() -> dt.timedelta:
    return dt.timedelta(days=settings.CONDUCT["INTERIM_REVIEW_DAYS"])


def _officer_on(case: Case, actor) -> None:
    if not roles.has_role(actor, roles.OFFICER):
        raise PermissionDenied("Only a compliance officer can impose, review or lift an interim suspension.")
    reason = conflict_reason(actor, case)
    if reason:
        raise PermissionDenied(f"Conflict of interest: {reason}.")


@transaction.atomic
def interim_suspension_impose(*, case: Case, actor, reason: str, version: int | None = None, now=None):
    """Suspend the respondent administratively while an open case runs; review due in 4 weeks."""
    now = now or timezone.now()
    case = lock_case(case)
    ensure_version(case, version)
    _officer_on(case, actor)
    if not case.is_open:
        raise ConflictError("The case is no longer open.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("This field is required.", field="reason")
    if InterimSuspension.objects.filter(case=case, lifted_at__isnull=True).exists():
        raise ConflictError("An interim suspension is already in place on this case.")
    try:
        with transaction.atomic():
            suspension = InterimSuspension.objects.create(
                case=case,
                member=case.respondent,
                reason=reason,
                imposed_by=actor,
                imposed_at=now,
                next_review_due=now + _review_interval(),
            )
    except IntegrityError:
        raise ConflictError("An interim suspension is already in place on this case.") from None
    advance(case, None)
    record(
        case,
        actor,
        "interim_suspension_impose",
        from_status=case.status,
        now=now,
        data={"next_review_due": suspension.next_review_due.isoformat()},
    )
    member_standing_refresh(member=case.respondent, actor=actor, today=timezone.localdate(now))
    return suspension


@transaction.atomic
def interim_suspension_review(*, case: Case, actor, keep: bool, reason: str, version: int | None = None, now=None):
    """Review the case's interim suspension: continue it (next review in 4 weeks) or lift it."""
    now = now or timezone.now()
    case = lock_case(case)
    ensure_version(case, version)
    _officer_on(case, actor)
    suspension = InterimSuspension.objects.select_for_update().filter(case=case, lifted_at__isnull=True).first()
    if suspension is None:
        raise ConflictError("There is no interim suspension in place on this case.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("This field is required.", field="reason")
    if keep:
        suspension.next_review_due = now + _review_interval()
        suspension.save(update_fields=["next_review_due"])
        action = "interim_suspension_continue"
    else:
        suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = now, actor, reason
        suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        action = "interim_suspension_lift"
    advance(case, None)
    record(case, actor, action, from_status=case.status, now=now, data={"reason": reason})
    member_standing_refresh(member=case.respondent, actor=actor, today=timezone.localdate(now))
    return suspension
