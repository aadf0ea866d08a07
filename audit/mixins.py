"""The one way an admin page records what it changes: `AuditedModelAdmin`.

Django's admin already calls `log_addition`, `log_change` and `log_deletion` (and, for
bulk deletes, `log_deletions`) inside the transaction of each save or delete; this
mixin writes the audit event there, with the admin user as actor and the changed
fields' names (never their values: a password shows only as "password"). Bulk deletes
go one by one through `delete_model`, all or none, so each writes its event.
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

    def log_addition(self, request, obj, message):
        events.record_event(actor=request.user, verb="add", obj=obj, names=self.audit_names, data={"via": "admin"})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        data = {"via": "admin", "fields": changed_fields(message)}
        events.record_event(actor=request.user, verb="change", obj=obj, names=self.audit_names, data=data)
        return super().log_change(request, obj, message)

    def log_deletion(self, request, obj, object_repr):
        events.record_event(actor=request.user, verb="delete", obj=obj, names=self.audit_names, data={"via": "admin"})
        return super().log_deletion(request, obj, object_repr)

    def log_deletions(self, request, queryset):
        # Bulk deletes are logged one by one in delete_queryset, inside its transaction.
        return None

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.log_deletion(request, obj, str(obj))
                self.delete_model(request, obj)
