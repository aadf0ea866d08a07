"""Idempotency-Key support for POST endpoints: a retried request is answered, not redone."""

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from core.errors import ValidationError
from core.models import IdempotencyKey

HEADER = "HTTP_IDEMPOTENCY_KEY"


def idempotent(request, scope: str, handler):
    """Run `handler()` (which returns a Response) once per (user, scope, key).

    The stored answer is written in the same transaction as the work, so a retry either
    sees the complete first answer or redoes the work: never half of it.
    """
    key = request.META.get(HEADER)
    if not key:
        return handler()
    if len(key) > 255:
        raise ValidationError("Idempotency-Key is longer than 255 characters.", field="Idempotency-Key")
    found = IdempotencyKey.objects.filter(user=request.user, scope=scope, key=key).first()
    if found:
        return _replay(found)
    try:
        with transaction.atomic():
            response = handler()
            if 200 <= response.status_code < 300:
                IdempotencyKey.objects.create(
                    user=request.user, scope=scope, key=key, status_code=response.status_code, body=response.data
                )
    except IntegrityError:
        found = IdempotencyKey.objects.filter(user=request.user, scope=scope, key=key).first()
        if found is None:
            raise
        return _replay(found)
    return response


def _replay(found: IdempotencyKey) -> Response:
    response = Response(found.body, status=found.status_code)
    response["Idempotent-Replayed"] = "true"
    return response
