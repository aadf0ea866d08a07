"""The one way an admin page records what it changes: `AuditedModelAdmin`.

Django's admin already calls `log_addition` and `log_change` inside the transaction of
each save; this mixin writes the audit event there, with the admin user as actor and the
changed fields' names (never their values: a password shows only as "password"). Every
delete, from the object's delete page or the bulk action, goes through `delete_model`,
which writes the event and Django's log entry in the transaction of the delete (a bulk
delete is all or none).

A family whose events carry their own payload (logins and roles) overrides `audit_event`.
"""

from django.db import transaction

from audit import events

SECRET_FIELDS = {"password", "password1", "password2", "usable_password"}


def changed_fields(message) -> list[str]:
    """Field names from the admin's change message (a list of {"added"|"changed"|"deleted": {...}})."""
    names = set()
    for part in message if isinstance(message, list) else []:
        for detail in part.values():
            names.update(detail.get("fields", []))
    shown = sorted(str(n) for n in names if n not in SECRET_FIELDS)
    return shown + (["password"] if names & SECRET_FIELDS else [])


class AuditedModelAdmin:
    """Mix into a ModelAdmin: every add, change and delete through the admin is an audit event.

    `audit_names` ({"add"|"change"|"delete": Event}) names the events where a family has its own.
    """

    audit_names: dict = {}

    def audit_event(self, request, verb: str, obj, data: dict) -> None:
        """Write the event for `verb` ("add", "change" or "delete") on `obj`, in the admin's transaction."""
        events.record_event(actor=request.user, verb=verb, obj=obj, names=self.audit_names, data=data)

    def log_addition(self, request, obj, message):
        self.audit_event(request, "add", obj, {"via": "admin"})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self.audit_event(request, "change", obj, {"via": "admin", "fields": changed_fields(message)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        # Django calls this before deleting, outside any transaction for the bulk action;
        # each deletion is logged in delete_model instead, with the delete itself.
        return None

    def delete_model(self, request, obj):
        with transaction.atomic():
            self.audit_event(request, "delete", obj, {"via": "admin"})
            super().log_deletions(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
