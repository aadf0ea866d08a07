"""Thin API views: validate input, fetch through a selector (404 out of scope), call one service,
serialise the result."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors, workflow
from complaints.api import actions, intake
from complaints.api import serializers as s
from complaints.api.filters import CaseFilter
from complaints.models import Evidence
from complaints.services import cases as case_services
from complaints.services.complaints import complaint_file
from complaints.services.evidence import evidence_upload
from complaints.workflow import Action
from core import roles
from core.errors import ValidationError
from core.idempotency import idempotent
from core.permissions import role_permission


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
            from rest_framework.throttling import ScopedRateThrottle

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
        complaint.evidence_count = selectors.evidence_list(complaint=complaint).count()
        return Response(s.ComplaintSerializer(complaint).data)


class ComplaintEvidenceListApi(generics.ListAPIView):
    """GET: the evidence of one complaint, paginated (the complainant never sees attribution).
    POST: a bulk upload (JSON array, or multipart CSV/NDJSON `file`), atomic unless `skip_invalid=true`."""

    parser_classes = [JSONParser, MultiPartParser]

    def get_serializer_class(self):
        if roles.has_role(self.request.user, roles.OFFICER) or roles.has_role(self.request.user, roles.AUDITOR):
            return s.StaffEvidenceSerializer
        return s.EvidenceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Evidence.objects.none()
        complaint = selectors.complaint_get(user=self.request.user, reference=self.kwargs["reference"])
        return selectors.evidence_list(complaint=complaint).select_related("case")

    @extend_schema(
        request={
            "application/json": s.EvidenceItemSerializer(many=True),
            "multipart/form-data": s.EvidenceFileSerializer,
        },
        parameters=[
            OpenApiParameter("skip_invalid", bool, description="Store the valid rows and report the rejected ones."),
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={201: s.UploadResultSerializer, 400: s.UploadResultSerializer, 413: None},
    )
    def post(self, request, reference):
        intake.check_size(request)
        complaint = selectors.complaint_get(user=request.user, reference=reference)
        skip_invalid = request.query_params.get("skip_invalid", "false").lower() in ("true", "1", "yes")

        def handler():
            rows = intake.read_rows(request)
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
                return Response(body, status=status.HTTP_400_BAD_REQUEST)
            result = evidence_upload(complaint=complaint, items=items, rejected=rejected, actor=request.user)
            return Response(result.as_dict(), status=status.HTTP_201_CREATED)

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
        try:
            limit = int(request.query_params.get("limit", 100))
        except ValueError:
            raise ValidationError("Must be a whole number.", field="limit") from None
        if not 1 <= limit <= 1000:
            raise ValidationError("Must be between 1 and 1000.", field="limit")
        return Response(s.SenderRankingSerializer(selectors.sender_ranking(complaint=complaint, limit=limit)).data)


class CaseListApi(generics.ListAPIView):
    """The triage queue and case search for staff (`ordering=-severity` by default)."""

    serializer_class = s.CaseListSerializer
    filterset_class = CaseFilter
    permission_classes = [role_permission(roles.OFFICER, roles.PANEL, roles.AUDITOR)]

    def get_queryset(self):
        return selectors.case_queue(user=self.request.user)


class CaseDetailApi(APIView):
    """One case with its deadlines and the actions the caller may take now. Each read is audited."""

    @extend_schema(responses=s.CaseDetailSerializer)
    def get(self, request, reference):
        case = selectors.case_get(user=request.user, reference=reference)
        case_services.audit_case_read(case=case, actor=request.user, via="api")
        return Response(s.CaseDetailSerializer(case, context={"request": request}).data)


def take_action(request, case, action: Action, data) -> object:
    """Validate `data` with the action's registry serializer and call its service as the caller."""
    serializer = workflow.serializer_of(action)(data=data)
    serializer.is_valid(raise_exception=True)
    kwargs = serializer.service_kwargs(case)
    version = serializer.validated_data.get("version")
    return workflow.service_of(action)(case=case, actor=request.user, version=version, **kwargs)


class CasePoliceReferralApi(APIView):
    """Record a police-referral decision (a referral, or a reason not to refer). Never closes the case."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(request=actions.PoliceReferralInputSerializer, responses={201: s.PoliceReferralSerializer})
    def post(self, request, reference):
        case = selectors.case_get(user=request.user, reference=reference)
        referral = take_action(request, case, Action.POLICE_REFERRAL, request.data)
        return Response(s.PoliceReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class CaseInterimSuspensionApi(APIView):
    """Impose an interim suspension on the respondent (not a sanction; reviewed every 4 weeks)."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(request=actions.InterimSuspensionInputSerializer, responses={201: s.InterimSuspensionSerializer})
    def post(self, request, reference):
        case = selectors.case_get(user=request.user, reference=reference)
        suspension = take_action(request, case, Action.INTERIM_SUSPENSION_IMPOSE, request.data)
        return Response(s.InterimSuspensionSerializer(suspension).data, status=status.HTTP_201_CREATED)


class CaseInterimReviewApi(APIView):
    """Review the interim suspension: `continue` true keeps it (next review in 4 weeks), false lifts it."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(request=actions.InterimReviewInputSerializer, responses=s.InterimSuspensionSerializer)
    def post(self, request, reference):
        case = selectors.case_get(user=request.user, reference=reference)
        suspension = take_action(request, case, Action.INTERIM_SUSPENSION_REVIEW, request.data)
        return Response(s.InterimSuspensionSerializer(suspension).data)


# The workflow actions taken through /actions/ (measures have their own endpoints).
WORKFLOW_ACTIONS = [a for a, e in workflow.ACTIONS.items() if not e.measure and not e.on_complaint]
_ACTION_REQUEST = PolymorphicProxySerializer(
    component_name="CaseAction",
    serializers={a.value: workflow.serializer_of(a) for a in WORKFLOW_ACTIONS},
    resource_type_field_name="action",
)


class CaseActionApi(APIView):
    """Take one workflow action on a case. 400 bad fields, 403 role or person, 409 state or stale version."""

    permission_classes = [role_permission(roles.OFFICER, roles.PANEL)]

    @extend_schema(request=_ACTION_REQUEST, responses=s.CaseDetailSerializer)
    def post(self, request, reference):
        case = selectors.case_get(user=request.user, reference=reference)
        if not isinstance(request.data, dict):
            raise ValidationError("Send a JSON object.")
        action = request.data.get("action")
        if action not in WORKFLOW_ACTIONS:
            raise serializers.ValidationError(
                {"action": [f"Unknown action; one of: {', '.join(a.value for a in WORKFLOW_ACTIONS)}."]}
            )
        take_action(request, case, Action(action), request.data)
        case = selectors.case_get(user=request.user, reference=reference)
        return Response(s.CaseDetailSerializer(case, context={"request": request}).data)


class ComplaintCaseOpenApi(APIView):
    """An officer opens a case on a complaint for a member identified after filing (409 if one exists)."""

    permission_classes = [role_permission(roles.OFFICER)]

    @extend_schema(request=actions.CaseOpenSerializer, responses={201: s.CaseDetailSerializer})
    def post(self, request, reference):
        complaint = selectors.complaint_get(user=request.user, reference=reference)
        data = actions.CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = workflow.service_of(Action.OPEN_CASE)(
            complaint=complaint, respondent=data.validated_data["respondent"], actor=request.user
        )
        case = selectors.case_get(user=request.user, reference=case.reference)
        return Response(s.CaseDetailSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED)


class AllegationListApi(generics.ListAPIView):
    """The cases against the caller for which notice was issued."""

    serializer_class = s.AllegationSerializer

    def get_queryset(self):
        return selectors.allegation_list(user=self.request.user)


class AllegationResponseApi(APIView):
    """The respondent answers the notice before the deadline (409 after it or in another state)."""

    @extend_schema(request=s.ResponseInputSerializer, responses={201: s.ResponseSerializer})
    def post(self, request, case_reference):
        case = selectors.allegation_get(user=request.user, reference=case_reference)

        def handler():
            data = s.ResponseInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            response = workflow.service_of(Action.RECORD_RESPONSE)(
                case=case, actor=request.user, version=None, text=data.validated_data["text"]
            )
            return Response(s.ResponseSerializer(response).data, status=status.HTTP_201_CREATED)

        return idempotent(request, f"allegations.response:{case.pk}", handler)


class AllegationAppealApi(APIView):
    """The respondent appeals within the window (409 outside it, or when an appeal exists)."""

    @extend_schema(request=s.AppealInputSerializer, responses={201: s.AppealSerializer})
    def post(self, request, case_reference):
        case = selectors.allegation_get(user=request.user, reference=case_reference)

        def handler():
            data = s.AppealInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            appeal = workflow.service_of(Action.LODGE_APPEAL)(
                case=case, actor=request.user, version=None, grounds=data.validated_data["grounds"]
            )
            return Response(s.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

        return idempotent(request, f"allegations.appeal:{case.pk}", handler)
