"""Declaring and withdrawing conflicts of interest: one service each, with the actor explicit."""

from django.db import transaction

from audit import events
from audit.events import Event
from complaints.models import ConflictDeclaration
from core.errors import PermissionDenied, ValidationError


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


@transaction.atomic
def conflict_withdraw(*, actor, declaration: ConflictDeclaration) -> None:
    """Withdraw a declaration; nobody withdraws a conflict declared about themselves."""
    declaration = ConflictDeclaration.objects.select_for_update().select_related("user").get(pk=declaration.pk)
    if declaration.user_id == actor.pk:
        raise PermissionDenied("You may not withdraw a conflict of interest declared about yourself.")
    events.object_event(
        actor=actor, event=Event.CONFLICT_WITHDRAW, obj=declaration, data={"user": declaration.user.get_username()}
    )
    declaration.delete()
