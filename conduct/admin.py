"""The code of conduct in the admin: versions, rules, categories, the sanction ladder and guidance.

Who may edit what follows the groups' model permissions (complaints/migrations/0002_roles.py):
officers change rules only; superusers everything; auditors and panel members only view.
"""

from django.contrib import admin

from audit.mixins import AuditedModelAdmin
from conduct.models import Category, CodeVersion, GuidanceEntry, IndicatorPhrase, Rule, SanctionType


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
    """The indicator lexicon that flags evidence; officers keep it up to date. Changes apply to new uploads."""

    list_display = ("text", "kind", "category", "severity", "active", "updated_at")
    list_filter = ("category", "kind", "active")
    list_editable = ("active",)
    search_fields = ("text",)
    list_select_related = ("category",)
