"""Shared steps of every case action: lock, check version and table, record."""

from django.utils import timezone

from audit.services import audit_record
from complaints import workflow
from complaints.models import Case, CaseEvent
from core.errors import ConflictError


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock, with what the workflow checks need."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    # Related rows read by the checks; fetched after the lock so they are current.
    return (
        Case.objects.select_related("complaint__complainant", "respondent", "assigned_to")
        .prefetch_related("panel", "appeal_panel", "decisions")
        .get(pk=locked.pk)
    )


def ensure_version(case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise ConflictError(
            f"The case has changed since you read it (version {version}, now {case.version}). Reload and try again.",
            field="version",
        )


def begin(case: Case, action: workflow.Action, actor, version: int | None, now=None):
    """Lock, check the version and the workflow table; return (locked case, transition, now)."""
    now = now or timezone.now()
    case = lock_case(case)
    ensure_version(case, version)
    transition = workflow.check(case, action, actor, now)
    return case, transition, now


def advance(case: Case, to_status: str | None, fields: list[str] | tuple = ()) -> None:
    """Move the case on (if `to_status`), bump its version and save the named fields."""
    update = set(fields) | {"version", "updated_at"}
    if to_status is not None and to_status != case.status:
        case.status = to_status
        update.add("status")
    case.version += 1
    case.save(update_fields=sorted(update))


def record(case: Case, actor, action: str, *, from_status: str, now, data: dict | None = None) -> CaseEvent:
    """Write the CaseEvent and the audit event of one action, in the current transaction."""
    data = data or {}
    event = CaseEvent.objects.create(
        case=case,
        at=now,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=case.status,
        data=data,
    )
    audit_record(
        actor=actor,
        action=f"case.{action}",
        obj=case,
        case_ref=case.reference,
        data={"from": from_status, "to": case.status, "version": case.version, **data},
    )
    return event
