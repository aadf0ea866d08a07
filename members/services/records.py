"""Staff reads of a member's record, each on the audit log."""

from django.db import transaction

from audit.events import Event
from audit.services import audit_record
from members.models import Member


@transaction.atomic
def member_read_record(*, member: Member, actor, via: str) -> None:
    """Record a staff read of a member's record (the admin page, the auditors' history)."""
    audit_record(actor=actor, action=Event.MEMBER_READ, obj=member, data={"via": via})
