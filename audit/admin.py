"""The audit log in the admin: append-only, so it can be browsed and never added to, changed or deleted."""

import json

from django.contrib import admin
from django.utils.html import format_html

from audit.models import AuditCheckpoint, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor_name", "action", "object_type", "object_id", "case_ref")
    list_filter = ("action",)
    search_fields = ("case_ref", "object_id", "actor_name")
    date_hierarchy = "at"
    ordering = ("-seq",)
    show_full_result_count = False
    fields = (
        "seq",
        "at",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "case_ref",
        "data_pretty",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    @admin.display(description="data")
    def data_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.data, indent=2, sort_keys=True, ensure_ascii=False))

    # Nobody writes here, superusers included: the chain is written only by audit.services.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(admin.ModelAdmin):
    """Signed checkpoints, browsable like the log; written only by `audit_checkpoint_sign`."""

    list_display = ("id", "seq", "signed_at", "key_id", "head")
    ordering = ("-id",)
    fields = ("seq", "head", "signed_at", "key_id", "signature")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
