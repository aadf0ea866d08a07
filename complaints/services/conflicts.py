"""Declaring and withdrawing conflicts of interest: one service each, with the actor explicit."""

from django.db import transaction
from django.db.models import Q

from audit import events
from audit.events import Event
from complaints.conflicts import conflict_reason, ties_of
from complaints.models import Case, ConflictDeclaration
from complaints.services.member_records import refuse
from core.errors import ValidationError


@transaction.atomic
def conflict_declare(*, actor, user, reason: str, member=None, constituency=None) -> ConflictDeclaration:
    """Record that `user` is conflicted with a member or a constituency; audited with the actor."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("This field is required.", field="reason")
    if member is None and constituency is None:
        raise ValidationError("Name a member or a constituency.", field="member")
    declaration = ConflictDeclaration.objects.create(user=user, member=member, constituency=constituency, reason=reason)
    events.object_event(
        actor=actor,
        event=Event.CONFLICT_DECLARE,
        obj=declaration,
        data={
            "user": user.get_username(),
            "member": declaration.member_id,
            "constituency": declaration.constituency_id,
        },
    )
    return declaration


def _bears_on_my_conflict(actor, declaration: ConflictDeclaration) -> str | None:
    """Why `actor` may not touch a declaration about people in an open case they are conflicted with."""
    cases = Case.objects.filter(status__in=Case.OPEN_STATUSES).select_related("respondent", "complaint__complainant")
    if declaration.member_id:
        cases = cases.filter(
            Q(respondent_id=declaration.member_id) | Q(complaint__complainant_id=declaration.member_id)
        )
    else:
        cases = cases.filter(
            Q(respondent__constituency_id=declaration.constituency_id)
            | Q(complaint__complainant__constituency_id=declaration.constituency_id)
        )
    ties = ties_of(actor)
    for case in cases.order_by("reference"):
        reason = conflict_reason(actor, case, ties)
        if reason:
            return (
                f"You may not withdraw this declaration: it bears on case {case.reference}, "
                f"where you have a conflict of interest ({reason})."
            )
    return None


def conflict_withdraw_check(*, actor, declaration: ConflictDeclaration) -> None:
    """Refuse (403, recorded as a security event) a withdrawal `actor` may not make. Call it before
    any transaction opens, so the record outlives the refusal."""
    ref = f"conflict declaration {declaration.pk}"
    if declaration.user_id == actor.pk:
        refuse(actor=actor, obj_ref=ref, message="You may not withdraw a conflict of interest declared about yourself.")
    reason = _bears_on_my_conflict(actor, declaration)
    if reason:
        refuse(actor=actor, obj_ref=ref, message=reason)


def conflict_withdraw(*, actor, declaration: ConflictDeclaration) -> None:
    """Withdraw a declaration; nobody withdraws a conflict declared about themselves, nor one bearing
    on an open case they are conflicted with (`conflict_withdraw_check`)."""
    conflict_withdraw_check(actor=actor, declaration=declaration)
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.select_for_update().select_related("user").get(pk=declaration.pk)
        events.object_event(
            actor=actor, event=Event.CONFLICT_WITHDRAW, obj=declaration, data={"user": declaration.user.get_username()}
        )
        declaration.delete()
