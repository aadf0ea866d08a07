"""Complaints and their evidence: filing, the complaint as its complainant sees it, evidence uploads and senders."""

from django.utils import timezone
from rest_framework import serializers

from complaints.api import intake
from complaints.api.serializers.cases import MemberBriefSerializer
from complaints.api.serializers.resolve import resolve_rules
from complaints.models import Case, Evidence, UploadJob
from core.fields import (
    TEXT_MAX,
    NoUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
)
from members.normalise import PLATFORMS

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
    target_names = serializers.ListField(
        child=StrictCharField(max_length=200),
        required=False,
        max_length=20,
        help_text="Names the evidence may call the target by. Default, when the complainant is the target: "
        "the complainant's first, last and full name.",
    )
    target_pronouns = serializers.ListField(
        child=StrictCharField(max_length=20),
        required=False,
        default=list,
        max_length=10,
        help_text='The target\'s pronouns, e.g. ["she", "her"].',
    )

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


# --- Output: the complaint -------------------------------------------------------------


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


# --- Evidence ---------------------------------------------------------------------------


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
    attributed = serializers.IntegerField(required=False, help_text="Staff only: items whose sender is a member.")
    threats = serializers.IntegerField()
    cases_opened = serializers.IntegerField(required=False, help_text="Staff only: cases the upload opened.")


class UploadJobStartedSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    status_url = serializers.CharField(help_text="`GET` it for the job's status, progress and result.")


class UploadJobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Rows read and checked.")
    total = serializers.IntegerField(allow_null=True, help_text="Rows in the file, once all are read.")


class UploadJobSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=UploadJob.Status.choices)
    progress = UploadJobProgressSerializer()
    result = UploadResultSerializer(
        allow_null=True,
        help_text="Done: the 201 body. Failed: `detail` says why (with the rejected rows, as a 400 lists them).",
    )


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
