from rest_framework.permissions import SAFE_METHODS, BasePermission

from core import roles


class AuditorsReadOnly(BasePermission):
    """Auditors change nothing: any write they attempt is refused with 403."""

    message = "Auditors have read-only access."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        # The auditor role wins over any other role the same login holds.
        return not roles.has_role(request.user, roles.AUDITOR)


def role_permission(*required):
    """A permission class for callers holding one of `required` roles."""

    class _HasRoles(BasePermission):
        message = f"Only {' or '.join(required)} users may do this."

        def has_permission(self, request, view):
            # Views that set their own permissions keep the rule that auditors write nothing.
            if not AuditorsReadOnly().has_permission(request, view):
                self.message = AuditorsReadOnly.message
                return False
            return bool(roles.user_roles(request.user) & set(required))

    _HasRoles.__name__ = "Has" + "Or".join(r.title() for r in required)
    return _HasRoles
