"""Changing the login linked to a member, and the second officer's confirmation (four eyes);
the rules are the service's (complaints/services/member_records.py), shown here in its words."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from complaints.admin.common import ReadOnlyAdminMixin
from complaints.models import MemberLoginChange
from complaints.services import member_records
from core.errors import DomainError


class LoginChangeForm(forms.Form):
    username = forms.CharField(
        required=False,
        max_length=150,
        label="New login",
        help_text="The username of the login to link; leave empty to unlink the member's login.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), help_text="Kept in the audit log.")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError("There is no login with that username.")
        return user


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "Confirm and apply"), ("refuse", "Refuse")])
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Needed to refuse; kept in the audit log.",
    )


class MemberLoginAdminMixin:
    """On the member admin: the login link is never a plain field; it changes through this page."""

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj is not None else fields

    def get_urls(self):
        return [
            path(
                "<path:object_id>/login/",
                self.admin_site.admin_view(self.login_view),
                name="members_member_login",
            ),
            *super().get_urls(),
        ]

    def login_view(self, request, object_id):
        member = self.get_object(request, object_id)
        if member is None:
            self.message_user(request, "No such member.", messages.ERROR)
            return redirect("admin:members_member_changelist")
        change_url = reverse("admin:members_member_change", args=[member.pk])
        pending = member.login_changes.filter(state=MemberLoginChange.State.PENDING).select_related(
            "requested_by", "new_user", "old_user"
        )
        pending = pending.first()
        form = LoginChangeForm(prefix="ask")
        decision = DecisionForm(prefix="decide")
        if request.method == "POST":
            try:
                if "ask-reason" in request.POST:
                    form = LoginChangeForm(request.POST, prefix="ask")
                    if form.is_valid():
                        change = member_records.member_login_change_request(
                            member=member,
                            new_user=form.cleaned_data["username"],
                            actor=request.user,
                            reason=form.cleaned_data["reason"],
                        )
                        done = (
                            "The login was changed."
                            if change.state == MemberLoginChange.State.CONFIRMED
                            else "The member has an open case: the change waits for a second officer to confirm it."
                        )
                        self.message_user(request, done, messages.SUCCESS)
                        return redirect(change_url)
                elif pending is not None:
                    decision = DecisionForm(request.POST, prefix="decide")
                    if decision.is_valid():
                        if decision.cleaned_data["decision"] == "confirm":
                            member_records.member_login_change_confirm(change=pending, actor=request.user)
                            self.message_user(request, "Confirmed: the login was changed.", messages.SUCCESS)
                        else:
                            member_records.member_login_change_refuse(
                                change=pending, actor=request.user, reason=decision.cleaned_data["reason"]
                            )
                            self.message_user(request, "Refused: nothing changed.", messages.SUCCESS)
                        return redirect(change_url)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"The login of {member.name}",
            "member": member,
            "current": member.user.get_username() if member.user_id else "none",
            "pending": pending,
            "pending_at": timezone.localtime(pending.requested_at).strftime("%-d %b %Y, %H:%M") if pending else "",
            "refusal": member_records.member_record_refusal(actor=request.user, member=member),
            "form": form,
            "decision": decision,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/members/member/login.html", context)


@admin.register(MemberLoginChange)
class MemberLoginChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("member", "state", "old_user", "new_user", "requested_by", "requested_at", "decided_by")
    list_filter = ("state",)
    search_fields = ("member__membership_number", "member__last_name")
    list_select_related = ("member", "old_user", "new_user", "requested_by", "decided_by")
