"""Failed logins and lockouts, for the admin and the token endpoint alike.

django-axes counts failures per username (whatever address they come from) in the
shared cache and refuses a username that reached LOGIN_FAILURE_LIMIT for
LOGIN_LOCKOUT_MINUTES. Here each failure and each new lockout becomes a security event
on the audit log, and the lockout's end is kept so that a refusal can say when to retry.
"""

import datetime as dt
import hashlib
import math

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from audit.security import security_record_lockout, security_record_login_failed, via_of
from core.net import client_ip


def cool_off() -> dt.timedelta:
    return settings.AXES_COOLOFF_TIME


def _lockout_key(username: str) -> str:
    # Hashed: a tried username is any text of any length, a cache key is not.
    return "conduct:lockout-until:" + hashlib.sha256(str(username).encode()).hexdigest()


def is_locked_out(request, username: str) -> bool:
    """True while `username` is locked out (`request` is the Django request)."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def retry_after(username: str) -> int:
    """Whole seconds until `username` may try again (the whole cool-off when the end was not kept)."""
    until = cache.get(_lockout_key(username))
    if until is None:
        return math.ceil(cool_off().total_seconds())
    return max(1, math.ceil(until - timezone.now().timestamp()))


def login_failed(request, username: str, reason: str) -> None:
    """Count a failure that happened after the password (a wrong second factor) as axes and the log would."""
    user_login_failed.send(sender=__name__, credentials={"username": username, "reason": reason}, request=request)


@receiver(user_login_failed, dispatch_uid="members.logins.failed")
def _record_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    security_record_login_failed(
        username=username,
        ip=client_ip(request) if request is not None else "",
        via=via_of(request),
        reason=credentials.get("reason", "password"),
    )


@receiver(user_locked_out, dispatch_uid="members.logins.locked_out")
def _record_lockout(sender, request, username, ip_address=None, **kwargs):
    """axes says so on the failure that crosses the limit and on each refused try during the lockout:
    the first of them starts the lockout and is recorded."""
    until = timezone.now() + cool_off()
    seconds = math.ceil(cool_off().total_seconds())
    if cache.add(_lockout_key(username), until.timestamp(), timeout=seconds):
        security_record_lockout(
            username=username,
            ip=client_ip(request),
            via=via_of(request),
            until=until,
            failures=getattr(request, "axes_failures_since_start", None),
        )


def lockout_response(request, original_response=None, credentials=None):
    """The admin's answer to a locked-out username: a page in words, 429 with Retry-After."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    from django.contrib import admin

    seconds = retry_after(username)
    response = render(
        request,
        "security/lockout.html",
        {
            **admin.site.each_context(request),
            "minutes": max(1, math.ceil(seconds / 60)),
            "limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
