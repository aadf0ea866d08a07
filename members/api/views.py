from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.throttling import ScopedRateThrottle


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token."""

    throttle_scope = "token"

    def get_throttles(self):
        return [ScopedRateThrottle()]


class MeMemberSerializer(serializers.Serializer):
    membership_number = serializers.CharField()
    name = serializers.CharField()
    standing = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    member = MeMemberSerializer(allow_null=True)


class MeApi(APIView):
    """Who the caller is: username, roles and the linked member with their standing."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        member = roles.member_of(request.user)
        data = {
            "username": request.user.get_username(),
            "roles": sorted(roles.user_roles(request.user)),
            "member": None,
        }
        if member is not None:
            data["member"] = {
                "membership_number": member.membership_number,
                "name": member.name,
                "standing": member.standing_on(timezone.localdate()),
            }
        return Response(MeSerializer(data).data)
