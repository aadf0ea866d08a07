"""The admin site: Django's, with the login guarded like the token endpoint.

A login attempt counts against the address's login rate (THROTTLE_TOKEN, shared with
POST /api/auth/token/) and, through django-axes, against the username's failure limit.
"""

import math
from types import SimpleNamespace

from django.contrib import admin
from django.shortcuts import render

from core.throttling import ScopedRateThrottle

LOGIN_SCOPE = SimpleNamespace(throttle_scope="token")


class ConductAdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        if request.method == "POST":
            throttle = ScopedRateThrottle()
            if not throttle.allow_request(request, LOGIN_SCOPE):
                seconds = max(1, math.ceil(throttle.wait() or 1))
                response = render(
                    request,
                    "security/throttled.html",
                    {"minutes": max(1, math.ceil(seconds / 60)), "site_header": self.site_header},
                    status=429,
                )
                response["Retry-After"] = str(seconds)
                return response
        return super().login(request, extra_context)
