"""The roles of API.md. Staff roles are Django groups; `member` is a login linked to a member.

An auditor's login is read-only everywhere, so it never holds the member role, even when
it is linked to a member: a person who is both an auditor and a member files, answers and
appeals with a separate member login.
"""

from django.core.exceptions import ObjectDoesNotExist

OFFICER = "officer"
PANEL = "panel"
AUDITOR = "auditor"
MEMBER = "member"
STAFF_ROLES = (OFFICER, PANEL, AUDITOR)
ALL_ROLES = (MEMBER, OFFICER, PANEL, AUDITOR)


def user_roles(user) -> set[str]:
    """The roles a user holds, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_conduct_roles", None)
    if cached is not None:
        return cached
    roles = set(user.groups.filter(name__in=STAFF_ROLES).values_list("name", flat=True))
    if user.is_superuser:
        roles |= {OFFICER, PANEL}
    if AUDITOR not in roles and member_of(user) is not None:
        roles.add(MEMBER)
    user._conduct_roles = roles
    return roles


def member_of(user):
    """The member linked to a login, or None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.member
    except ObjectDoesNotExist:
        return None


def has_role(user, role: str) -> bool:
    return role in user_roles(user)
