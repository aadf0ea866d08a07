"""The auditors' register queries: sanctions and a member's history, as JSON or CSV."""

import django_filters
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from complaints import selectors
from complaints.models import Sanction, sanctions_in_force_q
from conduct.models import Category, Rule, SanctionType
from core import roles
from core.csv import CSVExportMixin, CSVRenderer
from core.permissions import role_permission
from members.models import Constituency, Member, Region

AUDIT_READERS = role_permission(roles.AUDITOR, roles.OFFICER)
RENDERERS = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]


class SanctionFilter(django_filters.FilterSet):
    member = django_filters.ModelChoiceFilter(
        queryset=Member.objects.all(),
        to_field_name="membership_number",
        field_name="member",
        help_text="A membership number.",
    )
    code = django_filters.ModelChoiceFilter(
        queryset=SanctionType.objects.all(), to_field_name="code", field_name="sanction_type"
    )
    rule = django_filters.CharFilter(method="filter_rule", help_text="A rule code, e.g. RU9 (any version).")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), to_field_name="code", field_name="categories"
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="name", field_name="member__constituency__region"
    )
    constituency = django_filters.ModelChoiceFilter(
        queryset=Constituency.objects.all(), to_field_name="name", field_name="member__constituency"
    )
    status = django_filters.ChoiceFilter(choices=[(s.value, s.value) for s in Sanction.Status], method="filter_status")
    in_force_on = django_filters.DateFilter(method="filter_in_force_on")
    imposed_after = django_filters.DateFilter(field_name="imposed_on", lookup_expr="gte")
    imposed_before = django_filters.DateFilter(field_name="imposed_on", lookup_expr="lte")
    departed_from_guidance = django_filters.BooleanFilter()

    class Meta:
        model = Sanction
        fields = []

    def filter_rule(self, qs, name, value):
        if not Rule.objects.filter(code=value).exists():
            raise ValidationError({"rule": [f"Unknown rule code '{value}'."]})
        return qs.filter(rules__code=value).distinct()

    def filter_status(self, qs, name, value):
        return qs.filter(selectors.sanction_status_q(value, timezone.localdate()))

    def filter_in_force_on(self, qs, name, value):
        return qs.filter(sanctions_in_force_q(value))

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        after, before = data.get("imposed_after"), data.get("imposed_before")
        if after and before and after > before:
            self.form.add_error("imposed_before", "Must not be before imposed_after.")
            return False
        return valid


class AuditMemberSerializer(serializers.Serializer):
    membership_number = serializers.CharField()
    name = serializers.CharField()
    constituency = serializers.CharField(source="constituency.name", default=None)
    region = serializers.CharField(source="constituency.region.name", default=None)


class AuditSanctionSerializer(serializers.ModelSerializer):
    member = AuditMemberSerializer()
    code = serializers.CharField(source="sanction_type.code")
    case = serializers.CharField(source="case.reference")
    rules = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Sanction
        fields = [
            "id",
            "member",
            "code",
            "level",
            "case",
            "rules",
            "categories",
            "imposed_on",
            "starts_on",
            "ends_on",
            "revoked_on",
            "status",
            "duration_days",
            "conditions",
            "departed_from_guidance",
        ]

    def get_rules(self, sanction) -> list[str]:
        return sorted(r.code for r in sanction.rules.all())

    def get_categories(self, sanction) -> list[str]:
        return sorted(c.code for c in sanction.categories.all())

    def get_status(self, sanction) -> str:
        return sanction.effective_status(timezone.localdate())


class AuditSanctionListApi(CSVExportMixin, generics.ListAPIView):
    """The sanction register with every filter of API.md; `?format=csv` exports the whole list."""

    permission_classes = [AUDIT_READERS]
    renderer_classes = RENDERERS
    serializer_class = AuditSanctionSerializer
    filterset_class = SanctionFilter
    csv_filename = "sanctions"

    def get_queryset(self):
        return selectors.sanction_list()


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["case", "decision", "sanction", "interim_suspension", "appeal"])
    case = serializers.CharField()
    detail = serializers.DictField()


class AuditMemberHistoryApi(APIView):
    """Every case, decision, sanction, interim suspension and appeal of one member, oldest first."""

    permission_classes = [AUDIT_READERS]
    renderer_classes = RENDERERS

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    def get(self, request, membership_number):
        member = Member.objects.filter(membership_number=membership_number).first()
        if member is None:
            raise NotFound("No member with that number.")
        with transaction.atomic():
            audit_record(actor=request.user, action="member.read", obj=member, data={"via": "api.history"})
        entries = HistoryEntrySerializer(selectors.member_history(member=member), many=True).data
        response = Response(entries)
        if getattr(request.accepted_renderer, "format", None) == "csv":
            response["Content-Disposition"] = f'attachment; filename="history-{membership_number}.csv"'
        return response
