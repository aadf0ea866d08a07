"""The respondent's side of a case: the allegations and their outcome, a response, an appeal."""

import datetime as dt

from rest_framework import serializers

from complaints.api.serializers.complaints import EvidenceSerializer
from complaints.api.serializers.decisions import SanctionBriefSerializer
from complaints.models import Decision
from core.fields import TEXT_MAX, NoUnknownFieldsMixin, StrictCharField

# --- Input ------------------------------------------------------------------------------


class ResponseInputSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    text = StrictCharField(max_length=TEXT_MAX)


class AppealInputSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    grounds = StrictCharField(max_length=TEXT_MAX)


# --- Output -----------------------------------------------------------------------------


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
