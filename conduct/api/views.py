from rest_framework import generics
from rest_framework.permissions import AllowAny

from conduct import selectors
from conduct.api.serializers import GuidanceSerializer, RuleSerializer, SanctionTypeSerializer


class RuleListApi(generics.ListAPIView):
    """The rules of the code in force today. Public."""

    permission_classes = [AllowAny]
    authentication_classes = []
    pagination_class = None
    serializer_class = RuleSerializer

    def get_queryset(self):
        return selectors.rule_list_in_force()


class SanctionListApi(generics.ListAPIView):
    """The sanction ladder, least to most severe. Public."""

    permission_classes = [AllowAny]
    authentication_classes = []
    pagination_class = None
    serializer_class = SanctionTypeSerializer

    def get_queryset(self):
        return selectors.sanction_type_list()


class GuidanceListApi(generics.ListAPIView):
    """Published sanction guidance: category x severity x prior record -> range. Public."""

    permission_classes = [AllowAny]
    authentication_classes = []
    pagination_class = None
    serializer_class = GuidanceSerializer

    def get_queryset(self):
        return selectors.guidance_list()
