"""The case page's workflow: one button per action the registry allows the user now, and the action pages.

Each button opens the action's form (the registry's `form`); its POST calls the action's
service with the case version the form was shown at, and shows the service's refusal as it
is. Opening a case on a complaint goes through the registry's open_case the same way.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from complaints import guidance as guidance_lookup
from complaints import workflow
from complaints.admin.common import ACTION_TEMPLATE
from complaints.admin.forms import BulkOpenInvestigationForm, CaseOpenForm
from conduct.models import PriorRecord, SanctionType
from core import roles
from core.errors import DomainError

BULK_TEMPLATE = "admin/complaints/case/bulk_open_investigation.html"
BULK_LIMIT = 500


class CaseActionsMixin:
    """Mix into the case ModelAdmin: the workflow buttons, the action views, the add view and the
    bulk actions, which take each case through the same registry service as its own button."""

    actions = ["open_investigations"]

    def has_open_investigation_permission(self, request):
        return roles.has_role(request.user, roles.OFFICER) and self._may_act(request)

    @admin.action(description="Open investigations on the selected cases", permissions=["open_investigation"])
    def open_investigations(self, request, queryset):
        """One investigator for all: each case through the registry's service in its own transaction;
        what is refused is reported in the registry's words and the rest is done."""
        cases = list(queryset.order_by("reference")[: BULK_LIMIT + 1])
        if len(cases) > BULK_LIMIT:
            self.message_user(request, f"Select at most {BULK_LIMIT} cases at a time.", messages.ERROR)
            return None
        submitted = "apply" in request.POST
        form = BulkOpenInvestigationForm(request.POST if submitted else None, user=request.user)
        if submitted and form.is_valid():
            investigator = form.cleaned_data["investigator"]
            service = workflow.service_of(workflow.Action.OPEN_INVESTIGATION)
            done, refused = [], []
            for case in cases:
                try:
                    service(case=case, actor=request.user, version=case.version, investigator=investigator)
                except DomainError as exc:
                    refused.append(f"{case.reference}: {exc.message}")
                else:
                    done.append(case.reference)
            who = investigator.get_full_name() or investigator.get_username()
            if done:
                self.message_user(
                    request,
                    f"Investigation opened on {len(done)} case{'s' if len(done) != 1 else ''}, assigned to {who}: "
                    + ", ".join(done)
                    + ".",
                    messages.SUCCESS,
                )
            for line in refused:
                self.message_user(request, f"Not opened: {line}", messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Open investigations on the selected cases",
            "cases": cases,
            "form": form,
            "action": "open_investigations",
            "cancel_url": request.get_full_path(),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, BULK_TEMPLATE, context)

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
        if action in (workflow.Action.DECIDE, workflow.Action.CONFIRM_DECISION):
            rows += self._what_the_panel_weighs(case)
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

    def _what_the_panel_weighs(self, case) -> list[tuple[str, str]]:
        """The respondent's answer and the evidence, in words, for the panel deciding or confirming."""
        rows = []
        for response in case.responses.order_by("submitted_at"):
            when = timezone.localtime(response.submitted_at).strftime("%-d %b %Y, %H:%M")
            who = "recorded by an officer for the respondent" if response.on_behalf else "the respondent"
            rows.append((f"Response ({who}, {when})", response.text))
        if not rows and case.response_lapsed:
            rows.append(("Response", "None: the response window passed without an answer."))
        evidence = case.evidence.order_by("-severity", "occurred_at")
        total = evidence.count()
        if total:
            shown = [
                f"{timezone.localtime(e.occurred_at):%-d %b %Y, %H:%M} · {e.get_channel_display()} · "
                f"{'THREAT · ' if e.threat else ''}{e.text[:300]}"
                for e in evidence[:10]
            ]
            more = f"\n… and {total - 10} more (see the case's evidence)" if total > 10 else ""
            noun = "item" if total == 1 else "items"
            rows.append((f"Evidence ({total} {noun}, most serious first)", "\n".join(shown) + more))
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
