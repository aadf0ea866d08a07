"""Who may change a member's record, identities and login link: nobody who is party to, or
conflicted with, an open case that the record bears on; and a login link of a member with an
open case changes only when a second officer confirms it (four eyes).

The admin of the member record (complaints/admin/members.py) and of conflict declarations call
these; the members app cannot, as it knows nothing of cases. Every refusal is in words,
changes nothing, and is recorded as a security event.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit import events
from audit.events import Event
from audit.security import security_record_refused_change
from complaints.conflicts import conflict_reason, ties_of
from complaints.models import Case, MemberLoginChange
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Member

LOGIN_PERMISSION = "complaints.change_member_login"


def open_cases_of(member: Member):
    """The open cases the member is a party to: as the respondent, or as the complainant."""
    return (
        Case.objects.filter(status__in=Case.OPEN_STATUSES)
        .filter(Q(respondent=member) | Q(complaint__complainant=member))
        .select_related("respondent", "complaint__complainant")
        .order_by("reference")
    )


def member_record_refusal(*, actor, member: Member) -> str | None:
    """Why `actor` may not change `member`'s record, identities or login link, in words, or None."""
    ties = ties_of(actor)
    for case in open_cases_of(member):
        reason = conflict_reason(actor, case, ties)
        if reason:
            return (
                f"You may not change this member's record: they are a party to case {case.reference}, "
                f"and you have a conflict of interest ({reason})."
            )
    return None


def refuse(*, actor, obj_ref: str, message: str, via: str = "admin", ip: str = "", exc=PermissionDenied):
    """Record the refusal as a security event (in its own transaction, so it outlives the refused
    change) and raise it."""
    security_record_refused_change(actor=actor, ip=ip, via=via, obj_ref=obj_ref, reason=message)
    raise exc(message)


def member_record_check(*, actor, member: Member, via: str = "admin", ip: str = "") -> None:
    """Raise (403, recorded) when `actor` may not change `member`'s record."""
    message = member_record_refusal(actor=actor, member=member)
    if message:
        refuse(actor=actor, obj_ref=f"member:{member.membership_number}", message=message, via=via, ip=ip)


def _apply(member: Member, new_user) -> None:
    member.user = new_user
    try:
        with transaction.atomic():
            member.save(update_fields=["user", "updated_at"])
    except IntegrityError:
        raise ValidationError("That login is already linked to another member.", field="new_user") from None


def member_login_change_request(*, member: Member, new_user, actor, reason: str, now=None) -> MemberLoginChange:
    """Change (or clear, with `new_user` None) the login linked to `member`.

    Needs the login permission and no conflict. With no open case it applies at once; with
    an open case it waits for a second officer (`member_login_change_confirm`).
    """
    now = now or timezone.now()
    ref = f"member:{member.membership_number}"
    if not actor.has_perm(LOGIN_PERMISSION):
        refuse(actor=actor, obj_ref=ref, message="Changing a member's login needs its own permission, which you lack.")
    member_record_check(actor=actor, member=member)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason for the change; it is kept in the audit log.", field="reason")
    if new_user is not None and Member.objects.filter(user=new_user).exclude(pk=member.pk).exists():
        raise ValidationError("That login is already linked to another member.", field="new_user")
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.user_id == (new_user.pk if new_user else None):
            raise ValidationError("The member is already linked to that login.", field="new_user")
        pending = open_cases_of(member).exists()
        try:
            with transaction.atomic():
                change = MemberLoginChange.objects.create(
                    member=member,
                    old_user_id=member.user_id,
                    new_user=new_user,
                    reason=reason,
                    requested_by=actor,
                    requested_at=now,
                    state=MemberLoginChange.State.PENDING if pending else MemberLoginChange.State.CONFIRMED,
                    decided_at=None if pending else now,
                )
        except IntegrityError:
            raise ConflictError("A change of this member's login already awaits a second officer.") from None
        data = {
            "member": member.membership_number,
            "from": _username(change.old_user_id),
            "to": new_user.get_username() if new_user else None,
            "reason": reason,
            "change": change.pk,
        }
        if pending:
            events.object_event(actor=actor, event=Event.MEMBER_LOGIN_CHANGE_REQUEST, obj=member, data=data)
        else:
            _apply(member, new_user)
            events.object_event(actor=actor, event=Event.MEMBER_LOGIN_CHANGE, obj=member, data=data)
    return change


def _username(user_id) -> str | None:
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first()


def _may_decide(change: MemberLoginChange, actor) -> None:
    """Refuse (403, recorded) anyone but a second officer with the permission and no conflict.
    Checked before the change's transaction opens, so the security event outlives the refusal."""
    change = MemberLoginChange.objects.select_related("member").get(pk=change.pk)
    ref = f"member:{change.member.membership_number}"
    if not actor.has_perm(LOGIN_PERMISSION):
        refuse(actor=actor, obj_ref=ref, message="Changing a member's login needs its own permission, which you lack.")
    if actor.pk == change.requested_by_id:
        refuse(actor=actor, obj_ref=ref, message="A second officer must confirm a change you asked for.")
    member_record_check(actor=actor, member=change.member)


def _lock_pending(change: MemberLoginChange) -> MemberLoginChange:
    change = MemberLoginChange.objects.select_for_update().select_related("member", "requested_by").get(pk=change.pk)
    if change.state != MemberLoginChange.State.PENDING:
        raise ConflictError(f"This change was already {change.get_state_display()}.")
    return change


def member_login_change_confirm(*, change: MemberLoginChange, actor, now=None) -> MemberLoginChange:
    """A second officer, with no conflict, confirms a pending change: it applies now."""
    now = now or timezone.now()
    _may_decide(change, actor)
    with transaction.atomic():
        change = _lock_pending(change)
        member = Member.objects.select_for_update().get(pk=change.member_id)
        if member.user_id != change.old_user_id:
            raise ConflictError("The member's login changed since this was asked for; ask again.")
        _apply(member, change.new_user)
        change.state, change.decided_by, change.decided_at = MemberLoginChange.State.CONFIRMED, actor, now
        change.save(update_fields=["state", "decided_by", "decided_at"])
        events.object_event(
            actor=actor,
            event=Event.MEMBER_LOGIN_CHANGE,
            obj=member,
            data={
                "member": member.membership_number,
                "from": _username(change.old_user_id),
                "to": _username(change.new_user_id),
                "reason": change.reason,
                "change": change.pk,
                "requested_by": change.requested_by.get_username(),
            },
        )
    return change


def member_login_change_refuse(*, change: MemberLoginChange, actor, reason: str, now=None) -> MemberLoginChange:
    """A second officer refuses a pending change, with a reason; nothing changes on the member."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason for refusing; it is kept in the audit log.", field="reason")
    _may_decide(change, actor)
    with transaction.atomic():
        change = _lock_pending(change)
        change.state, change.decided_by, change.decided_at = MemberLoginChange.State.REFUSED, actor, now
        change.decision_reason = reason
        change.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        events.object_event(
            actor=actor,
            event=Event.MEMBER_LOGIN_CHANGE_REFUSE,
            obj=change.member,
            data={"member": change.member.membership_number, "change": change.pk, "reason": reason},
        )
    return change
