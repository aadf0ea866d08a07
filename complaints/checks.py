"""System checks of the complaints app's settings (`manage.py check` reports them)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


@register()
def threat_webhook_check(app_configs=None, **kwargs) -> list[Error]:
    """The threat webhook is signed, so its URL is refused without a secret; and it is posted
    with urllib, which also opens file: and ftp: URLs, so only http(s) is accepted."""
    conf = settings.CONDUCT
    url = conf.get("THREAT_WEBHOOK_URL", "")
    if not url:
        return []
    errors = []
    if not conf.get("THREAT_WEBHOOK_SECRET"):
        errors.append(
            Error(
                "CONDUCT_THREAT_WEBHOOK_URL is set but CONDUCT_THREAT_WEBHOOK_SECRET is empty.",
                hint="Set CONDUCT_THREAT_WEBHOOK_SECRET to the secret the receiver verifies the "
                "signature with, or unset the URL to turn the webhook off.",
                id="complaints.E001",
            )
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors.append(
            Error(
                f"CONDUCT_THREAT_WEBHOOK_URL must be an http:// or https:// URL, not {url!r}.",
                id="complaints.E002",
            )
        )
    return errors
