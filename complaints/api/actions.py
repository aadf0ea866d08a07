"""The input of every action in the registry (`complaints.workflow`): one serializer each.

They validate shape and resolve names to objects (400 when unknown); `service_kwargs`
hands the action's service what it takes. The rules themselves are the services'.
Workflow actions come through `POST /api/cases/{reference}/actions/` (`action` and the
case `version` the caller read); measures through their own endpoints.
"""

from rest_framework import serializers

from complaints.api.serializers import resolve_rules, resolve_sanction_type, resolve_users
from complaints.models import Appeal, Case, Decision
from complaints.services.cases import Finding, SanctionSpec
from complaints.workflow import Action
from core.fields import (
    DB_INT_MAX,
    TEXT_MAX,
    NoUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from members.models import Member


class SanctionInputSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    code = StrictCharField(max_length=40)
    duration_days = StrictIntegerField(min_value=1, max_value=36_500, required=False, allow_null=True, default=None)
    conditions = StrictCharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")

    def validate_code(self, value):
        return resolve_sanction_type(value)


def _specs(items) -> list[SanctionSpec]:
    return [SanctionSpec(i["code"], i["duration_days"], i["conditions"]) for i in items]


class FindingSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    rule = StrictCharField(max_length=20)
    breached = StrictBooleanField()


class ActionSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    """Common to every action: which action, and the case version the caller read."""

    action = serializers.ChoiceField(choices=[(a.value, a.value) for a in Action])
    version = StrictIntegerField(min_value=1, max_value=DB_INT_MAX)

    def service_kwargs(self, case: Case) -> dict:
        return {}


class OpenInvestigationSerializer(ActionSerializer):
    investigator = StrictCharField(max_length=150)

    def service_kwargs(self, case):
        try:
            return {"investigator": resolve_users([self.validated_data["investigator"]])[0]}
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"investigator": exc.detail}) from None


class DismissSerializer(ActionSerializer):
    reason_code = serializers.ChoiceField(choices=Case.DismissReason.choices)
    reason = StrictCharField(max_length=TEXT_MAX)

    def service_kwargs(self, case):
        return {"reason_code": self.validated_data["reason_code"], "reason": self.validated_data["reason"]}


class ResolveInformallySerializer(ActionSerializer):
    sanction = StrictCharField(max_length=40)
    conditions = StrictCharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    reasons = StrictCharField(max_length=TEXT_MAX)

    def validate_sanction(self, value):
        return resolve_sanction_type(value)

    def service_kwargs(self, case):
        d = self.validated_data
        return {"sanction": SanctionSpec(d["sanction"], None, d["conditions"]), "reasons": d["reasons"]}


class IssueNoticeSerializer(ActionSerializer):
    allegations = StrictCharField(max_length=TEXT_MAX)
    rules = serializers.ListField(child=StrictCharField(max_length=20), min_length=1, max_length=50)
    response_due = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def service_kwargs(self, case):
        d = self.validated_data
        try:
            rules = resolve_rules(d["rules"], case.complaint.incident_date)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"rules": exc.detail}) from None
        return {"allegations": d["allegations"], "rules": rules, "response_due": d["response_due"]}


class RecordResponseSerializer(ActionSerializer):
    text = StrictCharField(max_length=TEXT_MAX)

    def service_kwargs(self, case):
        return {"text": self.validated_data["text"]}


class SetAppealPanelSerializer(ActionSerializer):
    panel = serializers.ListField(child=StrictCharField(max_length=150), min_length=1, max_length=10)

    def service_kwargs(self, case):
        try:
            return {"panel": resolve_users(self.validated_data["panel"])}
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"panel": exc.detail}) from None


class ReferToPanelSerializer(SetAppealPanelSerializer):
    report = StrictCharField(max_length=TEXT_MAX)

    def service_kwargs(self, case):
        return {**super().service_kwargs(case), "report": self.validated_data["report"]}


class DecideSerializer(ActionSerializer):
    findings = FindingSerializer(many=True, max_length=50)
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    sanctions = SanctionInputSerializer(many=True, required=False, default=list, max_length=10)
    reasons = StrictCharField(max_length=TEXT_MAX)
    departure_reason = StrictCharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")

    def service_kwargs(self, case):
        """Rule codes become rules (those charged, else the code in force); whether they match the charge is
        the service's rule."""
        d = self.validated_data
        codes = [f["rule"] for f in d["findings"]]
        rules = {r.code: r for r in case.rules_charged.all()}
        others = [c for c in codes if c not in rules]
        if others:
            try:
                rules.update({r.code: r for r in resolve_rules(others, case.complaint.incident_date)})
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"findings": exc.detail}) from None
        return {
            "findings": [Finding(rules[f["rule"]], f["breached"]) for f in d["findings"]],
            "outcome": d["outcome"],
            "sanctions": _specs(d["sanctions"]),
            "reasons": d["reasons"],
            "departure_reason": d["departure_reason"],
        }


class LodgeAppealSerializer(ActionSerializer):
    grounds = StrictCharField(max_length=TEXT_MAX)

    def service_kwargs(self, case):
        return {"grounds": self.validated_data["grounds"]}


class DecideAppealSerializer(ActionSerializer):
    outcome = serializers.ChoiceField(choices=Appeal.Outcome.choices)
    reasons = StrictCharField(max_length=TEXT_MAX)
    sanctions = SanctionInputSerializer(many=True, required=False, default=list, max_length=10)

    def service_kwargs(self, case):
        d = self.validated_data
        return {"outcome": d["outcome"], "reasons": d["reasons"], "sanctions": _specs(d["sanctions"])}


class ContinueWithoutResponseSerializer(ActionSerializer):
    pass


class ConfirmDecisionSerializer(ActionSerializer):
    pass


class CloseSerializer(ActionSerializer):
    pass


class PoliceReferralInputSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    force = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    unit = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    crime_reference = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    referred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    not_referred_reason = StrictCharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    version = StrictIntegerField(min_value=1, max_value=DB_INT_MAX, required=False, allow_null=True, default=None)

    def service_kwargs(self, case):
        d = self.validated_data
        return {k: d[k] for k in ("force", "unit", "crime_reference", "referred_at", "not_referred_reason")}


class InterimSuspensionInputSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    reason = StrictCharField(max_length=TEXT_MAX)
    version = StrictIntegerField(min_value=1, max_value=DB_INT_MAX, required=False, allow_null=True, default=None)

    def service_kwargs(self, case):
        return {"reason": self.validated_data["reason"]}


class InterimReviewInputSerializer(InterimSuspensionInputSerializer):
    """`{"continue": bool, "reason"}`: continue the suspension (next review in 4 weeks) or lift it."""

    def service_kwargs(self, case):
        return {"keep": self.validated_data["continue"], "reason": self.validated_data["reason"]}


# `continue` is a Python keyword, so the field is declared this way.
InterimReviewInputSerializer._declared_fields["continue"] = StrictBooleanField(
    help_text="true: continue the suspension; false: lift it."
)


class CaseOpenSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    """`{"respondent": membership number}`: open a case on the complaint for a member identified after filing."""

    respondent = StrictCharField(max_length=20)

    def validate_respondent(self, value):
        member = Member.objects.filter(membership_number=value).first()
        if member is None:
            raise serializers.ValidationError("No member with that membership number.")
        return member
