"""Input serializers validate shape and resolve names to objects (400 when unknown); output
serializers shape responses. No business rule lives here: the services hold them."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints import guards, selectors, workflow
from complaints.api import intake
from complaints.models import Case, Decision, Evidence, Sanction
from conduct.models import Rule, SanctionType, rules_in_force
from core.fields import (
    TEXT_MAX,
    NoUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
)
from members.normalise import PLATFORMS

User = get_user_model()


# --- Resolving names -------------------------------------------------------------------


def resolve_rules(codes: list[str], on_date) -> list[Rule]:
    """Rule codes -> rules of the code version in force on `on_date` (the incident date)."""
    rules = {r.code: r for r in rules_in_force(on_date).select_related("category").filter(code__in=codes)}
    unknown = [c for c in codes if c not in rules]
    if unknown:
        raise serializers.ValidationError(
            f"Unknown rule code(s) for the code in force on {on_date or 'today'}: {', '.join(unknown)}."
        )
    return [rules[c] for c in dict.fromkeys(codes)]


def resolve_users(usernames: list[str]) -> list:
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    unknown = [u for u in usernames if u not in users]
    if unknown:
        raise serializers.ValidationError(f"Unknown username(s): {', '.join(unknown)}.")
    return [users[u] for u in usernames]


def resolve_sanction_type(code: str) -> SanctionType:
    st = SanctionType.objects.filter(code=code).first()
    if st is None:
        raise serializers.ValidationError(f"Unknown sanction code '{code}'.")
    return st


# --- Input: filing ------------------------------------------------------------------------


class EvidenceItemSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    channel = serializers.ChoiceField(choices=Evidence.Channel.choices)
    author_handle = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
    author_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    author_email = StrictCharField(max_length=254, required=False, allow_blank=True, default="")
    author_phone = StrictCharField(max_length=40, required=False, allow_blank=True, default="")
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    text = StrictCharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="", trim_whitespace=False)
    occurred_at = serializers.DateTimeField()

    def to_internal_value(self, data):
        """One validator for an evidence row, whatever the format: `intake.validate_row` (the fields above
        describe the row for the schema)."""
        item, errors = intake.validate_row(data)
        if errors:
            raise serializers.ValidationError(errors)
        return item


class RespondentSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    """One of {membership_number}, {platform, handle}, {email}, {phone}, {name}."""

    membership_number = StrictCharField(max_length=20, required=False)
    platform = serializers.ChoiceField(choices=[(p, p) for p in PLATFORMS], required=False)
    handle = StrictCharField(max_length=300, required=False)
    email = serializers.EmailField(max_length=254, required=False)
    phone = StrictCharField(max_length=40, required=False)
    name = StrictCharField(max_length=200, required=False)

    def validate(self, attrs):
        given = {k for k, v in attrs.items() if v}
        allowed = [{"membership_number"}, {"platform", "handle"}, {"email"}, {"phone"}, {"name"}]
        if given not in allowed:
            raise serializers.ValidationError(
                "Give one of: membership_number; platform and handle; email; phone; name."
            )
        return attrs


class ComplaintCreateSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    summary = StrictCharField(max_length=200)
    description = StrictCharField(max_length=TEXT_MAX)
    incident_date = serializers.DateField(required=False, allow_null=True, default=None)
    rules = serializers.ListField(child=StrictCharField(max_length=20), required=False, default=list, max_length=50)
    complainant_is_target = StrictBooleanField(required=False, default=True)
    share_identity_with_respondent = StrictBooleanField(required=False, default=False)
    respondents = RespondentSerializer(many=True, required=False, default=list, max_length=100)
    evidence = EvidenceItemSerializer(many=True, required=False, default=list, max_length=1000)

    def validate_incident_date(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError("Cannot be in the future.")
        if value and value.year < 1990:
            raise serializers.ValidationError("Is implausibly early.")
        return value

    def validate(self, attrs):
        try:
            attrs["rules"] = resolve_rules(attrs["rules"], attrs.get("incident_date"))
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"rules": exc.detail}) from None
        return attrs


# --- Input: case actions --------------------------------------------------------------


class ResponseInputSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    text = StrictCharField(max_length=TEXT_MAX)


class AppealInputSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    grounds = StrictCharField(max_length=TEXT_MAX)


# --- Output -----------------------------------------------------------------------------


def case_outcome(case: Case) -> str | None:
    """What the complainant is told: dismissed, upheld or not upheld (after any appeal), or nothing yet."""
    if case.status == Case.Status.DISMISSED:
        return "dismissed"
    decisions = list(case.decisions.all())
    if not decisions or not decisions[-1].in_effect:
        return None
    return decisions[-1].outcome


class CaseBriefSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()


class ComplaintCaseSerializer(CaseBriefSerializer):
    outcome = serializers.SerializerMethodField()

    def get_outcome(self, case) -> str | None:
        return case_outcome(case)


class ComplaintCreatedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    cases = CaseBriefSerializer(many=True, source="cases.all")


class ComplaintSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.CharField()
    incident_date = serializers.DateField()
    submitted_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField()
    evidence_count = serializers.IntegerField()
    rules = serializers.SerializerMethodField()
    cases = ComplaintCaseSerializer(many=True, source="cases.all")

    def get_rules(self, complaint) -> list[str]:
        return [r.code for r in complaint.rules.all()]


class EvidenceSerializer(serializers.ModelSerializer):
    severity = serializers.CharField(source="get_severity_display")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "channel",
            "author_handle",
            "author_name",
            "author_email",
            "author_phone",
            "url",
            "text",
            "occurred_at",
            "categories",
            "severity",
        ]


class StaffEvidenceSerializer(EvidenceSerializer):
    member = serializers.CharField(source="member.membership_number", default=None)
    case = serializers.CharField(source="case.reference", default=None)

    class Meta(EvidenceSerializer.Meta):
        fields = EvidenceSerializer.Meta.fields + ["member", "case", "sender_key"]


class MemberBriefSerializer(serializers.Serializer):
    membership_number = serializers.CharField()
    name = serializers.CharField()


class SanctionBriefSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="sanction_type.code")
    status = serializers.SerializerMethodField()

    class Meta:
        model = Sanction
        fields = [
            "id",
            "code",
            "level",
            "duration_days",
            "conditions",
            "status",
            "imposed_on",
            "starts_on",
            "ends_on",
            "revoked_on",
            "departed_from_guidance",
        ]

    def get_status(self, sanction) -> str:
        return sanction.effective_status(timezone.localdate())


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username")
    confirmed_by = serializers.CharField(source="confirmed_by.username", default=None)
    awaiting_confirmation = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "informal",
            "outcome",
            "findings",
            "reasons",
            "departure_reason",
            "departed_from_guidance",
            "guidance",
            "decided_by",
            "decided_at",
            "needs_confirmation",
            "confirmed_by",
            "confirmed_at",
            "awaiting_confirmation",
        ]

    def get_awaiting_confirmation(self, decision) -> bool:
        return decision.needs_confirmation and decision.confirmed_at is None


class AppealBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    grounds = serializers.CharField()
    lodged_at = serializers.DateTimeField()
    outcome = serializers.CharField(allow_blank=True)
    reasons = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None)
    decided_at = serializers.DateTimeField()
    needs_confirmation = serializers.BooleanField()
    confirmed_by = serializers.CharField(source="confirmed_by.username", default=None)
    confirmed_at = serializers.DateTimeField()
    awaiting_confirmation = serializers.BooleanField()


class AwaitingConfirmationSerializer(serializers.Serializer):
    """What awaits a second panel member's confirmation on a case, and who may give it."""

    of = serializers.ChoiceField(choices=[("decision", "decision"), ("appeal", "appeal")])
    id = serializers.IntegerField()
    decided_by = serializers.CharField()
    decided_at = serializers.DateTimeField()
    confirm_by = serializers.ListField(child=serializers.CharField(), help_text="Usernames who may confirm.")


class CaseListSerializer(serializers.ModelSerializer):
    severity = serializers.CharField(source="get_severity_display")
    respondent = MemberBriefSerializer()
    complaint = serializers.CharField(source="complaint.reference")
    assigned_to = serializers.CharField(source="assigned_to.username", default=None)

    class Meta:
        model = Case
        fields = [
            "reference",
            "status",
            "version",
            "severity",
            "respondent",
            "complaint",
            "evidence_count",
            "threat_count",
            "assigned_to",
            "opened_at",
        ]


class CaseDetailSerializer(CaseListSerializer):
    categories = serializers.SerializerMethodField()
    campaigns = serializers.SerializerMethodField()
    rules_charged = serializers.SerializerMethodField()
    panel = serializers.SerializerMethodField()
    appeal_panel = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, source="decisions.all")
    sanctions = SanctionBriefSerializer(many=True, source="sanctions.all")
    police_referrals = serializers.SerializerMethodField()
    interim_suspension = serializers.SerializerMethodField()
    appeals = serializers.SerializerMethodField()
    awaiting_confirmation = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "categories",
            "campaigns",
            "rules_charged",
            "allegations",
            "response_due",
            "response_lapsed",
            "report",
            "panel",
            "appeal_panel",
            "deadlines",
            "allowed_actions",
            "decisions",
            "sanctions",
            "appeals",
            "awaiting_confirmation",
            "police_referrals",
            "interim_suspension",
            "dismiss_reason_code",
            "dismiss_reason",
            "decided_at",
            "closed_at",
        ]

    def get_categories(self, case) -> list[str]:
        return sorted(c.code for c in case.categories.all())

    def get_campaigns(self, case) -> list[dict]:
        ids = set(case.evidence.exclude(campaign=None).values_list("campaign_id", flat=True).distinct())
        return [
            {"id": c.pk, "text": c.sample_text, "senders": c.senders}
            for c in case.complaint.campaigns.all()
            if c.pk in ids
        ]

    def get_rules_charged(self, case) -> list[str]:
        return sorted(r.code for r in case.rules_charged.all())

    def get_panel(self, case) -> list[str]:
        return sorted(u.username for u in case.panel.all())

    def get_appeal_panel(self, case) -> list[str]:
        return sorted(u.username for u in case.appeal_panel.all())

    def get_deadlines(self, case) -> dict:
        return {k: (v.isoformat() if v else None) for k, v in selectors.case_deadlines(case).items()}

    def get_allowed_actions(self, case) -> list[str]:
        return workflow.allowed_actions(case, self.context["request"].user)

    def get_police_referrals(self, case) -> list[dict]:
        return [
            {
                "force": p.force,
                "unit": p.unit,
                "crime_reference": p.crime_reference,
                "referred_at": p.referred_at,
                "not_referred_reason": p.not_referred_reason,
                "recorded_at": p.recorded_at,
            }
            for p in case.police_referrals.all()
        ]

    def get_interim_suspension(self, case) -> dict | None:
        open_ = list(case.interim_suspensions.all())
        if not open_:
            return None
        return InterimSuspensionSerializer(open_[0]).data

    @extend_schema_field(AppealBriefSerializer(many=True))
    def get_appeals(self, case) -> list[dict]:
        appeals = case.appeals.select_related("decided_by", "confirmed_by").order_by("lodged_at", "pk")
        return AppealBriefSerializer(appeals, many=True).data

    @extend_schema_field(AwaitingConfirmationSerializer(allow_null=True))
    def get_awaiting_confirmation(self, case) -> dict | None:
        pending = guards.awaiting_confirmation(case)
        if pending is None:
            return None
        return AwaitingConfirmationSerializer(
            {
                "of": "appeal" if case.status == Case.Status.APPEAL else "decision",
                "id": pending.pk,
                "decided_by": pending.decided_by.username,
                "decided_at": pending.decided_at,
                "confirm_by": sorted(u.username for u in guards.confirmers(case)),
            }
        ).data


class AllegationSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    rules = serializers.SerializerMethodField()
    allegations = serializers.CharField()
    evidence = EvidenceSerializer(many=True, source="evidence.all")
    response_due = serializers.DateTimeField()
    response_lapsed = serializers.BooleanField(help_text="The deadline passed and the case went on without a response.")
    decision = serializers.SerializerMethodField()
    appeal_due = serializers.SerializerMethodField()
    appeal = serializers.SerializerMethodField()
    complainant = serializers.SerializerMethodField()

    def get_rules(self, case) -> list[dict]:
        return [{"code": r.code, "title": r.title} for r in case.rules_charged.all()]

    def _decision(self, case):
        decisions = list(case.decisions.all())
        return decisions[-1] if decisions else None

    def get_decision(self, case) -> dict | None:
        d = self._decision(case)
        if d is None:
            return None
        return {
            "outcome": d.outcome,
            "findings": d.findings,
            "reasons": d.reasons,
            "decided_at": d.decided_at,
            "in_effect": d.in_effect,
            "sanctions": SanctionBriefSerializer(d.sanctions.all(), many=True).data,
        }

    def get_appeal_due(self, case) -> dt.datetime | None:
        d = self._decision(case)
        return d.appeal_due if d is not None and d.outcome == Decision.Outcome.UPHELD else None

    def get_appeal(self, case) -> dict | None:
        appeals = list(case.appeals.all())
        if not appeals:
            return None
        a = appeals[-1]
        return {
            "grounds": a.grounds,
            "lodged_at": a.lodged_at,
            "outcome": a.outcome or None,
            "reasons": a.reasons,
            "decided_at": a.decided_at,
            "in_effect": bool(a.outcome) and not a.awaiting_confirmation,
        }

    def get_complainant(self, case) -> dict | None:
        complaint = case.complaint
        if not complaint.share_identity_with_respondent or complaint.complainant is None:
            return None
        return {"name": complaint.complainant.name}


class ResponseSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.reference")
    text = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class AppealSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.reference")
    grounds = serializers.CharField()
    lodged_at = serializers.DateTimeField()
    appeal_due = serializers.DateTimeField(source="decision.appeal_due")


class EvidenceFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with a header row, or NDJSON (one JSON object a line).")


class RejectedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1-based position of the item (CSV: data rows after the header).")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class UploadResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = RejectedRowSerializer(many=True)
    attributed = serializers.IntegerField()
    threats = serializers.IntegerField()
    cases_opened = serializers.IntegerField()


class SenderSerializer(serializers.Serializer):
    sender = serializers.CharField(allow_null=True, help_text="The sender's normalised handle, e-mail or phone.")
    kind = serializers.CharField(allow_null=True)
    platform = serializers.CharField(allow_null=True)
    member = MemberBriefSerializer(allow_null=True)
    items = serializers.IntegerField()
    threats = serializers.IntegerField()
    first_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()


class SenderRankingSerializer(serializers.Serializer):
    """Internal to officers: never published."""

    members = SenderSerializer(many=True)
    non_members = SenderSerializer(many=True)


class PoliceReferralSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.reference")
    force = serializers.CharField()
    unit = serializers.CharField()
    crime_reference = serializers.CharField()
    referred_at = serializers.DateTimeField()
    not_referred_reason = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()


class InterimSuspensionSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.reference")
    member = serializers.CharField(source="member.membership_number")
    reason = serializers.CharField()
    imposed_by = serializers.CharField(source="imposed_by.username")
    imposed_at = serializers.DateTimeField()
    next_review_due = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField()
    lift_reason = serializers.CharField()
    review_overdue = serializers.SerializerMethodField()
    long_running = serializers.SerializerMethodField()

    def get_review_overdue(self, suspension) -> bool:
        return suspension.review_overdue(timezone.now())

    def get_long_running(self, suspension) -> bool:
        return suspension.long_running(timezone.now())
