from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.authentication import second_factor_required, token_expires_at
from core.net import client_ip
from core.throttling import ScopedRateThrottle
from members import logins, second_factor
from members.tokens import token_issue, token_revoke


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        help_text="Staff, when CONDUCT_STAFF_2FA is on: the current code of the app enrolled in the admin.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text="The token is refused from then on (TOKEN_LIFETIME_HOURS).")


class TokenApi(APIView):
    """POST: exchange a username and password for an API token. DELETE: revoke the caller's token.

    A token lives TOKEN_LIFETIME_HOURS; asking again while it lives returns the same one.
    Failures count against the username wherever they come from: past LOGIN_FAILURE_LIMIT
    the username is locked out for LOGIN_LOCKOUT_MINUTES (429 with Retry-After).
    """

    throttle_scope = "token"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_permissions(self):
        # Revoking one's own token is not a domain write: auditors may do it too.
        return [] if self.request.method == "POST" else [IsAuthenticated()]

    def perform_authentication(self, request):
        if request.method == "POST":
            # The credentials are in the body; a stale token sent along must not refuse them.
            request.authenticators = ()
        super().perform_authentication(request)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Missing fields, a wrong username or password, or a wrong `otp`."),
            403: OpenApiResponse(description="A staff login with no second factor set up yet (CONDUCT_STAFF_2FA)."),
            429: OpenApiResponse(description="Throttled, or the username is locked out (Retry-After)."),
        },
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        http = request._request  # axes keeps its state on Django's request
        if logins.is_locked_out(http, username):
            return self.locked_out(username)
        user = authenticate(http, username=username, password=password)
        if user is None:
            if logins.is_locked_out(http, username):  # this failure reached the limit
                return self.locked_out(username)
            return Response(
                {"non_field_errors": ["Unable to log in with provided credentials."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if second_factor_required(user):
            refused = self.second_factor(http, user, data.validated_data.get("otp", ""))
            if refused is not None:
                return refused
        # A token login is a login: last_login moves and the username's failure count is cleared.
        user_logged_in.send(sender=user.__class__, request=http, user=user)
        token = token_issue(user=user, ip=client_ip(request))
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        token_revoke(user=request.user, actor=request.user, via="api", reason="revoked by its holder")
        return Response(status=status.HTTP_204_NO_CONTENT)

    def second_factor(self, http, user, code: str) -> Response | None:
        """None when `code` is a current code of the user's authenticator app; else the refusal."""
        device = second_factor.confirmed_device(user)
        if device is None:
            return Response(
                {"detail": "Staff logins need a second factor: set up an authenticator app at your first admin login."},
                status=status.HTTP_403_FORBIDDEN,
            )
        if second_factor.code_matches(device, code):
            return None
        username = user.get_username()
        logins.login_failed(http, username, "second_factor")
        if logins.is_locked_out(http, username):
            return self.locked_out(username)
        return Response(
            {"otp": ["A current code from your authenticator app is required."]}, status=status.HTTP_400_BAD_REQUEST
        )

    def locked_out(self, username: str) -> Response:
        seconds = logins.retry_after(username)
        return Response(
            {"detail": f"Too many failed logins for this username; try again in {seconds} seconds."},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(seconds)},
        )


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
