"""System checks of the audit app's settings (`manage.py check` reports them)."""

from django.core.checks import Error, register

from audit.signing import SigningKeyError, trusted_keys


@register()
def public_keys_check(app_configs=None, **kwargs) -> list[Error]:
    """Every AUDIT_PUBLIC_KEYS entry must be an Ed25519 public key, or no checkpoint could be checked."""
    try:
        trusted_keys()
    except SigningKeyError as exc:
        return [Error(str(exc), hint="Use the line audit_keygen printed: base64 of 32 raw bytes.", id="audit.E001")]
    return []
