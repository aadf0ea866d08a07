from audit.models import AuditEvent


def event_list():
    """The audit log, oldest first."""
    return AuditEvent.objects.select_related("actor").order_by("seq")
