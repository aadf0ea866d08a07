from rest_framework import serializers

from conduct.models import GuidanceEntry, Rule, SanctionType


class RuleSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    severity = serializers.CharField(source="get_severity_display")
    version = serializers.IntegerField(source="code_version.version")

    class Meta:
        model = Rule
        fields = ["code", "title", "text", "category", "severity", "version"]


class SanctionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SanctionType
        fields = ["code", "name", "level", "max_duration_days", "fixed_term", "needs_full_panel", "bars_rejoining"]


class GuidanceSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    severity = serializers.CharField(source="get_severity_display")
    min_sanction = serializers.CharField(source="min_sanction.code")
    max_sanction = serializers.CharField(source="max_sanction.code")

    class Meta:
        model = GuidanceEntry
        fields = ["category", "severity", "prior_record", "min_sanction", "max_sanction"]
