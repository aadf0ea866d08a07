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
from complaints.models import (
    Case,
    Sanction,
)
from complaints.services import privacy as privacy_services
from core import roles
from members.admin import MemberAdmin
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


class MemberWithHistoryAdmin(MemberAdmin):
    inlines = [*MemberAdmin.inlines, MemberSanctionInline, MemberCaseInline]
    change_form_template = "admin/members/member/change_form_with_export.html"

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
        extra_context = {**(extra_context or {}), "may_export": self._may_export(request)}
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
