"""What the case page shows beneath the case, read-only: responses, decisions, sanctions, appeals and measures."""

from django.contrib import admin
from django.utils import timezone

from complaints.admin.common import ReadOnlyStackedInline, ReadOnlyTabularInline
from complaints.models import Appeal, Decision, InterimSuspension, PoliceReferral, Response, Sanction


class ResponseInline(ReadOnlyStackedInline):
    model = Response
    fields = ("submitted_at", "submitted_by", "on_behalf", "text")
    readonly_fields = fields
    verbose_name_plural = "responses to the notice"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("submitted_by")


class DecisionInline(ReadOnlyStackedInline):
    model = Decision
    fields = (
        ("decided_at", "decided_by", "informal"),
        ("outcome", "findings_display"),
        "reasons",
        ("departed_from_guidance", "guidance_display"),
        "departure_reason",
        ("needs_confirmation", "confirmed_by", "confirmed_at"),
    )
    readonly_fields = (
        "decided_at",
        "decided_by",
        "informal",
        "outcome",
        "findings_display",
        "reasons",
        "departed_from_guidance",
        "guidance_display",
        "departure_reason",
        "needs_confirmation",
        "confirmed_by",
        "confirmed_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by", "confirmed_by")

    @admin.display(description="findings")
    def findings_display(self, obj):
        return ", ".join(f"{f['rule']}: {'breached' if f['breached'] else 'not breached'}" for f in obj.findings) or "—"

    @admin.display(description="guidance range")
    def guidance_display(self, obj):
        if not obj.guidance:
            return "—"
        return f"{obj.guidance.get('min')} to {obj.guidance.get('max')}"


class CaseSanctionInline(ReadOnlyTabularInline):
    model = Sanction
    fk_name = "case"
    fields = (
        "sanction_type",
        "current_status",
        "duration_days",
        "conditions",
        "imposed_on",
        "starts_on",
        "ends_on",
        "revoked_on",
        "departed_from_guidance",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sanction_type")

    @admin.display(description="status")
    def current_status(self, obj):
        return Sanction.Status(obj.effective_status(timezone.localdate())).label


class AppealInline(ReadOnlyStackedInline):
    model = Appeal
    fields = (
        ("lodged_at", "lodged_by"),
        "grounds",
        ("outcome", "decided_by", "decided_at"),
        "reasons",
        ("needs_confirmation", "confirmed_by", "confirmed_at"),
    )
    readonly_fields = (
        "lodged_at",
        "lodged_by",
        "grounds",
        "outcome",
        "decided_by",
        "decided_at",
        "reasons",
        "needs_confirmation",
        "confirmed_by",
        "confirmed_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lodged_by", "decided_by", "confirmed_by")


class PoliceReferralInline(ReadOnlyTabularInline):
    model = PoliceReferral
    fields = ("recorded_at", "force", "unit", "crime_reference", "referred_at", "not_referred_reason", "recorded_by")
    readonly_fields = fields


class InterimSuspensionInline(ReadOnlyTabularInline):
    model = InterimSuspension
    fields = ("imposed_at", "imposed_by", "reason", "next_review_due", "lifted_at", "lift_reason")
    readonly_fields = fields
