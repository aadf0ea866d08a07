"""Measures beside the workflow, on any open case: a police-referral decision and interim suspension.

They go through the registry like every action (`begin`): an officer with no conflict,
on an open case, past the entry's guard; the status never changes.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import Case, Evidence, InterimSuspension, PoliceReferral
from complaints.services.cases.common import advance, begin, record
from complaints.services.police import referral_fields
from complaints.services.standing import member_standing_refresh
from complaints.workflow import Action
from core.errors import ConflictError, ValidationError


@transaction.atomic
def case_record_police_referral(
    *,
    case: Case,
    actor,
    version: int | None = None,
    force: str = "",
    unit: str = "",
    crime_reference: str = "",
    referred_at: dt.datetime | None = None,
    not_referred_reason: str = "",
    now=None,
):
    """Record a police-referral decision: a referral, or a reason not to refer. The case stays open."""
    case, _, now = begin(case, Action.POLICE_REFERRAL, actor, version, now)
    fields = referral_fields(
        force=force,
        unit=unit,
        crime_reference=crime_reference,
        referred_at=referred_at,
        not_referred_reason=not_referred_reason,
        now=now,
    )
    referral = PoliceReferral.objects.create(
        complaint_id=case.complaint_id, case=case, recorded_by=actor, recorded_at=now, **fields
    )
    # It covers the respondent's threat items, so the complaint's clock sees it too.
    referral.evidence.set(Evidence.objects.filter(case=case, threat=True))
    referring = referral.referred
    advance(case, None)
    record(
        case,
        actor,
        Action.POLICE_REFERRAL,
        from_status=case.status,
        now=now,
        data={"referred": referring, "force": referral.force, "crime_reference": referral.crime_reference},
    )
    return referral


def _review_interval() -> dt.timedelta:
    return dt.timedelta(days=settings.CONDUCT["INTERIM_REVIEW_DAYS"])


@transaction.atomic
def interim_suspension_impose(*, case: Case, actor, reason: str, version: int | None = None, now=None):
    """Suspend the respondent administratively while an open case runs; review due in 4 weeks."""
    case, _, now = begin(case, Action.INTERIM_SUSPENSION_IMPOSE, actor, version, now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("This field is required.", field="reason")
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
        Action.INTERIM_SUSPENSION_IMPOSE,
        from_status=case.status,
        now=now,
        data={"next_review_due": suspension.next_review_due.isoformat()},
    )
    member_standing_refresh(member=case.respondent, actor=actor, today=timezone.localdate(now))
    return suspension


@transaction.atomic
def interim_suspension_review(*, case: Case, actor, keep: bool, reason: str, version: int | None = None, now=None):
    """Review the case's interim suspension: continue it (next review in 4 weeks) or lift it."""
    case, _, now = begin(case, Action.INTERIM_SUSPENSION_REVIEW, actor, version, now)
    suspension = InterimSuspension.objects.select_for_update().filter(case=case, lifted_at__isnull=True).first()
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
