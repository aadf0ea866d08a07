"""What every case action shares: lock, check the version and the registry, record; and the
steps several stages take (sanctions, telling the parties, closing the complaint)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import events
from complaints import notifications, workflow
from complaints.conflicts import conflict_reason
from complaints.models import Appeal, Case, Complaint, Decision, Sanction
from conduct.models import Rule, SanctionType
from core import roles
from core.errors import ConflictError, PermissionDenied, ValidationError


@dataclass
class SanctionSpec:
    """A sanction asked for by a decision: the type, a term for fixed-term types, conditions."""

    sanction_type: SanctionType
    duration_days: int | None = None
    conditions: str = ""


@dataclass
class Finding:
    rule: Rule
    breached: bool


def conf(name: str) -> int:
    """A CONDUCT setting."""
    return settings.CONDUCT[name]


def require_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("This field is required.", field=field)
    return value


def validate_sanctions(specs: list[SanctionSpec], field: str = "sanctions") -> None:
    for spec in specs:
        st = spec.sanction_type
        if st.fixed_term:
            if not spec.duration_days:
                raise ValidationError(f"'{st.code}' needs duration_days.", field=field)
            if st.max_duration_days and spec.duration_days > st.max_duration_days:
                raise ValidationError(f"'{st.code}' may last at most {st.max_duration_days} days.", field=field)
        elif spec.duration_days:
            raise ValidationError(f"'{st.code}' has no fixed term; remove duration_days.", field=field)
        if st.code == "conditions" and not spec.conditions.strip():
            raise ValidationError("A 'conditions' sanction must state its conditions.", field=field)


def tell_complainant(case: Case, outcome: str) -> None:
    """The complainant is told the outcome of each case their complaint opened."""
    complaint = case.complaint
    notifications.notify_on_commit(
        "outcome", [notifications.complainant_address(complaint)], complaint=complaint, case=case, outcome=outcome
    )


def tell_respondent_decision(case: Case) -> None:
    decision = case.decisions.order_by("-decided_at", "-pk").first()
    notifications.notify_on_commit(
        "decision",
        [notifications.respondent_address(case)],
        case=case,
        decision=decision,
        sanctions=list(decision.sanctions.select_related("sanction_type")),
        appeal_days=conf("APPEAL_DAYS"),
    )


def tell_respondent_appeal(case: Case, appeal: Appeal) -> None:
    """The respondent is told the appeal's outcome, and again when a pending variation takes effect."""
    replacements = []
    if appeal.outcome == Appeal.Outcome.VARIED:
        replacements = list(
            appeal.decision.sanctions.select_related("sanction_type")
            .filter(replaces__isnull=False, status__in=[Sanction.Status.PENDING, Sanction.Status.ACTIVE])
            .order_by("pk")
        )
    notifications.notify_on_commit(
        "appeal_outcome", [notifications.respondent_address(case)], case=case, appeal=appeal, sanctions=replacements
    )


def complaint_after_case_change(complaint: Complaint, now) -> None:
    """Acknowledge on the first action; close the complaint once every case is finished."""
    fields = []
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
        complaint.status = Complaint.Status.ACKNOWLEDGED
        fields += ["acknowledged_at", "status"]
    if not complaint.cases.filter(status__in=Case.OPEN_STATUSES).exists() and complaint.cases.exists():
        complaint.status = Complaint.Status.CLOSED
        fields.append("status")
    if fields:
        complaint.save(update_fields=sorted(set(fields)) + ["updated_at"])


def create_sanctions(
    case: Case,
    decision: Decision,
    specs: list[SanctionSpec],
    *,
    pending: bool,
    today: dt.date,
    rules,
    categories,
    departed: bool,
    replaces: list[Sanction] = (),
) -> list[Sanction]:
    created = []
    for spec in specs:
        st = spec.sanction_type
        sanction = Sanction(
            case=case,
            decision=decision,
            member=case.respondent,
            constituency_id=case.respondent.constituency_id,
            sanction_type=st,
            level=st.level,
            duration_days=spec.duration_days,
            conditions=spec.conditions.strip(),
            status=Sanction.Status.PENDING if pending else Sanction.Status.ACTIVE,
            departed_from_guidance=departed,
            replaces=replaces[0] if replaces else None,
        )
        if not pending:
            start_sanction(sanction, today)
        sanction.save()
        sanction.rules.set(rules)
        sanction.categories.set(categories)
        created.append(sanction)
    return created


def start_sanction(sanction: Sanction, today: dt.date) -> None:
    """Fix the dates of a sanction that takes effect today."""
    sanction.imposed_on = sanction.starts_on = today
    if sanction.duration_days:
        sanction.ends_on = today + dt.timedelta(days=sanction.duration_days - 1)
    if sanction.sanction_type.bars_rejoining:
        sanction.rejoin_barred_until = today + dt.timedelta(days=conf("REJOIN_BAR_DAYS"))


def check_panel(case: Case, panel: list, *, appeal: bool) -> None:
    """Panel size, each member a panel member, not the investigator, not the first panel (appeals), no conflict."""
    field = "panel"
    sizes = {conf("PANEL_SIZE_MINOR"), conf("PANEL_SIZE_MAJOR")}
    if len({u.pk for u in panel}) != len(panel):
        raise ValidationError("A panel member is named twice.", field=field)
    if len(panel) not in sizes:
        raise ValidationError(f"A panel has {' or '.join(map(str, sorted(sizes)))} members.", field=field)
    for user in panel:
        if not roles.has_role(user, roles.PANEL):
            raise ValidationError(f"'{user.get_username()}' is not a panel member.", field=field)
        if user.pk == case.assigned_to_id:
            raise PermissionDenied(f"'{user.get_username()}' investigated this case and may not sit on its panel.")
        if appeal and any(u.pk == user.pk for u in case.panel.all()):
            raise PermissionDenied(f"'{user.get_username()}' sat on the first panel and may not hear the appeal.")
        reason = conflict_reason(user, case)
        if reason:
            raise PermissionDenied(f"'{user.get_username()}' has a conflict of interest: {reason}.")


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock, with what the workflow checks need.

    Its complaint is locked first: evidence uploads lock the complaint, then update its cases, and
    actions update the complaint after the case (acknowledged, closed). Taking the rows in the
    same order everywhere (complaint, then case) keeps the two from deadlocking, which they did
    under load on PostgreSQL (bench/cluster_load.py)."""
    complaint_id = case.complaint_id or Case.objects.filter(pk=case.pk).values_list("complaint_id", flat=True).first()
    list(Complaint.objects.select_for_update().filter(pk=complaint_id).values_list("pk", flat=True))
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
    """Lock, check the version and the action's registry entry; return (locked case, entry, now)."""
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


def record(case: Case, actor, action: str, *, from_status: str, now, data: dict | None = None) -> None:
    """Write the audit event of one case action, in the current transaction: the case's one timeline."""
    events.case_event(
        actor=actor, event=events.Event(f"case.{action}"), case=case, from_status=from_status, now=now, data=data
    )


def audit_case_read(*, case: Case, actor, via: str) -> None:
    """Record a staff read of a case: `case.read` by its team, `case.read_outside_team` by anyone else.

    Whether the reader was on the team (investigator, panel, appeal panel) is fixed at
    the time of the read, which is what the access log must show.
    """
    with transaction.atomic():
        events.case_read(actor=actor, case=case, on_team=actor.pk in case.team_user_ids(), via=via)
