"""The case pages: officers and panel members walk a case from received to closed.

Nothing here writes a case directly. The case page shows one button per action the
registry (`complaints.workflow`) allows the user now (complaints/admin/case_actions.py);
each opens the action's form, whose POST calls the action's service with the case version
the form was shown at, and shows the service's refusal as it is. The admin holds no copy
of any rule.
"""

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from audit import selectors as audit_selectors
from complaints import selectors
from complaints.admin.case_actions import CaseActionsMixin
from complaints.admin.case_inlines import (
    AppealInline,
    CaseSanctionInline,
    DecisionInline,
    InterimSuspensionInline,
    PoliceReferralInline,
    ResponseInline,
)
from complaints.admin.common import _admin_link, _data_display, _status_change, scope_to_cases
from complaints.models import Campaign, Case, Decision
from complaints.selectors import workbench
from complaints.selectors.threats import case_referral_made_exists
from complaints.services import cases as case_services
from complaints.services.clocks import KINDS, local_time


def _user_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


class OverdueFilter(admin.SimpleListFilter):
    title = "past a deadline"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "past a deadline"), ("no", "on time")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.overdue_q(timezone.now()))
        if self.value() == "no":
            return queryset.exclude(selectors.overdue_q(timezone.now()))
        return queryset


class DueFilter(admin.SimpleListFilter):
    """What the reminders count as overdue, due today or due this week (optionally of one kind:
    "today:decision"), as the dashboard counts it."""

    title = "deadline reminders"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return list(workbench.BUCKETS.items())

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        bucket, _, kind = self.value().partition(":")
        if bucket not in workbench.BUCKETS or (kind and kind not in KINDS):
            return queryset.none()
        return queryset.filter(workbench.deadline_cases_q(workbench.deadlines_in(bucket, kind=kind or None)))

    def choices(self, changelist):
        yield from super().choices(changelist)
        bucket, _, kind = (self.value() or "").partition(":")
        if kind in KINDS:
            # A kind chosen on the dashboard: say so, as a selected choice of its own.
            yield {
                "selected": True,
                "query_string": changelist.get_query_string(remove=[self.parameter_name]),
                "display": f"{KINDS[kind]} {workbench.BUCKETS.get(bucket, '')} (clear)",
            }


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "my cases"), ("nobody", "nobody (open cases)")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True, status__in=Case.OPEN_STATUSES)
        return queryset


class AwaitingFilter(admin.SimpleListFilter):
    title = "awaiting me"
    parameter_name = "awaiting"

    def lookups(self, request, model_admin):
        return [("decision", "awaiting my decision"), ("confirmation", "awaiting my confirmation")]

    def queryset(self, request, queryset):
        if self.value() == "decision":
            return queryset.filter(pk__in=Case.objects.filter(workbench.awaiting_decision_q(request.user)).values("pk"))
        if self.value() == "confirmation":
            return queryset.filter(
                pk__in=Case.objects.filter(workbench.awaiting_confirmation_q(request.user)).values("pk")
            )
        return queryset


@admin.register(Case)
class CaseAdmin(CaseActionsMixin, admin.ModelAdmin):
    # Fits 1400 px: when the case was opened is on its page; "overdue" is the deadline column in red.
    list_display = (
        "reference",
        "respondent",
        "status",
        "severity",
        "items",
        "assigned_to_name",
        "next_deadline",
    )
    list_filter = (AssignedFilter, AwaitingFilter, DueFilter, OverdueFilter, "status", "severity")
    search_fields = ("reference", "respondent__membership_number", "respondent__first_name", "respondent__last_name")
    list_select_related = ("respondent", "assigned_to", "complaint")
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

    def get_inline_instances(self, request, obj=None):
        """Only the sections with something in them: a new case has no response, decision or measure yet."""
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            return inlines
        return [inline for inline in inlines if inline.model.objects.filter(case=obj).exists()]

    # --- Permissions: a case changes only through its workflow actions -------------------

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = scope_to_cases(request, super().get_queryset(request), case_path="pk")
        overdue = ExpressionWrapper(selectors.overdue_q(timezone.now()), output_field=BooleanField())
        return queryset.annotate(_overdue=overdue, _referred=case_referral_made_exists()).prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("decided_at", "pk"))
        )

    # --- Display ---------------------------------------------------------------------------

    @admin.display(description="items", ordering="evidence_count")
    def items(self, obj):
        return obj.evidence_count

    @admin.display(description="assigned to", ordering="assigned_to__username")
    def assigned_to_name(self, obj):
        return _user_name(obj.assigned_to)

    @admin.display(description="next deadline", ordering="_overdue")
    def next_deadline(self, obj):
        row = selectors.case_next_deadline(obj)
        if row is None:
            return "—"
        if row["late"]:
            return format_html(
                '<strong style="color: var(--error-fg, #ba2121)">{} overdue</strong><br>since {}',
                row["what"].capitalize(),
                local_time(row["when"]),
            )
        return format_html("{}<br>by {}", row["what"].capitalize(), local_time(row["when"]))

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
        rows = selectors.case_deadline_rows(obj)
        if not rows:
            return "—"
        return format_html_join(
            "",
            "<div>{}: <strong{}>{}</strong>{}</div>",
            (
                (
                    row["label"],
                    mark_safe(' style="color: var(--error-fg, #ba2121)"') if row["late"] else "",
                    local_time(row["when"]),
                    " (overdue)" if row["late"] else "",
                )
                for row in rows
            ),
        )

    # --- The page: the workflow buttons and the case's timeline -------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        case = self._workflow_case(request, object_id) if request.method == "GET" else None
        if case is not None:
            extra_context["workflow_actions"] = self.workflow_buttons(request, case)
            extra_context["measure_actions"] = self.measure_buttons(request, case)
            extra_context["show_workflow"] = True
            extra_context.update(self.timeline_context(case))
            if not request.user.has_perm("audit.view_auditevent"):
                extra_context["audit_url"] = None  # officers and panel members may not open the log
        response = super().change_view(request, object_id, form_url, extra_context)
        if case is not None and response.status_code == 200:
            case_services.audit_case_read(case=case, actor=request.user, via="admin")
        return response

    def timeline_context(self, case) -> dict:
        """The case's timeline, read from the audit log: the same events auditors verify."""
        events = [
            {
                "seq": event.seq,
                "at": local_time(event.at),
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
