"""The second factor for staff: a TOTP authenticator app (django-otp's TOTPDevice).

Each staff login enrols at its first admin login (a QR code, or the secret in words for
typing in) and from then on gives a current code after its password, in the admin and,
as `otp`, at POST /api/auth/token/. CONDUCT_STAFF_2FA turns this on (always in production).
"""

import base64

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.events import Event
from audit.services import audit_record


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device shown at enrolment: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


def secret_in_words(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no script, no request to anyone)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def code_matches(device: TOTPDevice, code: str) -> bool:
    """A current code from `device` (each code once; failures slow the device down, as django-otp does)."""
    code = (code or "").replace(" ", "")
    return bool(code) and verify_token(device.user, device.persistent_id, code) is not None


@transaction.atomic
def device_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with the first code the app shows; audited. False if the code is wrong."""
    if not code_matches(device, code):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=device.user,
        action=Event.ACCOUNT_SECOND_FACTOR,
        obj=device.user,
        object_type="auth.user",
        data={"via": "admin", "username": device.user.get_username(), "enrolled": True},
    )
    return True
