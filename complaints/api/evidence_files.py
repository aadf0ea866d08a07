"""Native files of evidence items (upload and scoped, audited download) and call-log column mappings."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors
from complaints.models import EvidenceFile, EvidenceMapping
from complaints.services.complaints import audit_complaint_read
from complaints.services.evidence.files import (
    evidence_file_attach,
    evidence_file_read,
    evidence_mapping_create,
    may_add_evidence,
)
from core import roles
from core.errors import NotFound, PermissionDenied
from core.permissions import role_permission


class EvidenceFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class EvidenceFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = ["id", "sha256", "size", "content_type"]


def _evidence(request, reference: str, pk: int):
    complaint = selectors.complaint_get(user=request.user, reference=reference)
    evidence = selectors.evidence_list(complaint=complaint).filter(pk=pk).first()
    if evidence is None:
        raise NotFound("No evidence item with that id on this complaint.")
    return complaint, evidence


class EvidenceFileCreateApi(APIView):
    """The complaint's owner or an officer attaches a native file to an item: its type read from the content."""

    parser_classes = [MultiPartParser, JSONParser]  # JSON only to say, in words, that a `file` is needed

    @extend_schema(
        request={"multipart/form-data": EvidenceFileUploadSerializer}, responses={201: EvidenceFileSerializer}
    )
    def post(self, request, reference, pk):
        complaint, evidence = _evidence(request, reference, pk)
        if not may_add_evidence(complaint, request.user):
            raise PermissionDenied("Only the complainant or an officer can add files to evidence.")
        data = EvidenceFileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = evidence_file_attach(evidence=evidence, upload=data.validated_data["file"], actor=request.user)
        return Response(EvidenceFileSerializer(record).data, status=status.HTTP_201_CREATED)


class EvidenceFileDownloadApi(APIView):
    """A native file, to whoever may read the complaint's evidence; every download is audited."""

    def perform_content_negotiation(self, request, force=False):
        # The file is sent as it is stored whatever the client accepts; a refusal is JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, reference, pk, file_id):
        complaint, evidence = _evidence(request, reference, pk)
        record = (
            EvidenceFile.objects.filter(evidence=evidence, pk=file_id).select_related("evidence__complaint").first()
        )
        if record is None:
            raise NotFound("No file with that id on this evidence item.")
        audit_complaint_read(complaint=complaint, actor=request.user, via="api", what="file")
        evidence_file_read(record=record, actor=request.user)
        response = FileResponse(
            record.file.open("rb"), as_attachment=True, filename=record.name, content_type=record.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class EvidenceMappingSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceMapping
        fields = [
            "name",
            "description",
            "caller_column",
            "start_column",
            "start_format",
            "time_zone",
            "duration_column",
            "duration_unit",
            "direction_column",
            "status_column",
            "note_column",
        ]
        extra_kwargs = {"name": {"validators": []}}  # the service says why a name is taken


class EvidenceMappingListCreateApi(APIView):
    """Officers: the saved call-log column mappings (`?mapping=NAME` on an evidence upload), and a new one."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(responses=EvidenceMappingSerializer(many=True))
    def get(self, request):
        return Response(EvidenceMappingSerializer(EvidenceMapping.objects.order_by("name"), many=True).data)

    @extend_schema(request=EvidenceMappingSerializer, responses={201: EvidenceMappingSerializer})
    def post(self, request):
        data = EvidenceMappingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mapping = evidence_mapping_create(actor=request.user, **data.validated_data)
        return Response(EvidenceMappingSerializer(mapping).data, status=status.HTTP_201_CREATED)
