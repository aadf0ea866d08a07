"""`/api/audit/access/`: reads of cases and complaints by staff who were not on the team, for auditors."""

from rest_framework import generics, serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from audit import selectors
from audit.events import audit_csv_export
from core import roles
from core.csv import CSVExportMixin, CSVRenderer
from core.pagination import IndexedPagination
from core.permissions import role_permission


class AccessSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    case = serializers.CharField(source="case_ref")
    complaint = serializers.CharField(source="data.complaint", default="")
    what = serializers.CharField(source="data.what", default="case", help_text="case, complaint, evidence, senders…")
    via = serializers.CharField(source="data.via", default="")


class AuditAccessApi(CSVExportMixin, generics.ListAPIView):
    """Case reads by staff who are not on that case's team (investigator, panel, appeal panel)."""

    on_export = audit_csv_export
    permission_classes = [role_permission(roles.AUDITOR)]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    serializer_class = AccessSerializer
    pagination_class = IndexedPagination
    csv_filename = "access"

    def get_queryset(self):
        return selectors.reads_outside_team()
