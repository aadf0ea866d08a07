"""Cases as staff see them (list and detail), and the measures beside the workflow."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints import guards, selectors, workflow
from complaints.api.serializers.decisions import (
    AppealBriefSerializer,
    AwaitingConfirmationSerializer,
    DecisionSerializer,
    SanctionBriefSerializer,
)
from complaints.models import Case


class MemberBriefSerializer(serializers.Serializer):
    membership_number = serializers.CharField()
    name = serializers.CharField()


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
