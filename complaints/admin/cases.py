"""The case pages: officers and panel members walk a case from received to closed.

Nothing here writes a case directly. The case page shows one button per action the
registry (`complaints.workflow`) allows the user now; each opens the action's form,
whose POST calls the action's service with the case version the form was shown at,
and shows the service's refusal as it is. The admin holds no copy of any rule.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, prefetch_related_objects
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from audit import selectors as audit_selectors
from complaints import guidance as guidance_lookup
from complaints import selectors, workflow
from complaints.admin.common import (
    ACTION_TEMPLATE,
    ReadOnlyStackedInline,
    ReadOnlyTabularInline,
    _admin_link,
    _data_display,
    _status_change,
    scope_to_cases,
)
from complaints.admin.forms import CaseOpenForm
from complaints.models import (
    Appeal,
    Campaign,
    Case,
    Decision,
    InterimSuspension,
    PoliceReferral,
    Response,
    Sanction,
)
from complaints.services import cases as case_services
from conduct.models import PriorRecord, SanctionType
from core.errors import DomainError

# --- Cases -----------------------------------------------------------------------------


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

    def _buttons(self, request, case, actions: list[str]) -> list[dict]:
        return [
            {
                "action": action,
                "label": workflow.ACTIONS[workflow.Action(action)].label,
                "url": reverse("admin:complaints_case_action", args=[case.pk, action]),
            }
            for action in actions
        ]

    def workflow_buttons(self, request, case) -> list[dict]:
        """One button per workflow action the registry allows the user on the case now."""
        return (
            self._buttons(request, case, workflow.allowed_actions(case, request.user)) if self._may_act(request) else []
        )

    def measure_buttons(self, request, case) -> list[dict]:
        """The police-referral and interim-suspension measures the registry allows the user now."""
        return (
            self._buttons(request, case, workflow.allowed_measures(case, request.user))
            if self._may_act(request)
            else []
        )

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
        """Show the form of one action and, on POST, call its service; refusals are the registry's words."""
        case = self._workflow_case(request, object_id)
        if case is None or not self.has_view_permission(request, case):
            self.message_user(request, "No such case, or it is outside what you may see.", messages.ERROR)
            return redirect("admin:complaints_case_changelist")
        change_url = reverse("admin:complaints_case_change", args=[case.pk])
        refusal = self._refusal(request, case, action)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return redirect(change_url)
        action = workflow.Action(action)
        form_class, label = workflow.form_of(action), workflow.ACTIONS[action].label
        if request.method == "POST":
            form = form_class(request.POST, case=case, user=request.user)
            if form.is_valid():
                try:
                    workflow.service_of(action)(
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
        """Why the user may not take `action` on `case` now (the registry's words), or None."""
        the_entry = workflow.ACTIONS.get(action) if action in workflow.Action._value2member_map_ else None
        if the_entry is None or the_entry.on_complaint:
            return f"There is no action called '{action}'."
        refusal = workflow.refusal(case, action, request.user)
        if refusal is None and not self._may_act(request):
            return "You have read-only access to cases."
        return refusal

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
        """Open a case on a complaint through the registry's open_case (complaint + respondent)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = CaseOpenForm(request.POST, admin_site=self.admin_site)
            if form.is_valid():
                try:
                    case = workflow.service_of(workflow.Action.OPEN_CASE)(
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
