"""Identities (handles, e-mails, phones) registered on a member by staff, and the signal that tells complaints."""

from django.db import transaction

from audit.events import Event
from audit.services import audit_record
from members.models import Identity, Member
from members.signals import identities_registered


@transaction.atomic
def member_identities_changed(*, member: Member, actor, added=(), changed=(), removed=(), via: str = "admin") -> None:
    """Record identities added, changed or removed on a member, by `actor`, and tell complaints.

    The identities are already saved (or deleted) in the caller's transaction. Evidence
    waiting on the added or changed senders is attributed, and cases opened, as `actor`.
    """
    if not (added or changed or removed):
        return
    audit_record(
        actor=actor,
        action=Event.MEMBER_IDENTITIES,
        obj=member,
        data={
            "via": via,
            "added": [str(i) for i in added],
            "changed": [str(i) for i in changed],
            "removed": [str(i) for i in removed],
        },
    )
    registered = [*added, *changed]
    if registered:
        identities_registered.send(sender=Identity, identities=registered, actor=actor)
