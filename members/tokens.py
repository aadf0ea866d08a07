"""API tokens: issued at POST /api/auth/token/, revoked by DELETE or by a password change; each audited.

A token lives TOKEN_LIFETIME_HOURS from when it was issued (core.authentication); asking
again while it lives returns the same token, after that a new one.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from audit.services import audit_record
from core.authentication import token_expired


def _token_event(*, actor, user, issued: bool, via: str, **data) -> None:
    audit_record(
        actor=actor,
        action="account.token",
        obj=user,
        object_type="auth.user",
        data={"via": via, "username": user.get_username(), "issued": issued, **data},
    )


def token_issue(*, user, ip: str = "") -> Token:
    """The user's live token, or a new one in place of none or an expired one (audited when issued)."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and not token_expired(token):
            return token
        replaced = token is not None
        if replaced:
            token.delete()
        try:
            with transaction.atomic():
                token = Token.objects.create(user=user)
        except IntegrityError:  # a concurrent request issued one first
            return Token.objects.get(user=user)
        _token_event(actor=user, user=user, issued=True, via="api", ip=ip, replaced_expired=replaced)
        return token


def token_revoke(*, user, actor, via: str, reason: str) -> int:
    """Delete the user's token(s); one audit event when there was one. Returns how many went."""
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=user).delete()
        if deleted:
            _token_event(actor=actor, user=user, issued=False, via=via, reason=reason)
        return deleted


# A changed password revokes the tokens, whichever path changed it (the admin's forms, create_account,
# changepassword, set_unusable_password, a rehash). Django sends no signal of its own for it, so the
# stored hash is compared before the save.
User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="members.tokens.password_before")
def _password_before(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._password_changed = False
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=User, dispatch_uid="members.tokens.password_after")
def _revoke_on_password_change(sender, instance, created, raw=False, **kwargs):
    if getattr(instance, "_password_changed", False):
        instance._password_changed = False
        token_revoke(user=instance, actor=None, via="password change", reason="password changed")
