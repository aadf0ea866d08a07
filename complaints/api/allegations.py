"""The respondent's side: the allegations against them, their answer and their appeal."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors, workflow
from complaints.api import serializers as s
from complaints.workflow import Action
from core.idempotency import idempotent


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
