"""Police-referral decisions: one rule for what a decision holds, on a complaint or on a case.

A decision is a referral (force, unit, crime reference, when) or a reasoned decision
not to refer. On a complaint it covers the threat items of the senders it names, or of
every sender, as they stand when it is recorded; threat items that arrive later keep
the complaint's clock running for a supplementary referral. It never closes a case.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from audit.events import Event, object_event
from complaints import workflow
from complaints.models import Complaint, Evidence, PoliceReferral
from complaints.selectors.threats import register_key
from core.errors import ConflictError, ValidationError

ALL_SENDERS = "all"


def referral_fields(
    *,
    force: str = "",
    unit: str = "",
    crime_reference: str = "",
    referred_at: dt.datetime | None = None,
    not_referred_reason: str = "",
    now: dt.datetime,
) -> dict:
    """The fields of a valid decision, or a ValidationError in words naming the field."""
    force, unit, crime_reference = (force or "").strip(), (unit or "").strip(), (crime_reference or "").strip()
    not_referred_reason = (not_referred_reason or "").strip()
    referring = bool(force or unit or crime_reference or referred_at)
    if referring and not_referred_reason:
        raise ValidationError("Give either a referral or a reason not to refer, not both.", field="not_referred_reason")
    if not referring and not not_referred_reason:
        raise ValidationError(
            "Name the police force the threats were referred to, or give the reason not to refer.", field="force"
        )
    if referring:
        if not force:
            raise ValidationError("Name the police force the threats were referred to.", field="force")
        referred_at = referred_at or now
        if referred_at > now:
            raise ValidationError("Cannot be in the future.", field="referred_at")
    return {
        "force": force,
        "unit": unit,
        "crime_reference": crime_reference,
        "referred_at": referred_at if referring else None,
        "not_referred_reason": not_referred_reason,
    }


def _threat_items_of(complaint: Complaint, senders) -> tuple[list[int], list[str]]:
    """(ids of the threat items the decision covers, the sender keys named)."""
    rows = list(
        Evidence.objects.filter(complaint=complaint, threat=True).values_list("pk", "sender_key", "author_name")
    )
    if senders == ALL_SENDERS:
        return [pk for pk, _, _ in rows], []
    if not isinstance(senders, list) or not senders or not all(isinstance(k, str) for k in senders):
        raise ValidationError('Give "all" or a list of sender keys from the threat register.', field="senders")
    wanted = list(dict.fromkeys(senders))
    known: dict[str, list[int]] = {}
    for pk, key, name in rows:
        known.setdefault(register_key(key, name), []).append(pk)
    unknown = [k for k in wanted if k not in known]
    if unknown:
        raise ValidationError(
            f"No sender of a threat on this complaint has the key {', '.join(repr(k) for k in unknown)}.",
            field="senders",
        )
    return [pk for key in wanted for pk in known[key]], wanted


@transaction.atomic
def complaint_record_police_referral(
    *, complaint: Complaint, actor, senders=ALL_SENDERS, now: dt.datetime | None = None, **decision
) -> PoliceReferral:
    """Record a police-referral decision on a complaint, covering the threats of `senders`
    ("all", or keys from the threat register). Audited; no case changes state."""
    now = now or timezone.now()
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    workflow.check_complaint(complaint, workflow.Action.COMPLAINT_POLICE_REFERRAL, actor, now)
    fields = referral_fields(now=now, **decision)
    items, keys = _threat_items_of(complaint, senders)
    if not items:
        raise ConflictError("This complaint holds no threat items to refer.")
    earlier = PoliceReferral.objects.filter(complaint=complaint).exists()
    referral = PoliceReferral.objects.create(
        complaint=complaint,
        all_senders=senders == ALL_SENDERS,
        sender_keys=keys,
        recorded_by=actor,
        recorded_at=now,
        **fields,
    )
    referral.evidence.set(items)
    object_event(
        actor=actor,
        event=Event.COMPLAINT_POLICE_REFERRAL,
        obj=complaint,
        data={
            "complaint": complaint.reference,
            "referral": referral.pk,
            "referred": referral.referred,
            "force": referral.force,
            "crime_reference": referral.crime_reference,
            "senders": ALL_SENDERS if referral.all_senders else keys,
            "items": len(items),
            "supplementary": earlier,
        },
    )
    return referral
