"""DRF throttles keyed on `core.net.client_ip`: the same address the lockouts and the security log see."""

import time

from django.core.cache import cache
from rest_framework import exceptions, throttling

from core.net import client_ip


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle (rates in DEFAULT_THROTTLE_RATES) for anonymous callers by client address,
    counted atomically in the shared cache.

    DRF's own throttle reads a list of times, appends and writes it back: requests arriving together
    on several processes or app servers all read the same list and all pass (a burst of 40 logins
    over two app servers passed a 20/minute limit whole). Here each request adds one to a counter
    for the current window with the cache's `incr` (one atomic INCRBY in Redis), so exactly the
    rate passes however the requests are spread. Windows are fixed (`duration` long, aligned to the
    epoch): a caller may spend one window's rate at its end and the next at the start of the next.
    """

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        slot = f"{self.key}:{window}"
        self.cache.add(slot, 0, timeout=self.duration + 60)
        try:
            count = self.cache.incr(slot)
        except ValueError:  # expired or evicted between add and incr: this request opens the window
            self.cache.set(slot, 1, timeout=self.duration + 60)
            count = 1
        self.wait_seconds = (window + 1) * self.duration - self.now
        return count <= self.num_requests

    def wait(self):
        return self.wait_seconds


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
