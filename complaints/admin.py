"""The compliance admin: officers and panel members walk a case from received to closed.

Nothing here writes a case directly. The case page shows one button per action in
`complaints.workflow.allowed_actions(case, user)`; each opens a form whose POST calls
the same service as the API (`complaints.services.cases.case_<action>`) with the case
version the form was shown at, and shows the service's refusal as it is. Beside the
workflow, officers record police referrals and impose or review interim suspensions the
same way. Records the services write (decisions, sanctions, appeals, events...) are
read-only here.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, prefetch_related_objects
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from audit import selectors as audit_selectors
from audit.services import audit_record
from complaints import guidance as guidance_lookup
from complaints import selectors, workflow
from complaints.conflicts import conflict_reason
from complaints.forms import ACTION_FORMS, MEASURE_FORMS, CaseOpenForm
from complaints.models import (
    Appeal,
    Campaign,
    Case,
    CaseEvent,
    Complaint,
    ConflictDeclaration,
    Decision,
    Evidence,
    InterimSuspension,
    PoliceReferral,
    Response,
    Sanction,
)
from complaints.services import cases as case_services
from complaints.services import complaints as complaint_services
from complaints.services import interim as interim_services
from complaints.services import privacy as privacy_services
from conduct.models import PriorRecord, SanctionType
from core import roles
from core.errors import DomainError
from members.admin import MemberAdmin
from members.models import Member

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


# --- Cases -----------------------------------------------------------------------------


def _open_interim(case) -> bool:
    return case.interim_suspensions.filter(lifted_at__isnull=True).exists()


@dataclass(frozen=True)
class Measure:
    """A step beside the workflow: any open stage, officers only; the service has the last word."""

    label: str
    service: Callable  # returns the service function, looked up when called
    refusal: Callable  # refusal(case) -> message or None


MEASURES = {
    "police_referral": Measure(
        "Record police referral", lambda: case_services.case_record_police_referral, lambda case: None
    ),
    "interim_suspension_impose": Measure(
        "Impose interim suspension",
        lambda: interim_services.interim_suspension_impose,
        lambda case: "An interim suspension is already in place on this case." if _open_interim(case) else None,
    ),
    "interim_suspension_review": Measure(
        "Review interim suspension",
        lambda: interim_services.interim_suspension_review,
        lambda case: None if _open_interim(case) else "There is no interim suspension in place on this case.",
    ),
}


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "overdue"), ("no", "not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.overdue_q(timezone.now()))
        if self.value() == "no":
            return queryset.exclude(selectors.overdue_q(timezone.now()))
        return queryset


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


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "respondent",
        "status",
        "severity",
        "evidence_count",
        "assigned_to",
        "opened_at",
        "overdue",
    )
    list_filter = ("status", "severity", OverdueFilter)
    search_fields = ("reference", "respondent__membership_number", "respondent__first_name", "respondent__last_name")
    list_select_related = ("respondent", "assigned_to")
    ordering = ("-severity", "-evidence_count", "opened_at")
    list_per_page = 50
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("reference", "status", "version"),
                    ("respondent", "complaint"),
                    "complaint_summary",
                    ("severity", "categories"),
                    ("evidence_link", "threat_count"),
                    "campaigns_display",
                    "opened_at",
                )
            },
        ),
        ("Deadlines", {"fields": ("deadlines",)}),
        (
            "Investigation and notice",
            {
                "fields": (
                    "assigned_to",
                    "allegations",
                    ("rules_charged", "code_version"),
                    ("notice_issued_at", "response_due", "response_lapsed"),
                    "report",
                )
            },
        ),
        ("Panels", {"fields": ("panel", "appeal_panel")}),
        ("Outcome", {"fields": (("decided_at", "closed_at"), ("dismiss_reason_code", "dismiss_reason"))}),
    )
    readonly_fields = (
        "reference",
        "status",
        "version",
        "respondent",
        "complaint",
        "complaint_summary",
        "severity",
        "categories",
        "evidence_link",
        "threat_count",
        "campaigns_display",
        "opened_at",
        "deadlines",
        "assigned_to",
        "allegations",
        "rules_charged",
        "code_version",
        "notice_issued_at",
        "response_due",
        "response_lapsed",
        "report",
        "panel",
        "appeal_panel",
        "decided_at",
        "closed_at",
        "dismiss_reason_code",
        "dismiss_reason",
    )
    inlines = [
        ResponseInline,
        DecisionInline,
        CaseSanctionInline,
        AppealInline,
        PoliceReferralInline,
        InterimSuspensionInline,
    ]

    # --- Permissions: a case changes only through its workflow actions -------------------

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = scope_to_cases(request, super().get_queryset(request), case_path="pk")
        overdue = ExpressionWrapper(selectors.overdue_q(timezone.now()), output_field=BooleanField())
        return queryset.annotate(_overdue=overdue)

    # --- Display ---------------------------------------------------------------------------

    @admin.display(description="overdue", ordering="_overdue")
    def overdue(self, obj):
        if getattr(obj, "_overdue", False):
            return format_html('<strong style="color: var(--error-fg, #ba2121)">{}</strong>', "overdue")
        return ""

    @admin.display(description="complaint summary")
    def complaint_summary(self, obj):
        return obj.complaint.summary

    @admin.display(description="evidence")
    def evidence_link(self, obj):
        url = reverse("admin:complaints_evidence_changelist") + "?" + urlencode({"case_ref": obj.reference})
        return format_html('<a href="{}">{} item(s)</a>', url, obj.evidence_count)

    @admin.display(description="campaigns")
    def campaigns_display(self, obj):
        campaigns = Campaign.objects.filter(evidence__case=obj).distinct()
        return format_html_join(", ", "{}", ((_admin_link(c),) for c in campaigns)) or "—"

    @admin.display(description="deadlines")
    def deadlines(self, obj):
        now = timezone.now()
        S = Case.Status
        # Label, and whether a passed date still counts against the case (the overdue rules).
        meaning = {
            "acknowledge_by": ("acknowledge by", obj.complaint.acknowledged_at is None),
            "decide_by": ("decide by", obj.status in (S.RECEIVED, S.INVESTIGATION, S.AWAITING_RESPONSE, S.PANEL)),
            "response_due": ("response due", obj.status == S.AWAITING_RESPONSE),
            "appeal_due": ("appeal window ends", False),
            "police_referral_due": ("police referral decision due", not obj.police_referrals.exists()),
        }
        rows = []
        for key, when in selectors.case_deadlines(obj).items():
            if when is None:
                continue
            label, pending = meaning.get(key, (key.replace("_", " "), False))
            late = pending and obj.is_open and when < now
            rows.append((label, timezone.localtime(when).strftime("%d %b %Y %H:%M"), late))
        if not rows:
            return "—"
        return format_html_join(
            "",
            "<div>{}: <strong{}>{}</strong>{}</div>",
            (
                (
                    label,
                    mark_safe(' style="color: var(--error-fg, #ba2121)"') if late else "",
                    when,
                    " (overdue)" if late else "",
                )
                for label, when, late in rows
            ),
        )

    # --- Views -----------------------------------------------------------------------------

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/action/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="complaints_case_action",
            ),
        ]
        return custom + super().get_urls()

    def _workflow_case(self, request, object_id):
        """The case (within the caller's scope) with what the workflow checks read, or None."""
        case = self.get_object(request, unquote(object_id))
        if case is not None:
            prefetch_related_objects([case], "panel", "appeal_panel", "decisions")
        return case

    def _may_act(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    def workflow_buttons(self, request, case) -> list[dict]:
        """One button per action the user may take on the case now (the workflow table decides)."""
        if not self._may_act(request):
            return []
        return [
            {
                "action": action,
                "label": workflow.TRANSITIONS[workflow.Action(action)].label,
                "url": reverse("admin:complaints_case_action", args=[case.pk, action]),
            }
            for action in workflow.allowed_actions(case, request.user)
        ]

    def measure_buttons(self, request, case) -> list[dict]:
        """The police-referral and interim-suspension measures open to the user on the case now."""
        return [
            {
                "action": name,
                "label": measure.label,
                "url": reverse("admin:complaints_case_action", args=[case.pk, name]),
            }
            for name, measure in MEASURES.items()
            if self._measure_refusal(request, case, name) is None
        ]

    def _measure_refusal(self, request, case, name) -> str | None:
        if not self._may_act(request) or not roles.has_role(request.user, roles.OFFICER):
            return "Only a compliance officer can take this measure."
        reason = conflict_reason(request.user, case)
        if reason:
            return f"Conflict of interest: {reason}."
        if not case.is_open:
            return "The case is no longer open."
        return MEASURES[name].refusal(case)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        case = self._workflow_case(request, object_id) if request.method == "GET" else None
        if case is not None:
            extra_context["workflow_actions"] = self.workflow_buttons(request, case)
            extra_context["measure_actions"] = self.measure_buttons(request, case)
            extra_context["show_workflow"] = True
            extra_context.update(self.timeline_context(case))
        response = super().change_view(request, object_id, form_url, extra_context)
        if case is not None and response.status_code == 200:
            case_services.audit_case_read(case=case, actor=request.user, via="admin")
        return response

    def timeline_context(self, case) -> dict:
        """The case's timeline, read from the audit log: the same events auditors verify."""
        events = [
            {
                "seq": event.seq,
                "at": event.at,
                "actor": event.actor_name,
                "action": event.action.removeprefix("case.").replace("_", " "),
                "change": _status_change(event.data),
                "details": _data_display(
                    {k: v for k, v in event.data.items() if k not in ("from", "to", "version", "via")}
                ),
                "hash": event.hash[:12],
            }
            for event in audit_selectors.case_timeline(case.reference)
        ]
        log_url = reverse("admin:audit_auditevent_changelist") + "?" + urlencode({"case_ref": case.reference})
        reads = audit_selectors.case_read_count(case.reference)
        return {"timeline": events, "timeline_reads": reads, "audit_url": log_url}

    def action_view(self, request, object_id, action):
        """Show the form of one workflow action and, on POST, call its service."""
        case = self._workflow_case(request, object_id)
        if case is None or not self.has_view_permission(request, case):
            self.message_user(request, "No such case, or it is outside what you may see.", messages.ERROR)
            return redirect("admin:complaints_case_changelist")
        change_url = reverse("admin:complaints_case_change", args=[case.pk])
        if action in MEASURES:
            refusal = self._measure_refusal(request, case, action)
        else:
            refusal = self._refusal(request, case, action)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return redirect(change_url)
        if action in MEASURES:
            form_class, label = MEASURE_FORMS[action], MEASURES[action].label
        else:
            form_class, label = ACTION_FORMS[action], workflow.TRANSITIONS[workflow.Action(action)].label
        if request.method == "POST":
            form = form_class(request.POST, case=case, user=request.user)
            if form.is_valid():
                service = MEASURES[action].service() if action in MEASURES else getattr(case_services, f"case_{action}")
                try:
                    service(
                        case=case, actor=request.user, version=form.cleaned_data["version"], **form.service_kwargs()
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                    if exc.field and exc.field in form.fields and exc.field != "version":
                        form.add_error(exc.field, exc.message)
                else:
                    case.refresh_from_db(fields=["status"])
                    self.message_user(
                        request,
                        f"{label}: done. Case {case.reference} is now {case.get_status_display()}.",
                        messages.SUCCESS,
                    )
                    return redirect(change_url)
        else:
            form = form_class(case=case, user=request.user, initial={"version": case.version})
        return self._render_form(
            request,
            form,
            title=f"{label}: {case.reference}",
            case=case,
            action_label=label,
            summary=self._case_summary(case, action),
            cancel_url=change_url,
        )

    def _refusal(self, request, case, action) -> str | None:
        """Why the user may not take `action` on `case` now, or None."""
        if action not in ACTION_FORMS:
            return f"Unknown action '{action}'."
        if action not in workflow.allowed_actions(case, request.user):
            try:
                workflow.check(case, action, request.user)
            except DomainError as exc:
                return exc.message
            return f"You may not {action.replace('_', ' ')} on this case now."
        if not self._may_act(request):
            return "You have read-only access to cases."
        return None

    def _case_summary(self, case, action) -> list[tuple[str, str]]:
        rows = [
            ("Respondent", str(case.respondent)),
            ("Complaint", f"{case.complaint.reference}: {case.complaint.summary}"),
            ("Status", f"{case.get_status_display()} (version {case.version})"),
        ]
        if case.allegations:
            rows.append(("Allegations", case.allegations))
        charged = list(case.rules_charged.order_by("number"))
        if charged:
            rows.append(("Rules charged", ", ".join(str(r) for r in charged)))
        if case.report and action in (workflow.Action.DECIDE, workflow.Action.CONFIRM_DECISION):
            rows.append(("Investigation report", case.report))
        if charged and action == workflow.Action.DECIDE:
            hint = guidance_lookup.guidance_for(case, charged)
            if hint is not None:
                names = dict(SanctionType.objects.values_list("code", "name"))
                rows.append(
                    (
                        "Guidance range",
                        f"{names[hint.min_code]} to {names[hint.max_code]} if every rule charged is found breached "
                        f"(category {hint.category}, {PriorRecord(hint.prior_record).label}).",
                    )
                )
        decisions = sorted(case.decisions.all(), key=lambda d: (d.decided_at, d.pk))
        if decisions:
            decision = decisions[-1]
            sanctions = ", ".join(
                f"{s.sanction_type} ({s.get_status_display()}{f', {s.duration_days} days' if s.duration_days else ''})"
                for s in decision.sanctions.select_related("sanction_type")
            )
            rows.append(
                (
                    "Latest decision",
                    f"{decision.get_outcome_display()} by {decision.decided_by} on "
                    f"{timezone.localtime(decision.decided_at):%d %b %Y}; sanctions: {sanctions or 'none'}",
                )
            )
        return rows

    def _render_form(self, request, form, *, title, case, action_label, summary, cancel_url):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "case": case,
            "action_label": action_label,
            "summary": summary,
            "cancel_url": cancel_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, ACTION_TEMPLATE, context)

    def add_view(self, request, form_url="", extra_context=None):
        """Open a case through complaints.services.complaints.case_open (complaint + respondent)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = CaseOpenForm(request.POST, admin_site=self.admin_site)
            if form.is_valid():
                try:
                    case = complaint_services.case_open(
                        complaint=form.cleaned_data["complaint"],
                        respondent=form.cleaned_data["respondent"],
                        actor=request.user,
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    self.message_user(request, f"Case {case.reference} opened.", messages.SUCCESS)
                    return redirect("admin:complaints_case_change", case.pk)
        else:
            form = CaseOpenForm(initial={"complaint": request.GET.get("complaint")}, admin_site=self.admin_site)
        return self._render_form(
            request,
            form,
            title="Open a case",
            case=None,
            action_label="Open case",
            summary=[],
            cancel_url=reverse("admin:complaints_case_changelist"),
        )


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
class ComplaintAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
        "filed_by",
        "submitted_at",
        "acknowledge_due_display",
        "acknowledged_at",
        "evidence_link",
        "unidentified_respondents",
    )
    inlines = [ComplaintCaseInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not _sees_every_case(request.user):
            queryset = queryset.filter(pk__in=selectors.complaint_list(user=request.user).values("pk"))
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

    def get_urls(self):
        custom = [
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
        if complaint is not None:
            extra_context["can_acknowledge"] = complaint.acknowledged_at is None and self.has_acknowledge_permission(
                request
            )
            extra_context["can_open_case"] = self.admin_site.get_model_admin(Case).has_add_permission(request)
            extra_context["all_cases_url"] = (
                reverse("admin:complaints_case_changelist") + "?" + urlencode({"complaint__id__exact": complaint.pk})
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "channel", "sender", "short_text", "severity", "complaint", "case", "member")
    list_filter = (ComplaintReferenceFilter, CaseReferenceFilter, "channel", "severity")
    search_fields = ("author_handle", "author_name", "author_email", "text")
    list_select_related = ("complaint", "case", "member")
    show_full_result_count = False
    list_per_page = 100
    exclude = ("attachment",)
    readonly_fields = ("attachment_name",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))

    @admin.display(description="sender")
    def sender(self, obj):
        return obj.author_handle or obj.author_name or obj.author_email or obj.author_phone or "—"

    @admin.display(description="text")
    def short_text(self, obj):
        return (obj.text[:80] + "…") if len(obj.text) > 80 else obj.text

    @admin.display(description="attachment")
    def attachment_name(self, obj):
        # Files are served only through the permission-checked API, never linked from here.
        return obj.attachment.name if obj.attachment else "—"


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
    list_display = ("case", "force", "crime_reference", "referred_at", "recorded_at", "recorded_by")
    search_fields = ("case__reference", "crime_reference", "force")
    list_select_related = ("case", "recorded_by")

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "complaint", "senders", "items", "first_at", "last_at", "sample")
    search_fields = ("complaint__reference", "sample_text")
    list_select_related = ("complaint",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not _sees_every_case(request.user):
            queryset = queryset.filter(complaint__in=selectors.complaint_list(user=request.user).values("pk"))
        return queryset

    @admin.display(description="sample text")
    def sample(self, obj):
        return obj.sample_text[:80]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "case", "action", "from_status", "to_status", "actor")
    list_filter = ("action",)
    search_fields = ("case__reference",)
    list_select_related = ("case", "actor")
    date_hierarchy = "at"

    def get_queryset(self, request):
        return scope_to_cases(request, super().get_queryset(request))


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
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="conflict.declare",
                obj=obj,
                data={"user": obj.user.get_username(), "member": obj.member_id, "constituency": obj.constituency_id},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user, action="conflict.withdraw", obj=obj, data={"user": obj.user.get_username()}
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


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
