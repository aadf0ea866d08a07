"""Logins and roles in the admin, with every change on the audit log.

Django's own User and Group admins, re-registered with `audit.mixins.AuditedModelAdmin`,
so that adding, changing or deleting a login, changing its password, its roles (groups)
or its flags, and changing what a role may do, or issuing or revoking an API token, each
write one audit event in the same transaction as the change. Logins and roles carry their
own payload (the roles and permissions gained and lost), built by `audit_event` below.
Passwords appear only as the fact that one was set.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from audit import events
from audit.events import Event
from audit.mixins import SECRET_FIELDS, AuditedModelAdmin

User = get_user_model()


def _changed_fields(form) -> list[str]:
    changed = set(form.changed_data)
    fields = sorted(changed - SECRET_FIELDS - {"groups", "user_permissions", "permissions"})
    if changed & SECRET_FIELDS:
        fields.append("password")
    return fields


def _names(objects) -> list[str]:
    return sorted(str(o) for o in objects)


def _account_event(request, event: Event, user, **data) -> None:
    """One audit event about a login, by the admin user making the change."""
    events.object_event(
        actor=request.user, event=event, obj=user, data={"via": "admin", "username": user.get_username(), **data}
    )


def _access(user) -> dict[str, set[str]]:
    """The roles (groups) and permissions a stored login holds."""
    return {
        "groups": set(user.groups.values_list("name", flat=True)),
        "permissions": set(user.user_permissions.values_list("codename", flat=True)),
    }


class AuditedUserAdmin(AuditedModelAdmin, UserAdmin):
    """account.create, .change (with the roles and permissions gained and lost), .password and .delete."""

    def save_model(self, request, obj, form, change):
        # The event, written once the roles are saved too, compares with what the login held before.
        request._account_before = _access(obj) if change else {"groups": set(), "permissions": set()}
        request._account_form = form
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        request._account_password = True
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def audit_event(self, request, verb, obj, data):
        if verb == "delete":
            _account_event(request, Event.ACCOUNT_DELETE, obj, roles=_names(obj.groups.all()))
        elif getattr(request, "_account_password", False):
            _account_event(request, Event.ACCOUNT_PASSWORD, obj, usable=obj.has_usable_password())
        else:
            before, after = request._account_before, _access(obj)
            _account_event(
                request,
                Event.ACCOUNT_CHANGE if verb == "change" else Event.ACCOUNT_CREATE,
                obj,
                fields=_changed_fields(request._account_form),
                roles_added=sorted(after["groups"] - before["groups"]),
                roles_removed=sorted(before["groups"] - after["groups"]),
                permissions_added=sorted(after["permissions"] - before["permissions"]),
                permissions_removed=sorted(before["permissions"] - after["permissions"]),
                is_staff=obj.is_staff,
                is_superuser=obj.is_superuser,
                is_active=obj.is_active,
            )


class AuditedGroupAdmin(AuditedModelAdmin, GroupAdmin):
    """role.create, .change (with the permissions gained and lost) and .delete."""

    def save_model(self, request, obj, form, change):
        request._role_before = set(obj.permissions.values_list("codename", flat=True)) if change else set()
        request._role_form = form
        super().save_model(request, obj, form, change)

    def audit_event(self, request, verb, obj, data):
        if verb == "delete":
            data = {"via": "admin", "role": obj.name, "members": obj.user_set.count()}
            events.object_event(actor=request.user, event=Event.ROLE_DELETE, obj=obj, data=data)
            return
        before, after = request._role_before, set(obj.permissions.values_list("codename", flat=True))
        data = {
            "via": "admin",
            "role": obj.name,
            "fields": _changed_fields(request._role_form),
            "permissions_added": sorted(after - before),
            "permissions_removed": sorted(before - after),
        }
        event = Event.ROLE_CHANGE if verb == "change" else Event.ROLE_CREATE
        events.object_event(actor=request.user, event=event, obj=obj, data=data)


class AuditedTokenAdmin(AuditedModelAdmin, TokenAdmin):
    """API tokens are credentials: issuing or revoking one is an account change (never with the secret)."""

    def audit_event(self, request, verb, obj, data):
        if verb == "delete":
            _account_event(request, Event.ACCOUNT_TOKEN_REVOKE, obj.user, issued=False)
        else:
            _account_event(request, Event.ACCOUNT_TOKEN, obj.user, issued=True)


for model, model_admin in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin), (TokenProxy, AuditedTokenAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
