"""DRF throttles keyed on `core.net.client_ip`: the same address the lockouts and the security log see."""

import time

from django.core.cache import cache
from rest_framework import exceptions, throttling

from core.net import client_ip


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle (rates in DEFAULT_THROTTLE_RATES) for anonymous callers by client address."""

    def get_ident(self, request):
        return client_ip(request)


def spend_budget(key: str, amount: int, limit: int, window_seconds: int = 3600) -> None:
    """Count `amount` against `key`'s budget of `limit` per fixed window in the shared cache; past
    it, refuse with 429 and `Retry-After` (the seconds until the window ends) and count nothing."""
    now = time.time()
    window = int(now // window_seconds)
    slot = f"budget:{key}:{window}"
    cache.add(slot, 0, timeout=window_seconds + 60)
    spent = cache.incr(slot, amount)
    if spent > limit:
        cache.decr(slot, amount)
        wait = int((window + 1) * window_seconds - now) + 1
        raise exceptions.Throttled(
            wait=wait, detail=f"Too many items for now (at most {limit:,} an hour); try again in {wait} seconds."
        )
