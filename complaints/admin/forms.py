"""Admin forms: one per workflow action, with the fields of API.md's `/actions/` list.

A form only turns what was typed into the arguments of
`complaints.services.cases.case_<action>`; whether the action is allowed (state, role,
conflicts, panel size, guidance) is the service's decision, so the admin shows the
same refusals as the API. Every form carries the case `version` it was shown at.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from complaints import guidance as guidance_lookup
from complaints.models import Appeal, Case, Complaint, Decision, EvidenceMapping
from complaints.services.cases import INFORMAL_MAX_LEVEL_CODE, Finding, SanctionSpec
from conduct.models import SanctionType, rules_in_force
from core import roles
from members.models import Member

SANCTION_ROWS = 3


def _users_in_group(name: str):
    return get_user_model().objects.filter(groups__name=name, is_active=True).distinct().order_by("username")


def _user_label(user) -> str:
    full = user.get_full_name()
    return f"{user.get_username()} ({full})" if full else user.get_username()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


def _text(label: str, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows, "cols": 80}), strip=True
    )


class CaseActionForm(forms.Form):
    """Base of the action forms: the hidden version and a layout for the template."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # [(title, [field names], description)]; None puts every visible field in one fieldset.
    layout: list[tuple[str | None, list[str], str]] | None = None
    # Where the sanction rows are shown (after this fieldset index), if the form has them.
    sanctions_after: int | None = None

    def __init__(self, *args, case: Case, user, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        """The keyword arguments of the service beyond case, actor and version."""
        return {}

    def fieldsets(self) -> list[dict]:
        layout = self.layout or [(None, [n for n, f in self.fields.items() if not f.widget.is_hidden], "")]
        sets = []
        for index, (title, names, description) in enumerate(layout):
            if names:
                sets.append({"title": title, "description": description, "fields": [self[n] for n in names]})
            if index == self.sanctions_after:
                sets.append({"title": "Sanctions", "sanction_rows": self.sanction_rows()})
        return sets

    def sanction_rows(self) -> list[list]:
        return []


class SanctionRowsMixin:
    """Up to SANCTION_ROWS rows of (sanction type, duration in days, conditions)."""

    def add_sanction_rows(self, help_text: str) -> None:
        for i in range(SANCTION_ROWS):
            self.fields[f"sanction_{i}_type"] = forms.ModelChoiceField(
                SanctionType.objects.order_by("level"),
                required=False,
                label="Sanction",
                empty_label="—",
                help_text=help_text if i == 0 else "",
            )
            self.fields[f"sanction_{i}_duration_days"] = forms.IntegerField(
                required=False, min_value=1, label="Duration (days)", widget=forms.NumberInput(attrs={"size": 6})
            )
            self.fields[f"sanction_{i}_conditions"] = forms.CharField(
                required=False, label="Conditions", widget=forms.Textarea(attrs={"rows": 2, "cols": 40})
            )

    def mark_guidance_range(self) -> None:
        """Name the sanctions inside the published guidance range for this case, should every rule
        charged be found breached, so the panel sees the range where it chooses."""
        charged = list(self.case.rules_charged.all())
        guidance = guidance_lookup.guidance_for(self.case, charged) if charged else None
        if guidance is None:
            return

        class InRange(forms.ModelChoiceField):
            def label_from_instance(self, obj):
                return f"{obj.name} (in the guidance range)" if guidance.contains(obj) else obj.name

        for i in range(SANCTION_ROWS):
            old = self.fields[f"sanction_{i}_type"]
            self.fields[f"sanction_{i}_type"] = InRange(
                old.queryset, required=False, label=old.label, empty_label="—", help_text=old.help_text
            )

    def sanction_rows(self) -> list[list]:
        return [
            [self[f"sanction_{i}_type"], self[f"sanction_{i}_duration_days"], self[f"sanction_{i}_conditions"]]
            for i in range(SANCTION_ROWS)
        ]

    def clean_sanction_rows(self, cleaned: dict) -> list[SanctionSpec]:
        specs = []
        for i in range(SANCTION_ROWS):
            sanction_type = cleaned.get(f"sanction_{i}_type")
            days = cleaned.get(f"sanction_{i}_duration_days")
            conditions = cleaned.get(f"sanction_{i}_conditions") or ""
            if sanction_type is None:
                if days or conditions:
                    self.add_error(f"sanction_{i}_type", "Choose the sanction this row is about.")
                continue
            specs.append(SanctionSpec(sanction_type=sanction_type, duration_days=days, conditions=conditions))
        return specs


class OpenInvestigationForm(CaseActionForm):
    investigator = UserChoiceField(
        queryset=None, help_text="A compliance officer with no conflict with either party.", empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers = _users_in_group(roles.OFFICER)
        self.fields["investigator"].queryset = officers
        if self.user.pk in set(officers.values_list("pk", flat=True)):
            self.fields["investigator"].initial = self.user.pk

    def service_kwargs(self):
        return {"investigator": self.cleaned_data["investigator"]}


class InvestigatorCountField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{_user_label(obj)}: {obj.open_cases} open case{'s' if obj.open_cases != 1 else ''}"


class BulkOpenInvestigationForm(forms.Form):
    """One investigator for every selected case; each officer shown with their open cases, to share the work."""

    investigator = InvestigatorCountField(
        queryset=None,
        empty_label=None,
        help_text="A compliance officer; one with a conflict on a case is refused there.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        open_cases = Count("cases_investigating", filter=Q(cases_investigating__status__in=Case.OPEN_STATUSES))
        officers = _users_in_group(roles.OFFICER).annotate(open_cases=open_cases)
        self.fields["investigator"].queryset = officers
        self.fields["investigator"].initial = user.pk


class DismissForm(CaseActionForm):
    reason_code = forms.ChoiceField(label="Reason", choices=Case.DismissReason.choices)
    reason = _text("Explanation", "Written reasons, kept on the case and told to the complainant.")

    def service_kwargs(self):
        return {"reason_code": self.cleaned_data["reason_code"], "reason": self.cleaned_data["reason"]}


class ResolveInformallyForm(CaseActionForm):
    sanction = forms.ModelChoiceField(
        queryset=None, empty_label=None, help_text="An informal resolution goes no higher than a formal warning."
    )
    reasons = _text("Reasons")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ceiling = SanctionType.objects.filter(code=INFORMAL_MAX_LEVEL_CODE).values_list("level", flat=True).first()
        self.fields["sanction"].queryset = SanctionType.objects.filter(level__lte=ceiling or 0).order_by("level")

    def service_kwargs(self):
        return {
            "sanction": SanctionSpec(sanction_type=self.cleaned_data["sanction"]),
            "reasons": self.cleaned_data["reasons"],
        }


class IssueNoticeForm(CaseActionForm):
    allegations = _text("Allegations", "What the respondent is said to have done, as they will read it.", rows=8)
    rules = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Rules charged",
        widget=forms.CheckboxSelectMultiple,
        help_text="Rules of the code version in force on the incident date.",
    )
    response_due = forms.DateTimeField(
        required=False,
        label="Response due",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_force = rules_in_force(self.case.complaint.incident_date).select_related("category").order_by("number")
        self.fields["rules"].queryset = in_force
        self.fields["rules"].initial = list(
            in_force.filter(pk__in=self.case.complaint.rules.values("pk")).values_list("pk", flat=True)
        )
        self.fields[
            "response_due"
        ].help_text = f"Leave empty for the default: {settings.CONDUCT['RESPONSE_DAYS']} days from now."

    def service_kwargs(self):
        return {
            "allegations": self.cleaned_data["allegations"],
            "rules": list(self.cleaned_data["rules"]),
            "response_due": self.cleaned_data.get("response_due"),
        }


class RecordResponseForm(CaseActionForm):
    text = _text("Response", "The respondent's answer, recorded on their behalf.", rows=10)

    def service_kwargs(self):
        return {"text": self.cleaned_data["text"]}


class ContinueWithoutResponseForm(CaseActionForm):
    pass


class ReferToPanelForm(CaseActionForm):
    report = _text("Investigation report", "What the panel will read.", rows=10)
    panel = UserMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            f"{settings.CONDUCT['PANEL_SIZE_MINOR']} member for sanctions up to a warning, "
            f"{settings.CONDUCT['PANEL_SIZE_MAJOR']} for suspension or expulsion; "
            "not the investigator, nobody with a conflict."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = _users_in_group(roles.PANEL)

    def service_kwargs(self):
        return {"report": self.cleaned_data["report"], "panel": list(self.cleaned_data["panel"])}


class DecideForm(SanctionRowsMixin, CaseActionForm):
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reasons = _text("Reasons", "Written reasons for the decision.", rows=8)
    departure_reason = forms.CharField(
        required=False,
        label="Reason for departing from the guidance",
        help_text="Required when a sanction is outside the published guidance range.",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )
    sanctions_after = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.charged = list(self.case.rules_charged.order_by("number"))
        for rule in self.charged:
            self.fields[f"rule_{rule.pk}"] = forms.BooleanField(
                required=False, label=f"{rule.code} {rule.title}", help_text="Tick if the panel finds it breached."
            )
        self.add_sanction_rows("For fixed-term sanctions give the duration; 'conditions' states them.")
        self.mark_guidance_range()
        self.layout = [
            ("Findings, one per rule charged", [f"rule_{r.pk}" for r in self.charged], ""),
            ("Outcome", ["outcome"], ""),
            ("Reasons", ["reasons", "departure_reason"], ""),
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["findings"] = [Finding(rule=r, breached=bool(cleaned.get(f"rule_{r.pk}"))) for r in self.charged]
        cleaned["sanctions"] = self.clean_sanction_rows(cleaned)
        return cleaned

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "findings": data["findings"],
            "outcome": data["outcome"],
            "sanctions": data["sanctions"],
            "reasons": data["reasons"],
            "departure_reason": data.get("departure_reason") or "",
        }


class ConfirmDecisionForm(CaseActionForm):
    pass


class LodgeAppealForm(CaseActionForm):
    grounds = _text("Grounds of appeal", "Lodged for the respondent.", rows=8)

    def service_kwargs(self):
        return {"grounds": self.cleaned_data["grounds"]}


class SetAppealPanelForm(CaseActionForm):
    panel = UserMultipleChoiceField(
        queryset=None,
        label="Appeal panel",
        widget=forms.CheckboxSelectMultiple,
        help_text="Nobody from the first panel, not the investigator, nobody with a conflict.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = _users_in_group(roles.PANEL)

    def service_kwargs(self):
        return {"panel": list(self.cleaned_data["panel"])}


class DecideAppealForm(SanctionRowsMixin, CaseActionForm):
    outcome = forms.ChoiceField(choices=Appeal.Outcome.choices, widget=forms.RadioSelect)
    reasons = _text("Reasons", rows=8)
    sanctions_after = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_sanction_rows("Only for a varied outcome: the sanctions that replace the original ones.")
        self.layout = [("Outcome", ["outcome"], ""), ("Reasons", ["reasons"], "")]

    def clean(self):
        cleaned = super().clean()
        cleaned["sanctions"] = self.clean_sanction_rows(cleaned)
        return cleaned

    def service_kwargs(self):
        data = self.cleaned_data
        return {"outcome": data["outcome"], "reasons": data["reasons"], "sanctions": data["sanctions"]}


class CloseForm(CaseActionForm):
    pass


class CaseOpenForm(forms.Form):
    """Open a case on a complaint for a member identified after filing (the registry's open_case)."""

    complaint = forms.ModelChoiceField(queryset=Complaint.objects.all())
    respondent = forms.ModelChoiceField(
        queryset=Member.objects.all(), help_text="The member the case is about: search by number or name."
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("complaint", "respondent"):
            field = self.fields[name]
            field.widget = AutocompleteSelect(Case._meta.get_field(name), admin_site)
            field.queryset = field.queryset  # hands the choices to the new widget

    def fieldsets(self) -> list[dict]:
        return [{"title": None, "description": "", "fields": [self["complaint"], self["respondent"]]}]


# --- Measures beside the workflow (DESIGN.md §4): police referral, interim suspension --------


class ReferralDecisionFields(forms.Form):
    """The fields of a police-referral decision, on a case or on a whole complaint: a referral, or
    a reason not to refer (which one is the service's rule, `services.police.referral_fields`)."""

    force = forms.CharField(required=False, max_length=100, help_text="The police force the matter was referred to.")
    unit = forms.CharField(required=False, max_length=100, help_text="For example, Counter Terrorism Policing.")
    crime_reference = forms.CharField(required=False, max_length=100)
    referred_at = forms.DateTimeField(
        required=False,
        label="Referred at",
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    not_referred_reason = forms.CharField(
        required=False,
        label="Reason not to refer",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Instead of a referral: why the matter is not referred.",
    )

    def decision_kwargs(self) -> dict:
        data = self.cleaned_data
        names = ("force", "unit", "crime_reference", "referred_at", "not_referred_reason")
        return {name: data.get(name) for name in names}


class PoliceReferralForm(CaseActionForm, ReferralDecisionFields):
    layout = [
        ("Referral", ["force", "unit", "crime_reference", "referred_at"], ""),
        ("Or: decision not to refer", ["not_referred_reason"], ""),
    ]

    def service_kwargs(self):
        return self.decision_kwargs()


class InterimSuspensionImposeForm(CaseActionForm):
    reason = _text("Reason", "A precaution while the case runs, not a sanction; reviewed every few weeks.")

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class InterimSuspensionReviewForm(CaseActionForm):
    keep = forms.TypedChoiceField(
        label="Decision",
        choices=[("continue", "continue the suspension"), ("lift", "lift the suspension")],
        coerce=lambda value: value == "continue",
        widget=forms.RadioSelect,
    )
    reason = _text("Reason")

    def service_kwargs(self):
        return {"keep": self.cleaned_data["keep"], "reason": self.cleaned_data["reason"]}


class EvidenceUploadForm(forms.Form):
    """A bulk evidence file for a complaint, read in the background as the API's large uploads are."""

    file = forms.FileField(help_text="JSON, CSV, NDJSON, an mbox, a .eml, a ZIP of .eml files, or a call log.")
    format = forms.ChoiceField(
        choices=[("", "detect from the content"), *((f, f) for f in ("json", "csv", "ndjson", "mbox", "eml", "zip"))],
        required=False,
    )
    mapping = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="name", help_text="A call log: the saved column mapping."
    )
    skip_invalid = forms.BooleanField(
        required=False, label="Skip invalid rows", help_text="Store the valid rows and list the rest."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = EvidenceMapping.objects.all()

    def clean_mapping(self):
        mapping = self.cleaned_data.get("mapping")
        return mapping.name if mapping else ""
