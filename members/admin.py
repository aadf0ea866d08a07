"""The membership register in the admin.

A member's standing is derived from sanctions and interim suspensions by complaints'
services, so it is shown and never edited here. `members` never imports `complaints`:
the sanction history and cases inlines are added by complaints/admin/members.py,
which re-registers Member with a subclass of MemberAdmin.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Count

from audit.events import Event
from audit.mixins import AuditedModelAdmin
from members.models import Constituency, Identity, Member, Region
from members.services import member_identities_changed, member_read_record


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "constituency_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_constituencies=Count("constituencies"))

    @admin.display(description="constituencies", ordering="_constituencies")
    def constituency_count(self, obj):
        return obj._constituencies


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin):
    list_display = ("name", "region")
    list_filter = ("region",)
    search_fields = ("name", "region__name")
    list_select_related = ("region",)


class IdentityInline(admin.TabularInline):
    model = Identity
    fields = ("kind", "platform", "value", "normalised")
    readonly_fields = ("normalised",)
    extra = 0
    verbose_name_plural = "identities (handles, e-mails, phones the member is known by)"


@admin.register(Member)
class MemberAdmin(AuditedModelAdmin, admin.ModelAdmin):
    audit_names = {"add": Event.MEMBER_ADD, "change": Event.MEMBER_CHANGE}
    list_display = ("membership_number", "name", "constituency", "status", "standing")
    list_filter = (("constituency__region", admin.RelatedFieldListFilter), "status", "standing")
    search_fields = ("membership_number", "first_name", "last_name", "email")
    list_select_related = ("constituency",)
    ordering = ("membership_number",)
    raw_id_fields = ("user",)
    readonly_fields = ("standing", "standing_until", "rejoin_barred_until", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("membership_number", "first_name", "last_name", "email", "phone")}),
        ("Membership", {"fields": ("constituency", "joined_on", "status", "offices", "affiliations", "user")}),
        (
            "Standing",
            {
                "fields": ("standing", "standing_until", "rejoin_barred_until"),
                "description": "Derived from sanctions and interim suspensions; never edited by hand.",
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = [IdentityInline]

    @admin.display(description="name", ordering="last_name")
    def name(self, obj):
        return obj.name

    def has_delete_permission(self, request, obj=None):
        # Members leave the register by status (or the retention command), never by deletion here.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            member = self.get_object(request, unquote(object_id))
            if member is not None:
                member_read_record(member=member, actor=request.user, via="admin")
        return response

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Identity:
            # Inside the change form's transaction (ModelAdmin.changeform_view is atomic).
            member_identities_changed(
                member=form.instance,
                actor=request.user,
                added=formset.new_objects,
                changed=[i for i, _ in formset.changed_objects],
                removed=formset.deleted_objects,
            )


# Logins and roles: Django's admins for them, with every change audited.
from members import admin_accounts  # noqa: E402, F401
