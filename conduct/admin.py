"""The code of conduct in the admin: versions, rules, categories, the sanction ladder and guidance.

Who may edit what follows the groups' model permissions (complaints/migrations/0002_roles.py):
officers change rules only; superusers everything; auditors and panel members only view.
"""

from django.contrib import admin, messages
from django.db import transaction

from audit.mixins import AuditedModelAdmin
from conduct.models import Category, CodeVersion, GuidanceEntry, IndicatorPhrase, Rule, SanctionType
from conduct.signals import lexicon_changed


@admin.register(CodeVersion)
class CodeVersionAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("version", "title", "in_force_from", "in_force_until")
    ordering = ("version",)


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("name", "code", "default_severity", "discriminatory")
    list_filter = ("default_severity", "discriminatory")
    search_fields = ("name", "code")


@admin.register(Rule)
class RuleAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("code", "title", "category", "severity", "code_version")
    list_filter = ("code_version", "category", "severity")
    search_fields = ("code", "title", "text")
    list_select_related = ("category", "code_version")
    ordering = ("code_version__version", "number")
    fieldsets = (
        (None, {"fields": ("code_version", "code", "number", "title", "text")}),
        ("Classification", {"fields": ("category", "severity")}),
    )


@admin.register(SanctionType)
class SanctionTypeAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("level", "name", "code", "max_duration_days", "fixed_term", "needs_full_panel", "bars_rejoining")
    list_display_links = ("name",)
    ordering = ("level",)


@admin.register(GuidanceEntry)
class GuidanceEntryAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("category", "severity", "prior_record", "min_sanction", "max_sanction")
    list_filter = ("category", "severity", "prior_record")
    list_select_related = ("category", "min_sanction", "max_sanction")
    ordering = ("category__name", "severity", "prior_record")


@admin.register(IndicatorPhrase)
class IndicatorPhraseAdmin(AuditedModelAdmin, admin.ModelAdmin):
    """The indicator lexicon that flags evidence; officers keep it up to date.

    A change applies to new uploads at once, and to stored evidence through a re-scan in the
    background: each add, change or delete sends `conduct.signals.lexicon_changed` (once for
    a bulk delete), which complaints answers by re-scanning after the change commits.
    """

    list_display = ("text", "kind", "category", "severity", "active", "updated_at")
    list_filter = ("category", "kind", "active")
    list_editable = ("active",)
    search_fields = ("text",)
    list_select_related = ("category",)
    fieldsets = (
        (
            None,
            {
                "fields": ("category", "kind", "text", "severity", "active"),
                "description": "A phrase matches whole words, whatever the spacing, punctuation, repeated letters "
                "or look-alike characters (h4ng, h a n g, haaang). Write {target} where the complaint's target is "
                'named: "string {target} up" matches "string Lucy up" and "string her up" on a complaint whose '
                "target is Lucy, she/her. Saving re-scans stored evidence in the background.",
            },
        ),
    )

    def _announce(self, request, entries: list[int]) -> None:
        lexicon_changed.send(sender=IndicatorPhrase, actor=request.user, entries=entries)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._announce(request, [obj.pk])

    def delete_model(self, request, obj):
        with transaction.atomic():
            pk = obj.pk
            super().delete_model(request, obj)
            if not getattr(request, "_lexicon_bulk_delete", False):
                self._announce(request, [pk])

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        request._lexicon_bulk_delete = True
        try:
            with transaction.atomic():
                super().delete_queryset(request, queryset)
                self._announce(request, pks)
        finally:
            request._lexicon_bulk_delete = False

    def response_post_save_change(self, request, obj):
        self.message_user(request, "Stored evidence is being re-scanned with the changed lexicon.", messages.INFO)
        return super().response_post_save_change(request, obj)

    def response_post_save_add(self, request, obj):
        self.message_user(request, "Stored evidence is being re-scanned with the new entry.", messages.INFO)
        return super().response_post_save_add(request, obj)
