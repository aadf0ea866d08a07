"""Outcomes and records the services write, read-only; conflict declarations."""

from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from audit.events import Event
from audit.mixins import AuditedModelAdmin
from complaints import selectors
from complaints.admin.common import ReadOnlyAdminMixin, scope_to_cases
from complaints.models import (
    Appeal,
    Campaign,
    ConflictDeclaration,
    Decision,
    EvidenceFile,
    EvidenceMapping,
    InterimSuspension,
    PoliceReferral,
    Response,
    Sanction,
)
from complaints.services import conflicts as conflict_services
from core import roles
from core.errors import DomainError

# --- Outcomes and records: read-only ---------------------------------------------------


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "case",
        "outcome",
        "informal",
        "decided_by",
        "decided_at",
        "needs_confirmation",
        "confirmed_at",
        "departed_from_guidance",
    )
    list_filter = ("outcome", "informal", "departed_from_guidance", "needs_confirmation")
    search_fields = ("case__reference",)
    list_select_related = ("case", "decided_by")
    date_hierarchy = "decided_at"

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "member",
        "sanction_type",
        "status",
        "case",
        "imposed_on",
        "starts_on",
        "ends_on",
        "departed_from_guidance",
    )
    list_filter = ("status", "sanction_type", "departed_from_guidance")
    search_fields = ("member__membership_number", "member__first_name", "member__last_name", "case__reference")
    list_select_related = ("member", "sanction_type", "case")
    date_hierarchy = "imposed_on"

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "case",
        "lodged_at",
        "lodged_by",
        "outcome",
        "decided_by",
        "decided_at",
        "needs_confirmation",
        "confirmed_at",
    )
    list_filter = ("outcome", "needs_confirmation")
    search_fields = ("case__reference",)
    list_select_related = ("case", "lodged_by", "decided_by", "confirmed_by")

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))


@admin.register(InterimSuspension)
class InterimSuspensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "member", "imposed_at", "next_review_due", "lifted_at")
    list_filter = (("lifted_at", admin.EmptyFieldListFilter),)
    search_fields = ("case__reference", "member__membership_number", "member__last_name")
    list_select_related = ("case", "member")

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))


@admin.register(PoliceReferral)
class PoliceReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("complaint", "case", "decision", "crime_reference", "covers", "referred_at", "recorded_at")
    search_fields = ("complaint__reference", "case__reference", "crime_reference", "force")
    list_select_related = ("complaint", "case", "recorded_by")
    exclude = ("evidence",)

    @admin.display(description="decision")
    def decision(self, obj):
        return f"referred to {obj.force}" if obj.referred else f"not referred: {obj.not_referred_reason[:60]}"

    @admin.display(description="covers")
    def covers(self, obj):
        if obj.case_id and not obj.all_senders and not obj.sender_keys:
            return "the case's respondent"
        return "all senders" if obj.all_senders else f"{len(obj.sender_keys)} sender(s)"

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "complaint", "senders_link", "items_link", "first", "last", "sample")
    search_fields = ("complaint__reference", "sample_text")
    list_select_related = ("complaint",)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(complaint__in=selectors.complaint_list(user=request.user).values("pk"))
        )

    @admin.display(description="sample text")
    def sample(self, obj):
        return obj.sample_text[:80]

    def _items_url(self, obj) -> str:
        return reverse("admin:complaints_evidence_changelist") + "?" + urlencode({"campaign__id__exact": obj.pk})

    @admin.display(description="items", ordering="items")
    def items_link(self, obj):
        return format_html('<a href="{}">{} items</a>', self._items_url(obj), obj.items)

    @admin.display(description="senders", ordering="senders")
    def senders_link(self, obj):
        """The campaign's senders: its items, grouped by sender."""
        url = self._items_url(obj) + "&o=3"
        return format_html('<a href="{}" title="Its items, by sender">{} senders</a>', url, obj.senders)

    @admin.display(description="first", ordering="first_at")
    def first(self, obj):
        return timezone.localtime(obj.first_at).strftime("%-d %b %Y, %H:%M")

    @admin.display(description="last", ordering="last_at")
    def last(self, obj):
        return timezone.localtime(obj.last_at).strftime("%-d %b %Y, %H:%M")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "submitted_at", "submitted_by", "on_behalf")
    search_fields = ("case__reference",)
    list_select_related = ("case", "submitted_by")

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    """Officers declare (add) and withdraw (delete) conflicts; a declaration is never edited."""

    list_display = ("user", "member", "constituency", "reason", "declared_at")
    search_fields = ("user__username", "member__membership_number", "member__last_name", "constituency__name")
    list_select_related = ("user", "member", "constituency")
    autocomplete_fields = ("member", "constituency")
    fields = ("user", "member", "constituency", "reason")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = (
                db_field.remote_field.model.objects.filter(groups__name__in=roles.STAFF_ROLES)
                .distinct()
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = conflict_services.conflict_declare(
            actor=request.user, user=obj.user, member=obj.member, constituency=obj.constituency, reason=obj.reason
        ).pk

    def delete_model(self, request, obj):
        conflict_services.conflict_withdraw(actor=request.user, declaration=obj)

    def delete_queryset(self, request, queryset):
        try:
            declarations = list(queryset)
            for obj in declarations:  # refusals first, outside the transaction, so their record stays
                conflict_services.conflict_withdraw_check(actor=request.user, declaration=obj)
            with transaction.atomic():
                for obj in declarations:
                    self.delete_model(request, obj)
        except DomainError as exc:
            self.message_user(request, f"Nothing was withdrawn: {exc.message}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        declaration = self.get_object(request, object_id)
        try:
            if declaration is not None and request.method == "POST":
                conflict_services.conflict_withdraw_check(actor=request.user, declaration=declaration)
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return redirect("admin:complaints_conflictdeclaration_changelist")

    def log_deletion(self, request, obj, object_repr):
        return None  # the service writes the audit event


@admin.register(EvidenceMapping)
class EvidenceMappingAdmin(AuditedModelAdmin, admin.ModelAdmin):
    """Officers add call-log column mappings; one in use is never changed (add a new one instead)."""

    audit_names = {"add": Event.EVIDENCE_MAPPING_SAVE}
    list_display = ("name", "description", "caller_column", "start_column", "start_format", "time_zone")
    search_fields = ("name", "description")
    exclude = ("created_by",)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Native files, listed with their SHA-256; downloaded only through the API's audited view."""

    list_display = ("evidence", "name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    list_select_related = ("evidence", "uploaded_by")
    exclude = ("file",)  # no link to the stored file: reads go through the audited view
    search_fields = ("sha256", "name")

    def get_queryset(self, request):
        # Conflicted staff do not see the files of complaints hidden from them.
        return super().get_queryset(request).filter(evidence__complaint__in=selectors.complaint_list(user=request.user))
