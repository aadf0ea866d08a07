"""Checks shared by the workflow service tests: a refusal changes nothing, an action writes its events."""

import datetime as dt

import pytest
from django.conf import settings

from audit.models import AuditEvent
from complaints import guards, workflow
from complaints.conflicts import conflict_reason
from complaints.models import Case
from complaints.services import cases as svc
from complaints.services.cases import Finding, SanctionSpec
from core import roles
from core.errors import ConflictError, DomainError, PermissionDenied
from tests.complaints.timeline import case_event_count, event_of  # noqa: F401  (event_of is re-exported)
from tests.conduct.factories import rule, sanction_type
from tests.members.factories import MemberFactory, UserFactory

DAY = dt.timedelta(days=1)
APPEAL_DAYS = settings.CONDUCT["APPEAL_DAYS"]


def recorded() -> tuple[int, int]:
    """How many case events and audit events exist."""
    return case_event_count(), AuditEvent.objects.count()


def refused(error, service, case, *, match=None, **kwargs):
    """Call `service` on `case` (at its current version unless given) expecting `error`.

    Asserts the case's status and version are unchanged and that no case event and no
    audit event were written. Returns the exception.
    """
    case.refresh_from_db()
    before = (case.status, case.version)
    events = recorded()
    kwargs.setdefault("version", case.version)
    with pytest.raises(error, match=match) as info:
        service(case=case, **kwargs)
    case.refresh_from_db()
    assert (case.status, case.version) == before
    assert recorded() == events
    return info.value


def reload(obj):
    obj.refresh_from_db()
    return obj


def spec(code, duration_days=None, conditions=""):
    return SanctionSpec(sanction_type(code), duration_days, conditions)


def breached(*codes):
    return [Finding(rule(c), True) for c in codes]


def peer_of(member, *roles):
    """A staff login linked to a member of `member`'s constituency."""
    user = UserFactory(roles=list(roles))
    MemberFactory(user=user, constituency=member.constituency)
    return user


def suspension(days=90):
    """What the tests' suspended cases are decided with: a suspension of membership on a threat (RU1)."""
    return {"rules": ["RU1"], "sanctions": [spec("suspension_membership", days)]}


def _is(case, actor, who: str) -> bool:
    """Whether `actor` is `who` (a role, or a person on this case), read from the case's rows."""
    if who == workflow.CONFIRMING_PANEL_MEMBER:
        # "Another member of the panel that decided": never who decided what awaits confirmation
        # (separation of duties, a refusal of who even though the guard raises it).
        pending = guards.awaiting_confirmation(case)
        sitting = workflow.APPEAL_PANEL_MEMBER if case.status == Case.Status.APPEAL else workflow.PANEL_MEMBER
        return _is(case, actor, sitting) and (pending is None or pending.decided_by_id != actor.pk)
    if who == workflow.RESPONDENT:
        return case.respondent.user_id == actor.pk
    if who == workflow.PANEL_MEMBER:
        return roles.has_role(actor, roles.PANEL) and case.panel.filter(pk=actor.pk).exists()
    if who == workflow.APPEAL_PANEL_MEMBER:
        return roles.has_role(actor, roles.PANEL) and case.appeal_panel.filter(pk=actor.pk).exists()
    return roles.has_role(actor, who)


def refusal_for(case, entry, actor) -> type[DomainError]:
    """The refusal `check()` owes `actor` for an action of `entry` they may not take on `case`.

    Not among the entry's actors, or with a conflict of interest (unless acting as the
    respondent): PermissionDenied (403). Otherwise the case's state or the entry's guard
    stands in the way: ConflictError (409).
    """
    if not any(_is(case, actor, who) for who in entry.actors):
        return PermissionDenied
    as_respondent = workflow.RESPONDENT in entry.actors and _is(case, actor, workflow.RESPONDENT)
    if not as_respondent and conflict_reason(actor, case) is not None:
        return PermissionDenied
    return ConflictError


def assert_allowed(case, actor, expected, now):
    """allowed_actions lists exactly `expected`, and check() agrees action by action, refusing
    each other action with the one error its registry entry calls for."""
    case = Case.objects.get(pk=case.pk)
    assert workflow.allowed_actions(case, actor, now) == expected
    for action, entry in workflow.ACTIONS.items():
        if entry.measure or entry.on_complaint:
            continue  # listed by allowed_measures, or taken on a complaint
        if action.value in expected:
            workflow.check(case, action, actor, now)
        else:
            with pytest.raises(refusal_for(case, entry, actor)):
                workflow.check(case, action, actor, now)


def vary_to(case, judge, *sanctions, now):
    """`judge` decides the appeal on `case`: varied to `sanctions`."""
    return svc.case_decide_appeal(
        case=case,
        actor=judge,
        version=case.version,
        outcome="varied",
        reasons="Reduced on appeal.",
        sanctions=list(sanctions),
        now=now,
    )
