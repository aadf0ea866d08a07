"""The case pages: officers and panel members walk a case from received to closed.

Nothing here writes a case directly. The case page shows one button per action the
registry (`complaints.workflow`) allows the user now (complaints/admin/case_actions.py);
each opens the action's form, whose POST calls the action's service with the case version
the form was shown at, and shows the service's refusal as it is. The admin holds no copy
of any rule.
"""

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper
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
from complaints.models import Campaign, Case
from complaints.selectors.threats import case_referral_made
from complaints.services import cases as case_services


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


@admin.register(Case)
class CaseAdmin(CaseActionsMixin, admin.ModelAdmin):
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
            "police_referral_due": ("police referral decision due", True),
        }
        # A decision on the case, or on its complaint covering this respondent, ends that deadline.
        referred = case_referral_made(obj)
        rows = []
        for key, when in selectors.case_deadlines(obj).items():
            if when is None or (key == "police_referral_due" and referred):
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

    # --- The page: the workflow buttons and the case's timeline -------------------------

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
