"""API authentication: tokens that expire."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
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
