"""Complaints and their evidence, read-only but for acknowledging."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from rest_framework.exceptions import ParseError

from complaints import selectors
from complaints.admin.common import (
    CaseReferenceFilter,
    ComplaintReferenceFilter,
    LimitedInlineFormSet,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    scope_to_cases,
)
from complaints.admin.forms import EvidenceUploadForm
from complaints.admin.threats import ClassificationAdminMixin, ThreatRegisterAdminMixin
from complaints.api import intake
from complaints.models import (
    Case,
    Complaint,
    Evidence,
)
from complaints.services import complaints as complaint_services
from complaints.services.evidence.jobs import upload_job_create
from conduct.models import Category
from core import roles
from core.errors import DomainError

# --- Complaints and evidence -----------------------------------------------------------


class ComplaintCaseInline(ReadOnlyTabularInline):
    model = Case
    formset = LimitedInlineFormSet
    fields = ("reference", "respondent", "status", "severity", "evidence_count", "assigned_to")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = f"cases (first {LimitedInlineFormSet.limit})"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("respondent", "assigned_to")
        return scope_to_cases(request, queryset, case_path="pk").order_by("-severity", "-evidence_count", "pk")


class AcknowledgedFilter(admin.SimpleListFilter):
    title = "acknowledged"
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [("yes", "acknowledged"), ("no", "not yet acknowledged")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(acknowledged_at__isnull=self.value() == "no")
        return queryset


@admin.register(Complaint)
class ComplaintAdmin(ThreatRegisterAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("reference", "complainant_display", "status", "submitted_at", "acknowledged_at", "case_count")
    list_filter = ("status", AcknowledgedFilter, "complainant_is_target")
    search_fields = ("reference", "summary")
    list_select_related = ("complainant",)
    date_hierarchy = "submitted_at"
    actions = ["acknowledge_selected"]
    fieldsets = (
        (None, {"fields": (("reference", "status"), "summary", "description", "incident_date", "rules")}),
        (
            "Complainant",
            {
                "fields": (
                    "complainant",
                    ("complainant_name", "complainant_email"),
                    ("complainant_is_target", "share_identity_with_respondent"),
                    ("target_names", "target_pronouns"),
                    "filed_by",
                )
            },
        ),
        ("Clock", {"fields": (("submitted_at", "acknowledge_due_display", "acknowledged_at"),)}),
        ("Evidence and respondents", {"fields": ("evidence_link", "unidentified_respondents")}),
    )
    triage_fieldset = (
        "Triage (officers only; never published)",
        {"fields": ("campaigns_display", "sender_ranking_display")},
    )
    readonly_fields = (
        "campaigns_display",
        "sender_ranking_display",
        "reference",
        "status",
        "summary",
        "description",
        "incident_date",
        "rules",
        "complainant",
        "complainant_name",
        "complainant_email",
        "complainant_is_target",
        "share_identity_with_respondent",
        "target_names",
        "target_pronouns",
        "filed_by",
        "submitted_at",
        "acknowledge_due_display",
        "acknowledged_at",
        "evidence_link",
        "unidentified_respondents",
    )
    inlines = [ComplaintCaseInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(pk__in=selectors.complaint_list(user=request.user).values("pk"))
        return queryset.annotate(_cases=Count("cases", distinct=True))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and roles.has_role(request.user, roles.OFFICER):
            fieldsets = (*fieldsets, self.triage_fieldset)
        return fieldsets

    @admin.display(description="coordinated campaigns")
    def campaigns_display(self, obj):
        campaigns = list(obj.campaigns.order_by("first_at"))
        if not campaigns:
            return "none"
        return format_html_join(
            mark_safe("<br>"),
            "{} senders, {} items, {} to {}: “{}”",
            ((c.senders, c.items, c.first_at, c.last_at, c.sample_text[:120]) for c in campaigns),
        )

    @admin.display(description="senders by threats, then volume")
    def sender_ranking_display(self, obj):
        ranking = selectors.sender_ranking(complaint=obj, limit=20)
        parts = []
        for title, rows in (("Members", ranking["members"]), ("Not identified as members", ranking["non_members"])):
            body = format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        r["member"]["membership_number"] + " " + r["member"]["name"] if r["member"] else "—",
                        f"{r['platform'] or r['kind'] or ''} {r['sender'] or ''}".strip(),
                        r["threats"],
                        r["items"],
                    )
                    for r in rows
                ),
            )
            parts.append(
                format_html(
                    "<p><strong>{}</strong> (top {})</p><table><tr><th>member</th><th>sender</th><th>threats</th>"
                    "<th>items</th></tr>{}</table>",
                    title,
                    len(rows),
                    body,
                )
            )
        return mark_safe("".join(parts))

    @admin.display(description="complainant", ordering="complainant__last_name")
    def complainant_display(self, obj):
        return obj.complainant or obj.complainant_name or "—"

    @admin.display(description="cases", ordering="_cases")
    def case_count(self, obj):
        return obj._cases

    @admin.display(description="acknowledge by")
    def acknowledge_due_display(self, obj):
        return obj.acknowledge_due

    @admin.display(description="evidence")
    def evidence_link(self, obj):
        url = reverse("admin:complaints_evidence_changelist") + "?" + urlencode({"complaint_ref": obj.reference})
        return format_html('<a href="{}">{} item(s)</a>', url, obj.evidence.count())

    # --- Acknowledge: the admin action and the button both call the service ----------------

    def has_acknowledge_permission(self, request):
        return roles.has_role(request.user, roles.OFFICER) and request.user.has_perm("complaints.change_complaint")

    def _acknowledge(self, request, complaint) -> bool:
        try:
            complaint_services.complaint_acknowledge(complaint=complaint, actor=request.user)
        except DomainError as exc:
            self.message_user(request, f"{complaint.reference}: {exc.message}", messages.ERROR)
            return False
        return True

    @admin.action(description="Acknowledge the selected complaints", permissions=["acknowledge"])
    def acknowledge_selected(self, request, queryset):
        done = sum(self._acknowledge(request, complaint) for complaint in queryset)
        if done:
            self.message_user(request, f"{done} complaint(s) acknowledged.", messages.SUCCESS)

    def acknowledge_view(self, request, object_id):
        complaint = self.get_object(request, unquote(object_id))
        if complaint is None:
            self.message_user(request, "No such complaint.", messages.ERROR)
            return redirect("admin:complaints_complaint_changelist")
        if request.method != "POST":
            return redirect("admin:complaints_complaint_change", complaint.pk)
        if not self.has_acknowledge_permission(request):
            raise PermissionDenied
        if self._acknowledge(request, complaint):
            self.message_user(request, f"{complaint.reference} acknowledged.", messages.SUCCESS)
        return redirect("admin:complaints_complaint_change", complaint.pk)

    # --- Upload evidence (officers): the API's background path, followed with a progress bar ---

    def has_upload_permission(self, request):
        return roles.has_role(request.user, roles.OFFICER)

    def upload_view(self, request, object_id):
        complaint = self.get_object(request, unquote(object_id))
        if complaint is None:
            self.message_user(request, "No such complaint.", messages.ERROR)
            return redirect("admin:complaints_complaint_changelist")
        if not self.has_upload_permission(request):
            raise PermissionDenied
        form = EvidenceUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                source = intake.file_upload_of(data["file"], claimed=data["format"], mapping=data["mapping"])
                job = upload_job_create(
                    complaint=complaint, actor=request.user, source=source, skip_invalid=data["skip_invalid"]
                )
            except ParseError as exc:
                form.add_error("file", str(exc.detail))
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("admin:complaints_complaint_upload_job", complaint.pk, job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": complaint,
            "form": form,
            "title": f"Upload evidence to {complaint.reference}",
        }
        return TemplateResponse(request, "admin/complaints/complaint/upload.html", context)

    def upload_job_view(self, request, object_id, job_id):
        complaint = self.get_object(request, unquote(object_id))
        if complaint is None or not self.has_upload_permission(request):
            raise PermissionDenied
        try:
            job = selectors.upload_job_get(user=request.user, job_id=job_id)
        except DomainError:
            raise Http404("No such upload job.") from None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": complaint,
            "job": job,
            "status_url": reverse("upload-job", kwargs={"job_id": job.pk}),
            "title": f"Evidence upload to {complaint.reference}",
        }
        return TemplateResponse(request, "admin/complaints/complaint/upload_job.html", context)

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/upload/",
                self.admin_site.admin_view(self.upload_view),
                name="complaints_complaint_upload",
            ),
            path(
                "<path:object_id>/upload/<uuid:job_id>/",
                self.admin_site.admin_view(self.upload_job_view),
                name="complaints_complaint_upload_job",
            ),
            path(
                "<path:object_id>/acknowledge/",
                self.admin_site.admin_view(self.acknowledge_view),
                name="complaints_complaint_acknowledge",
            ),
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        complaint = self.get_object(request, unquote(object_id))
        if complaint is not None and request.method == "GET":
            complaint_services.audit_complaint_read(
                complaint=complaint, actor=request.user, via="admin", what="complaint"
            )
        if complaint is not None:
            extra_context["can_acknowledge"] = complaint.acknowledged_at is None and self.has_acknowledge_permission(
                request
            )
            extra_context["can_open_case"] = self.admin_site.get_model_admin(Case).has_add_permission(request)
            if self.has_upload_permission(request):
                extra_context["upload_url"] = reverse("admin:complaints_complaint_upload", args=[complaint.pk])
            if roles.has_role(request.user, roles.OFFICER):
                extra_context["threats_url"] = reverse("admin:complaints_complaint_threats", args=[complaint.pk])
            extra_context["all_cases_url"] = (
                reverse("admin:complaints_case_changelist") + "?" + urlencode({"complaint__id__exact": complaint.pk})
            )
        return super().change_view(request, object_id, form_url, extra_context)


class MemberSenderFilter(admin.SimpleListFilter):
    title = "sender"
    parameter_name = "sender_is"

    def lookups(self, request, model_admin):
        return [("member", "a party member"), ("not_member", "not a member")]

    def queryset(self, request, queryset):
        if self.value() == "member":
            return queryset.filter(member__isnull=False)
        if self.value() == "not_member":
            return queryset.filter(member__isnull=True)
        return queryset


def _category_names() -> dict:
    return dict(Category.objects.values_list("code", "name"))


@admin.register(Evidence)
class EvidenceAdmin(ClassificationAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "when",
        "channel_label",
        "sender_link",
        "message",
        "flags",
        "complaint",
        "member_or_not",
    )
    list_filter = (
        ComplaintReferenceFilter,
        CaseReferenceFilter,
        "threat",
        "machine_threat",
        MemberSenderFilter,
        ("campaign", admin.RelatedOnlyFieldListFilter),
        "channel",
        "severity",
    )
    search_fields = ("author_handle", "author_name", "author_email", "text")
    list_select_related = ("complaint", "case", "member")
    show_full_result_count = False
    list_per_page = 100
    exclude = ("attachment",)
    readonly_fields = ("attachment_name",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["complaints/admin/evidence.css"]}

    def get_queryset(self, request):
        queryset = scope_to_cases(request, super().get_queryset(request))
        return queryset.filter(complaint__in=selectors.complaint_list(user=request.user).values("pk"))

    def lookup_allowed(self, lookup, value, request=None):
        # A sender's items: the sender links below filter on the sender's normal form.
        return lookup in ("sender_key", "sender_key__exact", "id__in") or super().lookup_allowed(lookup, value, request)

    @admin.display(description="when", ordering="occurred_at")
    def when(self, obj):
        return timezone.localtime(obj.occurred_at).strftime("%-d %b %Y, %H:%M")

    @admin.display(description="channel", ordering="channel")
    def channel_label(self, obj):
        return obj.get_channel_display()

    @admin.display(description="sender")
    def sender(self, obj):
        return obj.author_handle or obj.author_name or obj.author_email or obj.author_phone or "—"

    @admin.display(description="sender", ordering="author_handle")
    def sender_link(self, obj):
        """The sender, linking to every item they sent (on any complaint the reader may see)."""
        name = self.sender(obj)
        if not obj.sender_key:
            return name
        url = reverse("admin:complaints_evidence_changelist") + "?" + urlencode({"sender_key__exact": obj.sender_key})
        return format_html('<a href="{}" title="Every item from this sender">{}</a>', url, name)

    @admin.display(description="text")
    def short_text(self, obj):
        return (obj.text[:80] + "…") if len(obj.text) > 80 else obj.text

    @admin.display(description="message")
    def message(self, obj):
        return format_html('<span class="message" title="{}">{}</span>', obj.text[:2000], obj.text[:600])

    @admin.display(description="flags")
    def flags(self, obj):
        names = _category_names()
        words = ", ".join(names.get(code, code) for code in obj.categories) or "—"
        return f"{words} (corrected by an officer)" if obj.classified_at else words

    @admin.display(description="sender is", ordering="member")
    def member_or_not(self, obj):
        return obj.member.name if obj.member_id else "not a member"

    @admin.display(description="corrected by an officer", boolean=True)
    def corrected(self, obj):
        return obj.classified_at is not None

    def has_classify_permission(self, request):
        return roles.has_role(request.user, roles.OFFICER)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_classify_permission(request):
            actions.pop("classify_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        item = self.get_object(request, unquote(object_id))
        if item is not None and request.method == "GET":
            complaint_services.audit_complaint_read(
                complaint=item.complaint, actor=request.user, via="admin", what=f"evidence {item.pk}"
            )
        if self.has_classify_permission(request):
            extra_context["classify_url"] = reverse("admin:complaints_evidence_classify", args=[unquote(object_id)])
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="attachment")
    def attachment_name(self, obj):
        # Files are served only through the permission-checked API, never linked from here.
        return obj.attachment.name if obj.attachment else "—"
