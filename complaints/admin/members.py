"""The member page, with the sanction history and cases that complaints owns."""

import json

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone

from complaints.admin.common import ReadOnlyTabularInline, scope_to_cases
from complaints.admin.member_login import MemberLoginAdminMixin
from complaints.models import (
    Case,
    Sanction,
)
from complaints.services import member_records
from complaints.services import privacy as privacy_services
from core import roles
from core.errors import DomainError
from members.admin import IdentityInline, MemberAdmin
from members.models import Member

# --- The member page, with the sanction history complaints owns --------------------------


class MemberSanctionInline(ReadOnlyTabularInline):
    model = Sanction
    fk_name = "member"
    fields = (
        "case",
        "sanction_type",
        "current_status",
        "duration_days",
        "imposed_on",
        "starts_on",
        "ends_on",
        "revoked_on",
        "rejoin_barred_until",
    )
    readonly_fields = fields
    verbose_name = "sanction"
    verbose_name_plural = "sanction history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sanction_type", "case")

    @admin.display(description="status")
    def current_status(self, obj):
        return Sanction.Status(obj.effective_status(timezone.localdate())).label


class MemberCaseInline(ReadOnlyTabularInline):
    model = Case
    fk_name = "respondent"
    fields = ("reference", "status", "severity", "opened_at", "decided_at", "closed_at")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "cases about this member"

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request), case_path="pk").order_by("-opened_at")


class GuardedIdentityInline(IdentityInline):
    """Identities decide whose evidence is whose: nobody conflicted with the member's open case edits them."""

    def _refused(self, request, obj) -> bool:
        return obj is not None and member_records.member_record_refusal(actor=request.user, member=obj) is not None

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._refused(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._refused(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._refused(request, obj)


class MemberWithHistoryAdmin(MemberLoginAdminMixin, MemberAdmin):
    inlines = [
        *[GuardedIdentityInline if i is IdentityInline else i for i in MemberAdmin.inlines],
        MemberSanctionInline,
        MemberCaseInline,
    ]
    change_form_template = "admin/members/member/change_form_with_export.html"

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None:
            return member_records.member_record_refusal(actor=request.user, member=obj) is None
        return allowed

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        member = self.get_object(request, unquote(object_id)) if object_id else None
        refusal = member and member_records.member_record_refusal(actor=request.user, member=member)
        if refusal and request.method == "POST":
            try:
                member_records.member_record_check(actor=request.user, member=member)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            return redirect("admin:members_member_change", member.pk)
        if refusal:
            self.message_user(request, refusal, messages.WARNING)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/subject-access-export/",
                self.admin_site.admin_view(self.subject_access_view),
                name="members_member_subject_access_export",
            ),
        ]
        return custom + super().get_urls()

    def _may_export(self, request) -> bool:
        return roles.OFFICER in roles.user_roles(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_export": self._may_export(request),
            "may_change_login": request.user.has_perm(member_records.LOGIN_PERMISSION),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def subject_access_view(self, request, object_id):
        """The member's subject access export as a JSON download (officers only; audited)."""
        if not self._may_export(request):
            raise PermissionDenied
        member = self.get_object(request, unquote(object_id))
        if member is None:
            self.message_user(request, "No such member.", messages.ERROR)
            return redirect("admin:members_member_changelist")
        export = privacy_services.subject_access_export(member=member, actor=request.user)
        response = HttpResponse(
            json.dumps(export, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
        filename = f"subject-access-{member.membership_number}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


if admin.site.is_registered(Member):
    admin.site.unregister(Member)
admin.site.register(Member, MemberWithHistoryAdmin)
