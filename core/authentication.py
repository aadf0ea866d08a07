"""API authentication: tokens that expire, and sessions that count for staff only with their second factor."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from drf_spectacular.authentication import SessionScheme as OpenApiSessionScheme
from rest_framework import authentication, exceptions
from rest_framework.authentication import TokenAuthentication


def token_expires_at(token) -> dt.datetime:
    return token.created + dt.timedelta(hours=settings.TOKEN_LIFETIME_HOURS)


def token_expired(token, now=None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token older than TOKEN_LIFETIME_HOURS (401)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed("Token has expired; ask for a new one at /api/auth/token/.")
        return user, token


def second_factor_required(user) -> bool:
    """Staff logins (officer, panel, auditor, anyone let into the admin) need a second factor when
    CONDUCT_STAFF_2FA is on."""
    from core import roles

    if not settings.CONDUCT_STAFF_2FA or user is None or not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or bool(roles.user_roles(user) & set(roles.STAFF_ROLES))


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (the browsable API), counting a staff session only once its
    second factor was verified in the admin."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if second_factor_required(result[0]) and not getattr(user, "is_verified", lambda: False)():
            return None
        return result


class SessionScheme(OpenApiSessionScheme):
    """The schema describes our session authentication as DRF's (cookie `sessionid`)."""

    target_class = "core.authentication.SessionAuthentication"
