"""Cases for staff: the queue, one case, its actions and measures, all through the action registry."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors, workflow
from complaints.api import actions
from complaints.api import serializers as s
from complaints.api.filters import CaseFilter
from complaints.services import cases as case_services
from complaints.workflow import Action
from core import roles
from core.errors import ValidationError
from core.permissions import role_permission


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
        case = selectors.case_read(user=request.user, reference=reference)
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
