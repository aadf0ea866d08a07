"""Decisions, the sanctions they impose, appeals, and what awaits a second panel member's confirmation."""

from django.utils import timezone
from rest_framework import serializers

from complaints.models import Decision, Sanction


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
