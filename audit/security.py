"""Security events on the audit chain: failed logins, lockouts and refused staff reads.

Each is an ordinary audit event whose action is `security.<kind>`, with the username
(tried, or of the staff user refused) and the client address in its data, so the
auditors' security list (GET /api/audit/security/) and the chain verification cover
them like every other event.
"""

from enum import StrEnum

from django.db import transaction

from audit.events import Event
from audit.models import AuditEvent
from audit.services import audit_record

USERNAME_MAX = 150  # a tried username comes from outside: never store more than a real one can be


class SecurityKind(StrEnum):
    LOGIN_FAILED = "login_failed"
    LOCKOUT = "lockout"
    READ_REFUSED = "read_refused"
    CHANGE_REFUSED = "change_refused"

    @property
    def action(self) -> Event:
        return Event(f"security.{self.value}")


SECURITY_ACTIONS = [kind.action for kind in SecurityKind]


def security_record(*, kind: SecurityKind, username, ip: str, actor=None, via: str = "", **data) -> AuditEvent:
    """Append one security event (in the caller's transaction, or its own)."""
    username = str(username or "")
    payload = {"kind": kind.value, "username": username[:USERNAME_MAX], "ip": ip or "", "via": via, **data}
    if len(username) > USERNAME_MAX:
        payload["username_truncated"] = True
    with transaction.atomic():
        return audit_record(actor=actor, action=kind.action, object_type="security", object_id=kind.value, data=payload)


def security_record_login_failed(*, username, ip: str, via: str, reason: str = "password") -> AuditEvent:
    """A login refused at the admin or the token endpoint: `reason` is `password` or `second_factor`."""
    return security_record(kind=SecurityKind.LOGIN_FAILED, username=username, ip=ip, via=via, reason=reason)


def security_record_lockout(*, username, ip: str, via: str, until, failures: int | None) -> AuditEvent:
    """A username locked out after repeated failures, until `until` (the attempt that crossed the limit)."""
    return security_record(
        kind=SecurityKind.LOCKOUT,
        username=username,
        ip=ip,
        via=via,
        until=until.isoformat(),
        failures=failures,
    )


def via_of(request) -> str:
    """Where a request came in: `api` or `admin`."""
    return "api" if request is not None and request.path.startswith("/api/") else "admin"


def security_record_refused_read(request_or_actor, ip: str | None, obj_ref, status: int) -> AuditEvent:
    """A staff read of a case or complaint that was refused (`status` 403 or 404): who, from where, what.

    `request_or_actor` is the request (its user and, when `ip` is None, its client address
    are taken) or the user. `obj_ref` is a string such as "complaint:C-2026-000123" or the
    model instance. Call it where the refusal is decided and outside any transaction that
    the refusal rolls back, or the event goes with it.
    """
    from core.net import client_ip

    is_request = hasattr(request_or_actor, "META")
    actor = request_or_actor.user if is_request else request_or_actor
    if ip is None and is_request:
        ip = client_ip(request_or_actor)
    if isinstance(obj_ref, str):
        ref = obj_ref
    else:
        ref = f"{obj_ref._meta.model_name}:{getattr(obj_ref, 'reference', None) or obj_ref.pk}"
    authenticated = actor is not None and actor.is_authenticated
    return security_record(
        kind=SecurityKind.READ_REFUSED,
        username=actor.get_username() if authenticated else "",
        ip=ip or "",
        actor=actor if authenticated else None,
        via=via_of(request_or_actor) if is_request else "",
        object=ref,
        status=int(status),
    )


def security_record_refused_change(*, actor, ip: str = "", via: str = "", obj_ref: str, reason: str) -> AuditEvent:
    """A change refused because of who asked (a conflict, a missing second officer): who, what, why."""
    return security_record(
        kind=SecurityKind.CHANGE_REFUSED,
        username=actor.get_username() if actor is not None else "",
        ip=ip,
        actor=actor,
        via=via,
        object=obj_ref,
        reason=reason,
    )


def security_event_list():
    """The security events, oldest first."""
    return AuditEvent.objects.filter(action__in=SECURITY_ACTIONS).order_by("seq")
