"""The client's address, read one way everywhere (throttles, lockouts, the security log).

Behind N trusted proxies (`TRUSTED_PROXY_COUNT`, DRF's `NUM_PROXIES`) the client is the
Nth address from the right of X-Forwarded-For: each proxy appends the address it saw,
so anything further left was written by the client and proves nothing. With no trusted
proxy the header is ignored and the socket's address (REMOTE_ADDR) is the client.
"""

from rest_framework.settings import api_settings


def client_ip(request) -> str:
    """The caller's address under the trusted-proxy rule; the same as DRF's throttle identity."""
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    proxies = api_settings.NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = forwarded.split(",")
    return addresses[-min(proxies, len(addresses))].strip()
