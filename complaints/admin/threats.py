"""Threats and the police in the admin: the complaint's threat register with its clock and the
referral form, and officers' corrections of an item's classification (one item, or many at once
with one reason). Every form only turns what was typed into the service's arguments; whether it
may happen is the registry's and the service's decision, so the admin refuses as the API does."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from complaints import workflow
from complaints.admin.forms import ReferralDecisionFields
from complaints.models import Complaint, Evidence
from complaints.selectors.threats import threat_register
from complaints.services.complaints import audit_complaint_read
from conduct.models import Category
from core import roles
from core.errors import DomainError

Action = workflow.Action


def _local(value) -> str:
    return timezone.localtime(value).strftime("%-d %b %Y, %H:%M") if value else "—"


class ComplaintPoliceReferralForm(ReferralDecisionFields):
    all_senders = forms.BooleanField(
        required=False, initial=True, label="All senders", help_text="Every sender of a threat on this complaint."
    )
    senders = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Or only these senders (leave “All senders” unticked).",
    )
    field_order = ["all_senders", "senders"]

    def __init__(self, *args, senders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["senders"].choices = [
            (s["key"], f"{s['handle'] or s['email'] or s['phone'] or s['name'] or 'unknown sender'} ({s['threats']})")
            for s in senders
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        senders = "all" if data["all_senders"] or not data["senders"] else list(data["senders"])
        return {"senders": senders, **self.decision_kwargs()}


class ClassificationForm(forms.Form):
    threat = forms.BooleanField(required=False, label="A threat of violence")
    categories = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Why the machine's flags are wrong; kept in the audit log with the change.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [
            (c.code, c.name) for c in Category.objects.exclude(code="threat_of_violence").order_by("name")
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"threat": data["threat"], "categories": list(data["categories"]), "reason": data["reason"]}


class ThreatRegisterAdminMixin:
    """On the complaint admin: the threat register page, with the clock and the referral form."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/threats/",
                self.admin_site.admin_view(self.threats_view),
                name="complaints_complaint_threats",
            ),
            *super().get_urls(),
        ]

    def threats_view(self, request, object_id):
        complaint = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if complaint is None or not self.has_view_permission(request, complaint):
            self.message_user(request, "No such complaint, or it is outside what you may see.", messages.ERROR)
            return redirect("admin:complaints_complaint_changelist")
        if not roles.has_role(request.user, roles.OFFICER):
            self.message_user(request, "Only compliance officers see the threat register.", messages.ERROR)
            return redirect("admin:complaints_complaint_change", complaint.pk)
        if request.method == "GET":
            audit_complaint_read(complaint=complaint, actor=request.user, via="admin", what="threats")
        refusal = _complaint_refusal(complaint, Action.COMPLAINT_POLICE_REFERRAL, request.user)
        register = threat_register(complaint=complaint)
        form = ComplaintPoliceReferralForm(senders=register["senders"])
        if request.method == "POST" and refusal is None:
            form = ComplaintPoliceReferralForm(request.POST, senders=register["senders"])
            if form.is_valid():
                try:
                    referral = workflow.service_of(Action.COMPLAINT_POLICE_REFERRAL)(
                        complaint=complaint, actor=request.user, **form.service_kwargs()
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                    if exc.field in form.fields:
                        form.add_error(exc.field, exc.message)
                else:
                    what = "Referral" if referral.referred else "Decision not to refer"
                    self.message_user(
                        request,
                        f"{what} recorded; it covers {referral.evidence.count()} threat items.",
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:complaints_complaint_threats", args=[complaint.pk]))
        evidence_url = reverse("admin:complaints_evidence_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Threats on {complaint.reference}",
            "complaint": complaint,
            "register": register,
            "clock": _clock_words(register),
            "senders": [
                {
                    **s,
                    "channel": Evidence.Channel(s["channel"]).label
                    if s["channel"] in Evidence.Channel
                    else s["channel"],
                    "first": _local(s["first_at"]),
                    "last": _local(s["last_at"]),
                    "items_url": _items_url(s),
                }
                for s in register["senders"]
            ],
            "referrals": [
                {
                    "what": (
                        f"Referred to {r.force}" + (f" ({r.unit})" if r.unit else "")
                        if r.referred
                        else f"Not referred: {r.not_referred_reason}"
                    ),
                    "crime_reference": r.crime_reference or "—",
                    "senders": "all senders" if r.all_senders else f"{len(r.sender_keys)} sender(s)",
                    "items": r.items,
                    "by": r.recorded_by.get_username(),
                    "at": _local(r.recorded_at),
                    "case": r.case.reference if r.case_id else "",
                }
                for r in register["referrals"]
            ],
            "form": form,
            "refusal": refusal,
            "evidence_url": evidence_url,
            "change_url": reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        }
        return TemplateResponse(request, "admin/complaints/complaint/threats.html", context)


def _items_url(sender: dict) -> str:
    ids = ",".join(str(pk) for pk in sender["items"][:200])
    return reverse("admin:complaints_evidence_changelist") + f"?id__in={ids}"


def _clock_words(register: dict) -> str:
    if not register["threats"]:
        return "No threat items on this complaint."
    due = register["referral_due"]
    if register["pending"]:
        left = due - timezone.now()
        hours = int(left.total_seconds() // 3600)
        when = _local(due)
        kind = "A supplementary police-referral decision" if register["supplementary"] else "A police-referral decision"
        items = f"{register['pending']} threat item(s) no decision covers yet"
        if register["overdue"]:
            return f"{kind} was due {when} and is overdue: {items}."
        return f"{kind} is due by {when} (in {hours} h {int(left.total_seconds() // 60) % 60} min): {items}."
    return "Every threat item is covered by a police-referral decision."


def _complaint_refusal(complaint: Complaint, action, user) -> str | None:
    try:
        workflow.check_complaint(complaint, action, user)
    except DomainError as exc:
        return exc.message
    return None


class ClassificationAdminMixin:
    """On the evidence admin: correct one item's classification, or many at once with one reason."""

    actions = ["classify_selected"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/classify/",
                self.admin_site.admin_view(self.classify_view),
                name="complaints_evidence_classify",
            ),
            *super().get_urls(),
        ]

    def classify_view(self, request, object_id):
        item = (
            self.get_queryset(request).select_related("classified_by").filter(pk=object_id).first()
            if str(object_id).isdigit()
            else None
        )
        if item is None or not self.has_view_permission(request, item):
            self.message_user(request, "No such item, or it is outside what you may see.", messages.ERROR)
            return redirect("admin:complaints_evidence_changelist")
        change_url = reverse("admin:complaints_evidence_change", args=[item.pk])
        return self._classify(request, [item], done_url=change_url, cancel_url=change_url)

    @admin.action(description="Correct the classification of the selected items")
    def classify_selected(self, request, queryset):
        items = list(queryset.select_related("complaint", "classified_by")[:1001])
        if len(items) > 1000:
            self.message_user(request, "Select at most 1,000 items at a time.", messages.ERROR)
            return None
        return self._classify(
            request,
            items,
            done_url=request.get_full_path(),
            cancel_url=request.get_full_path(),
            bulk=True,
        )

    def _classify(self, request, items: list[Evidence], *, done_url, cancel_url, bulk=False):
        submitted = request.method == "POST" and "apply_classification" in request.POST
        form = ClassificationForm(request.POST if submitted else None, initial=_initial(items))
        if submitted and form.is_valid():
            try:
                workflow.service_of(Action.CLASSIFY_EVIDENCE)(
                    evidence_ids=[i.pk for i in items], actor=request.user, **form.service_kwargs()
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
            else:
                self.message_user(request, f"Classification corrected on {len(items)} item(s).", messages.SUCCESS)
                return redirect(done_url)
        names = dict(Category.objects.values_list("code", "name"))

        def words(codes) -> str:
            return ", ".join(names.get(c, c) for c in codes) or "none"

        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Correct the classification",
            "items": [
                {
                    "pk": i.pk,
                    "when": _local(i.occurred_at),
                    "sender": i.author_handle or i.author_name or i.author_email or i.author_phone or "—",
                    "text": i.text,
                    "flags": words(i.categories),
                    "machine": words(i.machine_categories),
                    "corrected": (
                        f"by {i.classified_by.get_username()}, {_local(i.classified_at)}: {i.classification_reason}"
                        if i.classified_at
                        else ""
                    ),
                }
                for i in items[:50]
            ],
            "more": max(0, len(items) - 50),
            "count": len(items),
            "form": form,
            "bulk": bulk,
            "selected": [i.pk for i in items],
            "cancel_url": cancel_url,
        }
        return TemplateResponse(request, "admin/complaints/evidence/classify.html", context)


def _initial(items: list[Evidence]) -> dict:
    if len(items) != 1:
        return {"threat": True}
    item = items[0]
    return {"threat": item.threat, "categories": [c for c in item.categories if c != "threat_of_violence"]}
