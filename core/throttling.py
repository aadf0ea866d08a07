"""DRF throttles keyed on `core.net.client_ip`: the same address the lockouts and the security log see."""

from rest_framework import throttling

from core.net import client_ip


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle (rates in DEFAULT_THROTTLE_RATES) for anonymous callers by client address."""

    def get_ident(self, request):
        return client_ip(request)
