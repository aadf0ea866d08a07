"""The admin site: Django's, with the login guarded like the token endpoint and a second factor for staff.

A login attempt counts against the address's login rate (THROTTLE_TOKEN, shared with
POST /api/auth/token/) and, through django-axes, against the username's failure limit.
With CONDUCT_STAFF_2FA on, a password alone lets a staff login only as far as the
second-factor page: enrolment (a QR code, or the secret in words) on the first visit, a
current code on every later one. Nothing else in the admin opens until then.
"""

import math
from types import SimpleNamespace

from django import forms
from django.contrib import admin
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login

from core.authentication import second_factor_required
from core.throttling import ScopedRateThrottle
from members import logins
from members import second_factor as factor

LOGIN_SCOPE = SimpleNamespace(throttle_scope="token")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def verified(request) -> bool:
    """The login needs no second factor, or gave it in this session. (Right after the password the
    request's user is the plain one, without django-otp's `is_verified`: not verified yet.)"""
    if not second_factor_required(request.user):
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class ConductAdminSite(admin.AdminSite):
    # The landing page's panels: set by the app that owns them (members imports no domain app), as
    # `dashboard(request) -> dict` of template context; its template extends admin/index.html.
    dashboard = None
    # The landing page lists every model; without the side bar each changelist has the 1400 px
    # of a laptop screen for its columns.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        context = dict(extra_context or {})
        if self.dashboard is not None:
            context.update(self.dashboard(request))
        return super().index(request, context)

    def has_permission(self, request):
        return super().has_permission(request) and verified(request)

    def get_urls(self):
        return [path("second-factor/", self.second_factor, name="second_factor"), *super().get_urls()]

    def login(self, request, extra_context=None):
        if request.method == "POST":
            throttle = ScopedRateThrottle()
            if not throttle.allow_request(request, LOGIN_SCOPE):
                seconds = max(1, math.ceil(throttle.wait() or 1))
                return self._refusal(request, "security/throttled.html", seconds)
        elif request.user.is_authenticated and request.user.is_staff and not verified(request):
            return self._to_second_factor(request)
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302 and not verified(request):
            return self._to_second_factor(request)
        return response

    def _to_second_factor(self, request):
        target = request.POST.get("next") or request.GET.get("next") or ""
        url = reverse("admin:second_factor", current_app=self.name)
        return redirect(f"{url}?next={target}" if target else url)

    def _refusal(self, request, template, seconds):
        response = render(
            request, template, {**self.each_context(request), "minutes": max(1, math.ceil(seconds / 60))}, status=429
        )
        response["Retry-After"] = str(seconds)
        return response

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def second_factor(self, request):
        """Enrol an authenticator app, or give a current code from it; `cancel` logs out."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect(reverse("admin:login", current_app=self.name))
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        if verified(request):
            return redirect(next_url)
        if request.method == "POST" and "cancel" in request.POST:
            logout(request)
            return redirect(reverse("admin:login", current_app=self.name))

        device = factor.confirmed_device(user)
        enrolling = device is None
        if enrolling:
            device = factor.enrolment_device(user)
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            code = form.cleaned_data["code"]
            ok = factor.device_confirm(device=device, code=code) if enrolling else factor.code_matches(device, code)
            if ok:
                otp_login(request, device)
                return redirect(next_url)
            username = user.get_username()
            logins.login_failed(request, username, "second_factor")
            if logins.is_locked_out(request, username):
                logout(request)
                return logins.lockout_response(request, credentials={"username": username})
            form.add_error("code", "That code is not right, or has been used; try the one your app shows now.")
        context = {
            **self.each_context(request),
            "title": "Set up your second factor" if enrolling else "Second factor",
            "form": form,
            "enrolling": enrolling,
            "next": next_url,
        }
        if enrolling:
            context.update(qr_svg=factor.qr_svg(device), secret=factor.secret_in_words(device))
        return render(request, "security/second_factor.html", context)
