"""Logins and roles in the admin, with every change on the audit log.

Django's own User and Group admins, re-registered so that adding, changing or deleting
a login, changing its password, its roles (groups) or its flags, and changing what a
role may do, or issuing or revoking an API token, each write one audit event in the same
transaction as the change.
Passwords appear only as the fact that one was set.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from audit.events import Event
from audit.services import audit_record

User = get_user_model()

SECRET_FIELDS = {"password", "password1", "password2", "usable_password"}


def _changed_fields(form) -> list[str]:
    changed = set(form.changed_data)
    fields = sorted(changed - SECRET_FIELDS - {"groups", "user_permissions", "permissions"})
    if changed & SECRET_FIELDS:
        fields.append("password")
    return fields


def _names(objects) -> list[str]:
    return sorted(str(o) for o in objects)


def _account_event(request, action: str, user, **data) -> None:
    """One audit event about a login, by the admin user making the change."""
    audit_record(
        actor=request.user,
        action=action,
        obj=user,
        object_type="auth.user",
        data={"via": "admin", "username": user.get_username(), **data},
    )


class AuditedDeletesMixin:
    """Bulk deletes go one by one through `delete_model`, so each writes its event; all or none."""

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class AuditedUserAdmin(AuditedDeletesMixin, UserAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            request._audit_before = {
                "groups": set(obj.groups.values_list("name", flat=True)),
                "permissions": set(obj.user_permissions.values_list("codename", flat=True)),
            }
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Inside changeform_view's transaction: the event commits or rolls back with the change.
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(request, "_audit_before", {"groups": set(), "permissions": set()})
        groups = set(user.groups.values_list("name", flat=True))
        permissions = set(user.user_permissions.values_list("codename", flat=True))
        _account_event(
            request,
            Event.ACCOUNT_CHANGE if change else Event.ACCOUNT_CREATE,
            user,
            fields=_changed_fields(form),
            roles_added=sorted(groups - before["groups"]),
            roles_removed=sorted(before["groups"] - groups),
            permissions_added=sorted(permissions - before["permissions"]),
            permissions_removed=sorted(before["permissions"] - permissions),
            is_staff=user.is_staff,
            is_superuser=user.is_superuser,
            is_active=user.is_active,
        )

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                _account_event(request, Event.ACCOUNT_PASSWORD, user, usable=user.has_usable_password())
        return response

    def delete_model(self, request, obj):
        with transaction.atomic():
            _account_event(request, Event.ACCOUNT_DELETE, obj, roles=_names(obj.groups.all()))
            super().delete_model(request, obj)


class AuditedGroupAdmin(AuditedDeletesMixin, GroupAdmin):
    def save_model(self, request, obj, form, change):
        request._audit_before = set(obj.permissions.values_list("codename", flat=True)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group = form.instance
        before = getattr(request, "_audit_before", set())
        after = set(group.permissions.values_list("codename", flat=True))
        audit_record(
            actor=request.user,
            action=Event.ROLE_CHANGE if change else Event.ROLE_CREATE,
            obj=group,
            object_type="auth.group",
            data={
                "via": "admin",
                "role": group.name,
                "fields": _changed_fields(form),
                "permissions_added": sorted(after - before),
                "permissions_removed": sorted(before - after),
            },
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=Event.ROLE_DELETE,
                obj=obj,
                object_type="auth.group",
                data={"via": "admin", "role": obj.name, "members": obj.user_set.count()},
            )
            super().delete_model(request, obj)


class AuditedTokenAdmin(AuditedDeletesMixin, TokenAdmin):
    """API tokens are credentials: issuing or revoking one is an account change."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _account_event(request, Event.ACCOUNT_TOKEN, obj.user, issued=True)

    def delete_model(self, request, obj):
        with transaction.atomic():
            _account_event(request, Event.ACCOUNT_TOKEN_REVOKE, obj.user, issued=False)
            super().delete_model(request, obj)


for model, model_admin in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin), (TokenProxy, AuditedTokenAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
