"""Pieces every complaints admin page shares: read-only mixins, scoping to the caller's cases, links."""

import json

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from complaints import selectors
from core import roles

ACTION_TEMPLATE = "admin/complaints/case/action_form.html"


# --- Shared pieces ---------------------------------------------------------------------


def _sees_every_case(user) -> bool:
    return bool(roles.user_roles(user) & {roles.OFFICER, roles.AUDITOR})


def scope_to_cases(request, queryset, case_path: str = "case"):
    """Officers and auditors see every case; panel members only the cases they sit on (as the API)."""
    if _sees_every_case(request.user):
        return queryset
    visible = selectors.case_list(user=request.user).values("pk")
    return queryset.filter(**{f"{case_path}__in": visible})


class ReadOnlyAdminMixin:
    """Rows written only by services: viewable, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class ReadOnlyStackedInline(ReadOnlyAdminMixin, admin.StackedInline):
    extra = 0
    can_delete = False


class LimitedInlineFormSet(BaseInlineFormSet):
    """Show the first rows only: a complaint of 25,000 items can have thousands of cases."""

    limit = 50

    def get_queryset(self):
        if not hasattr(self, "_limited_queryset"):
            self._limited_queryset = super().get_queryset()[: self.limit]
        return self._limited_queryset


def _data_display(data: dict) -> str:
    if not data:
        return "—"
    parts = []
    for key, value in data.items():
        if isinstance(value, list | tuple):
            value = ", ".join(map(str, value)) or "—"
        elif isinstance(value, dict):
            value = json.dumps(value, default=str)
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def _status_change(data: dict) -> str:
    before, after = data.get("from"), data.get("to")
    if not before or not after or before == after:
        return ""
    return f"{before.replace('_', ' ')} → {after.replace('_', ' ')}"


def _admin_link(obj, text=None):
    if obj is None:
        return "—"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or obj)


class ReferenceInputFilter(admin.SimpleListFilter):
    """A text box filter: exact reference of a related complaint or case (too many for a list of links)."""

    template = "admin/complaints/input_filter.html"
    lookup = ""

    def lookups(self, request, model_admin):
        # One placeholder choice so the admin shows the filter; the template draws an input box.
        return [("", "")]

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if value:
            return queryset.filter(**{self.lookup: value})
        return queryset

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}

    def choices(self, changelist):
        preserved = [(k, v) for k, v in changelist.params.items() if k != self.parameter_name]
        yield {"preserved": preserved, "value": self.value() or "", "selected": bool(self.value())}


class ComplaintReferenceFilter(ReferenceInputFilter):
    title = "complaint reference"
    parameter_name = "complaint_ref"
    lookup = "complaint__reference__iexact"


class CaseReferenceFilter(ReferenceInputFilter):
    title = "case reference"
    parameter_name = "case_ref"
    lookup = "case__reference__iexact"
