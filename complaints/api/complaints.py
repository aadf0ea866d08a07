"""Complaints and their evidence: members file and follow them, staff read them in scope."""

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors
from complaints.api import intake
from complaints.api import serializers as s
from complaints.models import Evidence
from complaints.services.complaints import audit_complaint_read, complaint_file
from complaints.services.evidence import evidence_upload
from complaints.services.evidence.jobs import upload_job_create
from core import roles
from core.errors import ValidationError
from core.idempotency import idempotent
from core.permissions import role_permission
from core.throttling import ScopedRateThrottle, spend_budget

# What an upload found about who the senders are: for staff only.
MEMBERSHIP_FIGURES = ("attributed", "cases_opened")


def _with_evidence_count(qs):
    counts = (
        Evidence.objects.filter(complaint=OuterRef("pk"))
        .order_by()
        .values("complaint")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(evidence_count=Coalesce(Subquery(counts), 0))


class ComplaintListCreateApi(generics.ListAPIView):
    """GET: the caller's complaints (staff: all in scope). POST: a member files a complaint."""

    serializer_class = s.ComplaintSerializer
    throttle_scope = "filing"

    def get_throttles(self):
        if self.request.method == "POST":
            return [ScopedRateThrottle()]
        return []

    def get_queryset(self):
        return _with_evidence_count(selectors.complaint_list(user=self.request.user)).prefetch_related("rules")

    @extend_schema(
        request=s.ComplaintCreateSerializer,
        responses={201: s.ComplaintCreatedSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="A retry with the same key returns the first answer.",
            )
        ],
    )
    def post(self, request):
        if not roles.has_role(request.user, roles.MEMBER):
            return Response({"detail": "Only a member can file a complaint."}, status=status.HTTP_403_FORBIDDEN)

        def handler():
            data = s.ComplaintCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            complaint = complaint_file(actor=request.user, **data.validated_data)
            return Response(s.ComplaintCreatedSerializer(complaint).data, status=status.HTTP_201_CREATED)

        return idempotent(request, "complaints.file", handler)


class ComplaintDetailApi(APIView):
    """One complaint in the caller's scope (404 otherwise)."""

    @extend_schema(responses=s.ComplaintSerializer)
    def get(self, request, reference):
        complaint = selectors.complaint_get(user=request.user, reference=reference)
        audit_complaint_read(complaint=complaint, actor=request.user, via="api", what="complaint")
        complaint.evidence_count = selectors.evidence_list(complaint=complaint).count()
        return Response(s.ComplaintSerializer(complaint).data)


class UploadFormatNegotiation(DefaultContentNegotiation):
    """On an upload, `?format=` names the format of the file sent, not of the answer (always JSON)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if request.method != "POST":
            return super().select_renderer(request, renderers, format_suffix)
        for renderer in renderers:
            if renderer.format == "json":
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)


class ComplaintEvidenceListApi(generics.ListAPIView):
    """GET: the evidence of one complaint, paginated (the complainant never sees attribution).
    POST: a bulk upload (JSON array, or a multipart `file` in any format `intake.read_rows` reads),
    atomic unless `skip_invalid=true`; a file past the synchronous limits is read by a job (202)."""

    parser_classes = [intake.EvidenceJSONParser, MultiPartParser]
    content_negotiation_class = UploadFormatNegotiation

    def get_serializer_class(self):
        if roles.has_role(self.request.user, roles.OFFICER) or roles.has_role(self.request.user, roles.AUDITOR):
            return s.StaffEvidenceSerializer
        return s.EvidenceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Evidence.objects.none()
        complaint = selectors.complaint_get(user=self.request.user, reference=self.kwargs["reference"])
        if self.request.method == "GET":
            audit_complaint_read(complaint=complaint, actor=self.request.user, via="api", what="evidence")
        return selectors.evidence_list(complaint=complaint).select_related("case")

    @extend_schema(
        request={
            "application/json": s.EvidenceItemSerializer(many=True),
            "multipart/form-data": s.EvidenceFileSerializer,
        },
        parameters=[
            OpenApiParameter("skip_invalid", bool, description="Store the valid rows and report the rejected ones."),
            OpenApiParameter(
                "format",
                str,
                enum=list(intake.FORMATS),
                description="The file's format; detected from its content when left out.",
            ),
            OpenApiParameter("mapping", str, description="A call log: the saved column mapping to read it with."),
            OpenApiParameter("owner_id", str, description="An X archive: its owner's numeric account id."),
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            201: s.UploadResultSerializer,
            202: s.UploadJobStartedSerializer,
            400: s.UploadResultSerializer,
            413: None,
        },
    )
    def post(self, request, reference):
        intake.check_size(request)
        complaint = selectors.complaint_get(user=request.user, reference=reference)
        skip_invalid = request.query_params.get("skip_invalid", "false").lower() in ("true", "1", "yes")

        staff = bool(roles.user_roles(request.user) & set(roles.STAFF_ROLES))

        def answer(body: dict) -> dict:
            # Whether a sender is a member is political-opinion data: members never learn it here.
            return body if staff else {k: v for k, v in body.items() if k not in MEMBERSHIP_FIGURES}

        def handler():
            source = intake.file_upload(request)
            if source is not None and source.size > settings.CONDUCT["EVIDENCE_MAX_BYTES"]:
                return background(source)
            try:
                rows = intake.read_rows(request, source)
            except intake.TooManyItems:
                if source is None:
                    raise
                return background(source)
            if not staff:
                spend_budget(
                    f"evidence-items:{request.user.pk}", len(rows), settings.CONDUCT["MEMBER_UPLOAD_ITEMS_PER_HOUR"]
                )
            items, rejected = intake.validate_rows(rows)
            if rejected and not skip_invalid:
                body = {
                    "detail": f"{len(rejected)} row(s) are invalid; nothing was stored.",
                    "received": len(rows),
                    "created": 0,
                    "duplicates": 0,
                    "rejected": rejected,
                    "attributed": 0,
                    "threats": 0,
                    "cases_opened": 0,
                }
                return Response(answer(body), status=status.HTTP_400_BAD_REQUEST)
            result = evidence_upload(complaint=complaint, items=items, rejected=rejected, actor=request.user)
            return Response(answer(result.as_dict()), status=status.HTTP_201_CREATED)

        def background(source):
            # Past the synchronous limits: kept in storage and read by a job (202; GET status_url).
            limit = settings.CONDUCT["EVIDENCE_JOB_MAX_BYTES"]
            if source.size > limit:
                raise intake.PayloadTooLarge(f"The file is larger than {limit // (1024 * 1024)} MiB.")
            if source.format not in intake.BACKGROUND_FORMATS:
                raise intake.PayloadTooLarge(
                    f"A {source.format} file is read whole, so it must stay within the synchronous limits "
                    f"({settings.CONDUCT['EVIDENCE_MAX_BYTES'] // (1024 * 1024)} MiB)."
                )
            job = upload_job_create(complaint=complaint, actor=request.user, source=source, skip_invalid=skip_invalid)
            body = {"job": str(job.pk), "status_url": reverse("upload-job", kwargs={"job_id": job.pk})}
            return Response(body, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, f"evidence.upload:{complaint.pk}", handler)


class ComplaintSendersApi(APIView):
    """Officers only: the complaint's senders ranked by threats then volume, members and others apart."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="Senders per list (default 100, at most 1000).")],
        responses=s.SenderRankingSerializer,
    )
    def get(self, request, reference):
        complaint = selectors.complaint_get(user=request.user, reference=reference)
        audit_complaint_read(complaint=complaint, actor=request.user, via="api", what="senders")
        try:
            limit = int(request.query_params.get("limit", 100))
        except ValueError:
            raise ValidationError("Must be a whole number.", field="limit") from None
        if not 1 <= limit <= 1000:
            raise ValidationError("Must be between 1 and 1000.", field="limit")
        return Response(s.SenderRankingSerializer(selectors.sender_ranking(complaint=complaint, limit=limit)).data)
