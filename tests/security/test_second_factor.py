"""Staff logins need a second factor (TOTP) when CONDUCT_STAFF_2FA is on: enrolment at the first admin
login, a current code after the password from then on, in the admin and at the token endpoint."""

import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def staff_2fa(settings):
    settings.CONDUCT_STAFF_2FA = True


def code_of(device: TOTPDevice) -> str:
    """The app's current code; the device's slow-down after a wrong code is lifted, as time would."""
    device.refresh_from_db()
    device.throttle_reset()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def admin_login(client, user):
    return client.post("/admin/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/"})


def token_login(user, **extra):
    return APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )


def test_the_first_admin_login_of_an_officer_leads_to_enrolment(client):
    officer = UserFactory(roles=["officer"])
    response = admin_login(client, officer)
    assert response.status_code == 302 and response["Location"].startswith("/admin/second-factor/")

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and "Set up your second factor" in text
    assert '<div class="second-factor-qr"><svg' in text  # the QR code
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", text).group(1)
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert secret.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode()

    # Nothing else in the admin opens on the password alone.
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/complaints/case/").status_code == 302

    wrong = client.post("/admin/second-factor/", {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    right = client.post("/admin/second-factor/", {"code": code_of(device), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action="account.second_factor")
    assert event.actor == officer and event.data["enrolled"] is True


def test_a_later_login_asks_for_a_code_and_shows_no_secret(client):
    auditor = UserFactory(roles=["auditor"])
    device = enrolled(auditor)
    location = admin_login(client, auditor)["Location"]
    text = client.get(location).content.decode()
    assert "Type the 6-digit code" in text and "second-factor-qr" not in text and "<code>" not in text
    assert client.get("/admin/").status_code == 302
    assert client.post(location, {"code": code_of(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_a_failed_login_and_counts_towards_the_lockout(client):
    panel = UserFactory(roles=["panel"])
    enrolled(panel)
    admin_login(client, panel)
    for _ in range(4):
        assert client.post("/admin/second-factor/", {"code": "123456"}).status_code == 200
    locked = client.post("/admin/second-factor/", {"code": "123456"})
    assert locked.status_code == 429 and "locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    failures = AuditEvent.objects.filter(action="security.login_failed")
    assert {e.data["reason"] for e in failures} == {"second_factor"} and failures.count() == 5


def test_a_staff_token_needs_a_current_code():
    officer = UserFactory(roles=["officer"])
    device = enrolled(officer)
    missing = token_login(officer)
    assert missing.status_code == 400 and missing.json() == {
        "otp": ["A current code from your authenticator app is required."]
    }
    assert token_login(officer, otp="000000").status_code == 400
    good = token_login(officer, otp=code_of(device))
    assert good.status_code == 200 and Token.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(action="security.login_failed", data__reason="second_factor").count() == 2


def test_a_staff_login_with_no_app_yet_gets_no_token():
    response = token_login(UserFactory(roles=["auditor"]))
    assert response.status_code == 403
    assert "set up an authenticator app" in response.json()["detail"]
    assert not Token.objects.exists()


def test_members_need_no_second_factor():
    member = MemberFactory(with_login=True)
    assert token_login(member.user).status_code == 200


def test_a_staff_session_counts_for_the_api_only_once_verified(client):
    officer = UserFactory(roles=["officer"])
    device = enrolled(officer)
    admin_login(client, officer)
    assert client.get("/api/me/").status_code == 401  # a half-done login authenticates nothing
    client.post("/admin/second-factor/", {"code": code_of(device)})
    assert client.get("/api/me/").status_code == 200


def test_with_2fa_off_the_password_is_enough(client, settings):
    settings.CONDUCT_STAFF_2FA = False
    officer = UserFactory(roles=["officer"])
    assert admin_login(client, officer)["Location"] == "/admin/"
    assert token_login(officer).status_code == 200


def test_logging_out_from_the_second_factor_page(client):
    officer = UserFactory(roles=["officer"])
    admin_login(client, officer)
    response = client.post("/admin/second-factor/", {"cancel": "1"})
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_production_refuses_2fa_off():
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 64,
        "CONDUCT_STAFF_2FA": "false",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"], env=env, capture_output=True, text=True,
        cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert result.returncode != 0 and "CONDUCT_STAFF_2FA cannot be off" in result.stderr
    on = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.CONDUCT_STAFF_2FA)"],
        env={k: v for k, v in env.items() if k != "CONDUCT_STAFF_2FA"}, capture_output=True, text=True,
        cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert on.stdout.strip() == "True", on.stderr
