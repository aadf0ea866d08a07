"""The police pack, for officers: the complaint's threat items as a zipped BagIt bag."""

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from complaints.api.threats import complaint_for_officer
from complaints.models import PoliceReferral
from complaints.services.police_pack import police_pack_build, police_pack_name
from core import roles
from core.errors import NotFound
from core.permissions import role_permission


class PolicePackQuerySerializer(serializers.Serializer):
    referral = serializers.IntegerField(required=False, min_value=1)


class ComplaintPolicePackApi(APIView):
    """Officers: download the complaint's police pack, a BagIt bag (RFC 8493) in a ZIP; `?referral=ID`
    limits it to the threat items that police referral covers. Building it is audited."""

    permission_classes = [role_permission(roles.OFFICER)]

    def perform_content_negotiation(self, request, force=False):
        # The pack is a ZIP whatever the client says it accepts; a refusal is JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "referral",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=False,
                description="Only the threat items this police referral (an id from the threat register) covers.",
            )
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="A ZIP holding one BagIt bag: bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt, "
                "data/summary.html, data/incident-log.csv, data/items/ and data/audit-extract.jsonl.",
            ),
            404: OpenApiResponse(description="No such complaint in scope, or no such referral on it."),
            409: OpenApiResponse(description="The complaint (or the referral) holds no threat items."),
        },
    )
    def get(self, request, reference):
        complaint = complaint_for_officer(request, reference)
        query = PolicePackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        referral = None
        if "referral" in query.validated_data:
            referral = PoliceReferral.objects.filter(pk=query.validated_data["referral"], complaint=complaint).first()
            if referral is None:
                raise NotFound("No police referral with that id on this complaint.")
        now = timezone.now()
        pack, _digest = police_pack_build(complaint=complaint, actor=request.user, referral=referral, now=now)
        return FileResponse(
            pack,
            as_attachment=True,
            filename=f"{police_pack_name(complaint=complaint, now=now)}.zip",
            content_type="application/zip",
        )
