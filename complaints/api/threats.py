"""Threats and the police, for officers: the complaint's threat register and clock, police-referral
decisions covering many senders, and officers' corrections of the machine's flags."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors, workflow
from complaints.models import Complaint, Evidence
from complaints.selectors.threats import referral_list, threat_register
from complaints.services.complaints import audit_complaint_read
from core import roles
from core.errors import NotFound
from core.fields import TEXT_MAX, NoUnknownFieldsMixin, StrictBooleanField, StrictCharField
from core.permissions import role_permission

Action = workflow.Action


def complaint_for_officer(request, reference: str) -> Complaint:
    """The complaint in the officer's scope: 404 when out of scope, and so when they are conflicted
    with any party to it (they must not learn what it holds)."""
    return selectors.complaint_get(user=request.user, reference=reference)


# --- input -------------------------------------------------------------------------------------


class SendersField(serializers.JSONField):
    """ "all", or a list of sender keys from the threat register."""

    def to_internal_value(self, data):
        if data == "all":
            return data
        if isinstance(data, list) and data and all(isinstance(k, str) for k in data):
            return data
        raise serializers.ValidationError('Give "all" or a list of sender keys from the threat register.')


class ComplaintPoliceReferralSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    force = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    unit = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    crime_reference = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    referred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    not_referred_reason = StrictCharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    senders = SendersField(required=False, default="all")


class ClassificationSerializer(NoUnknownFieldsMixin, serializers.Serializer):
    threat = StrictBooleanField()
    categories = serializers.ListField(child=StrictCharField(max_length=40), max_length=50)
    reason = StrictCharField(max_length=TEXT_MAX)


# --- output ------------------------------------------------------------------------------------


class ComplaintReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.reference", allow_null=True, default=None)
    force = serializers.CharField()
    unit = serializers.CharField()
    crime_reference = serializers.CharField()
    referred_at = serializers.DateTimeField(allow_null=True)
    not_referred_reason = serializers.CharField()
    senders = serializers.SerializerMethodField()
    items = serializers.IntegerField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()

    def get_senders(self, referral) -> list[str] | str:
        if referral.all_senders:
            return "all"
        return list(referral.sender_keys)


class ThreatMemberSerializer(serializers.Serializer):
    membership_number = serializers.CharField()
    name = serializers.CharField()


class ThreatSenderSerializer(serializers.Serializer):
    key = serializers.CharField()
    channel = serializers.CharField()
    handle = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    name = serializers.CharField()
    member = ThreatMemberSerializer(allow_null=True)
    threats = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="This sender's threat items no police-referral decision covers yet.")
    first_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()
    items = serializers.ListField(child=serializers.IntegerField())


class ThreatRegisterSerializer(serializers.Serializer):
    first_threat_received_at = serializers.DateTimeField(allow_null=True)
    referral_due = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    pending = serializers.IntegerField(help_text="Threat items no police-referral decision covers yet.")
    threats = serializers.IntegerField()
    supplementary = serializers.BooleanField(help_text="The running clock is for threats after an earlier decision.")
    referrals = ComplaintReferralSerializer(many=True)
    senders = ThreatSenderSerializer(many=True)


class ClassificationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    threat = serializers.BooleanField()
    categories = serializers.ListField(child=serializers.CharField())
    severity = serializers.CharField(source="get_severity_display")
    machine_threat = serializers.BooleanField()
    machine_categories = serializers.ListField(child=serializers.CharField())
    classified_by = serializers.CharField(source="classified_by.username")
    classified_at = serializers.DateTimeField()
    classification_reason = serializers.CharField()


# --- views -------------------------------------------------------------------------------------


class ComplaintThreatsApi(APIView):
    """Officers: every threat item on the complaint grouped by sender, member or not, with the
    police clock and the referral decisions made."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(responses=ThreatRegisterSerializer)
    def get(self, request, reference):
        complaint = complaint_for_officer(request, reference)
        audit_complaint_read(complaint=complaint, actor=request.user, via="api", what="threats")
        return Response(ThreatRegisterSerializer(threat_register(complaint=complaint)).data)


class ComplaintPoliceReferralApi(APIView):
    """Officers: record a police-referral decision covering some or all senders of threats."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(request=ComplaintPoliceReferralSerializer, responses={201: ComplaintReferralSerializer})
    def post(self, request, reference):
        complaint = complaint_for_officer(request, reference)
        data = ComplaintPoliceReferralSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = workflow.service_of(Action.COMPLAINT_POLICE_REFERRAL)(
            complaint=complaint, actor=request.user, **data.validated_data
        )
        referral = next(r for r in referral_list(complaint=complaint) if r.pk == referral.pk)
        return Response(ComplaintReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class EvidenceClassificationApi(APIView):
    """Officers: correct an item's threat flag and categories, with a reason kept in the audit log."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(request=ClassificationSerializer, responses=ClassificationResultSerializer)
    def post(self, request, pk):
        item = Evidence.objects.filter(pk=pk).select_related("complaint").first()
        if item is None:
            raise NotFound("No evidence with that id.")
        complaint_for_officer(request, item.complaint.reference)
        data = ClassificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        [item] = workflow.service_of(Action.CLASSIFY_EVIDENCE)(
            evidence_ids=[item.pk], actor=request.user, **data.validated_data
        )
        return Response(ClassificationResultSerializer(item).data)
