"""One DRF exception handler that maps domain errors to 400, 403, 404 and 409."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from core.unavailable import MESSAGE, RETRY_AFTER_SECONDS, unreachable


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_data(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RecursionError):
        # Deeply nested JSON: the parser gives up before we do.
        return Response({"detail": "JSON is nested too deeply."}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OverflowError):
        # A date at the calendar's edge that reached arithmetic unchecked (filters refuse them earlier,
        # naming the field; see core.filters.FilterBackend).
        return Response({"detail": "A date or time is out of range."}, status=status.HTTP_400_BAD_REQUEST)
    if unreachable(exc):
        # Redis (throttles, lockouts, the broker) is down: refused whole, in words (core.unavailable).
        return Response(
            {"detail": MESSAGE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, ParseError):
        return Response({"detail": str(exc.detail)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
