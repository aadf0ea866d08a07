"""Auditors' view of the log: the events (JSON or CSV), the signed checkpoints and the chain's verification."""

import json

import django_filters
from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import selectors
from audit.events import audit_csv_export
from audit.models import AuditCheckpoint, AuditEvent
from audit.security import SecurityKind, security_event_list
from audit.services import audit_verify
from audit.signing import checkpoint_message, public_key_text, signature_check, trusted_keys
from core import roles
from core.csv import CSVExportMixin, CSVRenderer
from core.filters import OrderedRangeMixin
from core.pagination import IndexedPagination
from core.permissions import role_permission

AUDIT_READERS = role_permission(roles.AUDITOR)
RENDERERS = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]


class EventFilter(OrderedRangeMixin, django_filters.FilterSet):
    range_fields = ("after", "before")

    case = django_filters.CharFilter(field_name="case_ref", help_text="A case reference.")
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), to_field_name="username", help_text="A username."
    )
    action = django_filters.CharFilter(help_text="e.g. case.decide, case.read, evidence.ingest")
    after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lte")

    class Meta:
        model = AuditEvent
        fields = []


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name")
    object = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["seq", "at", "actor", "action", "object", "case_ref", "data", "prev_hash", "hash"]

    def get_object(self, event) -> str:
        return f"{event.object_type}:{event.object_id}"


class EventCSVSerializer(EventSerializer):
    """A CSV row: `data` is one JSON column, so every kind of event has the same columns."""

    data = serializers.SerializerMethodField()

    def get_data(self, event) -> str:
        return json.dumps(event.data, sort_keys=True, ensure_ascii=False)


def wants_csv(request) -> bool:
    return getattr(getattr(request, "accepted_renderer", None), "format", None) == "csv"


class EventListApi(CSVExportMixin, generics.ListAPIView):
    """Every write and staff read, oldest first; filters case, actor, action, after, before."""

    on_export = audit_csv_export

    permission_classes = [AUDIT_READERS]
    renderer_classes = RENDERERS
    serializer_class = EventSerializer
    filterset_class = EventFilter
    pagination_class = IndexedPagination
    csv_filename = "audit-events"

    def get_serializer_class(self):
        return EventCSVSerializer if wants_csv(self.request) else EventSerializer

    def get_queryset(self):
        return selectors.event_list()


class SecurityFilter(OrderedRangeMixin, django_filters.FilterSet):
    range_fields = ("after", "before")

    actor = django_filters.CharFilter(
        field_name="data__username", help_text="A username: the one tried at login, or the staff user refused."
    )
    kind = django_filters.ChoiceFilter(choices=[(k.value, k.value) for k in SecurityKind], method="filter_kind")
    after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lte")

    class Meta:
        model = AuditEvent
        fields = []

    def filter_kind(self, qs, name, value):
        return qs.filter(action=SecurityKind(value).action)


class SecurityEventSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="data.kind")
    username = serializers.CharField(source="data.username", default="")
    ip = serializers.CharField(source="data.ip", default="")
    via = serializers.CharField(source="data.via", default="")
    object = serializers.CharField(source="data.object", default="", help_text="read_refused: what was refused.")
    status = serializers.IntegerField(source="data.status", default=None, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["seq", "at", "kind", "username", "ip", "via", "object", "status", "data", "hash"]


class SecurityEventCSVSerializer(SecurityEventSerializer):
    """A CSV row: `data` is one JSON column."""

    data = serializers.SerializerMethodField()

    def get_data(self, event) -> str:
        return json.dumps(event.data, sort_keys=True, ensure_ascii=False)


class SecurityListApi(CSVExportMixin, generics.ListAPIView):
    """Failed logins, lockouts and refused staff reads, oldest first; filters after, before, actor, kind."""

    permission_classes = [AUDIT_READERS]
    renderer_classes = RENDERERS
    filterset_class = SecurityFilter
    pagination_class = IndexedPagination
    csv_filename = "security-events"

    def get_serializer_class(self):
        return SecurityEventCSVSerializer if wants_csv(self.request) else SecurityEventSerializer

    def get_queryset(self):
        return security_event_list()


class CheckpointSerializer(serializers.ModelSerializer):
    """A signed checkpoint, with the exact message signed and whether it holds against the keys and the log."""

    message = serializers.SerializerMethodField(help_text="The exact UTF-8 text the signature covers.")
    public_key = serializers.SerializerMethodField(help_text="The trusted public key (base64, raw) of key_id.")
    signature_ok = serializers.SerializerMethodField(help_text="The signature verifies with a trusted key.")
    head_in_log = serializers.SerializerMethodField(help_text="The log's stored hash at seq is the signed head.")
    verifies = serializers.SerializerMethodField(help_text="signature_ok and head_in_log; /verify/ recomputes.")

    class Meta:
        model = AuditCheckpoint
        fields = [
            "id",
            "seq",
            "head",
            "signed_at",
            "signature",
            "key_id",
            "public_key",
            "message",
            "signature_ok",
            "head_in_log",
            "verifies",
        ]

    def _message(self, checkpoint) -> bytes:
        return checkpoint_message(checkpoint.seq, checkpoint.head, checkpoint.signed_at)

    def get_message(self, checkpoint) -> str:
        return self._message(checkpoint).decode()

    def get_public_key(self, checkpoint) -> str:
        key = self.context["keys"].get(checkpoint.key_id)
        return public_key_text(key) if key is not None else ""

    def get_signature_ok(self, checkpoint) -> bool:
        message = self._message(checkpoint)
        return not signature_check(
            self.context["keys"], key=checkpoint.key_id, signature=checkpoint.signature, message=message
        )

    def get_head_in_log(self, checkpoint) -> bool:
        return checkpoint.stored_head == checkpoint.head

    def get_verifies(self, checkpoint) -> bool:
        return self.get_head_in_log(checkpoint) and self.get_signature_ok(checkpoint)


class CheckpointListApi(CSVExportMixin, generics.ListAPIView):
    """The signed checkpoints of the chain, oldest first, each with the message signed and whether it holds."""

    on_export = audit_csv_export

    permission_classes = [AUDIT_READERS]
    renderer_classes = RENDERERS
    serializer_class = CheckpointSerializer
    pagination_class = IndexedPagination
    csv_filename = "audit-checkpoints"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "keys": trusted_keys()}

    def get_queryset(self):
        return selectors.checkpoint_list()


class VerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="The chain and every checkpoint hold.")
    events = serializers.IntegerField()
    head = serializers.CharField()
    broken_seq = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    checkpoints = serializers.IntegerField(help_text="Signed checkpoints checked.")
    checkpoints_ok = serializers.BooleanField(help_text="Each verifies with a trusted key and matches the chain.")
    broken_checkpoint = serializers.IntegerField(allow_null=True, help_text="The id of the first that fails.")
    checkpoint_reason = serializers.CharField(allow_blank=True, help_text="Why it fails, or that none is signed.")


class VerifyApi(APIView):
    """Recompute the hash chain and check every signed checkpoint: `ok`, the number of intact events and the
    head, or the first broken seq; the checkpoints checked, or the first that fails."""

    permission_classes = [AUDIT_READERS]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(responses=VerifySerializer)
    def get(self, request):
        result = audit_verify()
        if getattr(request.accepted_renderer, "format", None) == "csv":
            audit_csv_export(request, "verify", 1, {})
        return Response(VerifySerializer(result).data)
