"""Logins linked to members, and their roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from audit.events import Event
from audit.services import audit_record
from core import roles
from core.errors import ValidationError
from members.models import Member


@transaction.atomic
def account_create_or_update(*, username: str, role: str, membership_number=None, password=None, actor=None):
    """Create or update a login with one role; returns (user, created). Audited, never with the password.

    Staff roles are the Django groups of that name (with admin access); a `member` login must be
    linked to a member. The role given replaces the login's other roles.
    """
    User = get_user_model()
    if role not in roles.ALL_ROLES:
        raise ValidationError(f"Unknown role {role!r}; one of {', '.join(roles.ALL_ROLES)}.", field="role")
    username = (username or "").strip()
    if not username:
        raise ValidationError("A username is required.", field="username")
    try:
        User.username_validator(username)
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages), field="username") from None
    if role == roles.MEMBER and not membership_number:
        raise ValidationError("A member login needs a membership number (--member).", field="member")
    member = None
    if membership_number:
        member = Member.objects.select_for_update().filter(membership_number=membership_number).first()
        if member is None:
            raise ValidationError(f"No member with membership number {membership_number!r}.", field="member")
    group = None
    if role in roles.STAFF_ROLES:
        group = Group.objects.filter(name=role).first()
        if group is None:
            raise ValidationError(f"The group {role!r} does not exist; run migrate.", field="role")

    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if member is not None and member.user_id is not None and (created or member.user_id != user.pk):
        raise ValidationError(
            f"Member {membership_number} is already linked to another login ({member.user.get_username()}).",
            field="member",
        )
    if member is not None and not created and Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise ValidationError(f"The login {username!r} is already linked to another member.", field="member")
    if created:
        user = User(username=username)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.is_staff = group is not None
        user.save()
    else:
        update = []
        if password:
            user.set_password(password)
            update.append("password")
        is_staff = group is not None or user.is_superuser
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            update.append("is_staff")
        if update:
            user.save(update_fields=update)
    user.groups.remove(*Group.objects.filter(name__in=roles.STAFF_ROLES).exclude(name=role))
    if group is not None:
        user.groups.add(group)
    if member is not None and member.user_id != user.pk:
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor,
        action=Event.ACCOUNT_CREATE if created else Event.ACCOUNT_CHANGE,
        obj=user,
        object_type="auth.user",
        data={
            "username": username,
            "role": role,
            "member": member.membership_number if member is not None else None,
            "password_set": bool(password),
        },
    )
    return user, created
