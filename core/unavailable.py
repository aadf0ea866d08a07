"""A shared service (Redis: cache, throttles, lockouts, the broker) that cannot be reached.

App servers keep no state of their own, so when Redis is down a request that needs it cannot be
answered correctly: a throttle cannot count, a lockout cannot be checked. It is refused with
503 and `Retry-After`, in words, before anything is written (throttles and lockouts are checked
before a view does its work), instead of failing open or with a 500. Requests that need no
Redis (token-authenticated reads) keep being served. Work enqueued after a commit while the
broker is down is not lost: `core.tasks` runs it in the process, as without a broker.
"""

from django.http import JsonResponse
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a client of Redis (Django's cache, Celery's producer) raises when it cannot reach it.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, BrokerError)
RETRY_AFTER_SECONDS = 10
MESSAGE = (
    "A shared service (the cache and queue) is unavailable for a moment; nothing was done. "
    f"Try again in {RETRY_AFTER_SECONDS} seconds."
)


def unreachable(exc: BaseException) -> bool:
    return isinstance(exc, UNREACHABLE)


class SharedStateUnavailableMiddleware:
    """503 with Retry-After for any view (the admin's login, say) whose cache or broker is unreachable.
    The API's exception handler answers its own views the same way (core.exceptions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not unreachable(exception):
            return None
        response = JsonResponse({"detail": MESSAGE}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
