"""A panel's decision and its confirmation: case_decide and case_confirm_decision (DESIGN.md §4 and §6:
findings per rule charged, sanctions within the guidance or a stated reason, four eyes on suspension
and expulsion).

For each action: the allowed path and its event rows; each refusal raises the right domain
error, leaves the case's status and version as they were, and writes no audit event
nor an audit event.
"""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from complaints.demo.walker import Stage
from complaints.models import Case, Decision, Sanction
from complaints.services import cases as svc
from complaints.services.cases import Finding
from complaints.services.cases.decisions import TRAINING_CONDITION
from core.errors import ConflictError, PermissionDenied, ValidationError
from members.models import Member
from tests.complaints.services.helpers import DAY, breached, event_of, refused, reload, spec
from tests.conduct.factories import category, rule
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- decide --------------------------------------------------------------------------------------------------------


def test_panel_member_decides_within_the_guidance_range(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1])
    respondent, version = case.respondent, case.version

    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=version,
        findings=breached("RU9"),
        outcome="upheld",
        sanctions=[spec("formal_warning")],
        reasons="Proven.",
        now=t0,
    )

    reload(case)
    assert (case.status, case.version, case.decided_at) == (Case.Status.DECIDED, version + 1, t0)
    assert decision.findings == [{"rule": "RU9", "breached": True}]
    assert decision.guidance == {
        "category": "harassment",
        "severity": 2,
        "prior_record": "none",
        "min": "reminder",
        "max": "conditions",
    }
    assert not decision.departed_from_guidance and not decision.needs_confirmation and decision.in_effect
    sanction = decision.sanctions.get()
    assert (sanction.status, sanction.imposed_on, sanction.departed_from_guidance) == (
        Sanction.Status.ACTIVE,
        timezone.localdate(t0),
        False,
    )
    assert list(sanction.rules.all()) == [rule("RU9")] and list(sanction.categories.all()) == [category("harassment")]
    event, _ = event_of(case, "decide")
    assert (event.actor, event.from_status, event.to_status) == (panel[0], "panel", "decided")
    assert event.data == {
        "outcome": "upheld",
        "sanctions": ["formal_warning"],
        "departed_from_guidance": False,
        "needs_confirmation": False,
    }
    assert reload(respondent).standing == Member.Standing.GOOD


def test_panel_decides_not_upheld_without_sanctions(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1])
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=case.version,
        findings=[Finding(rule("RU9"), False)],
        outcome="not_upheld",
        sanctions=[],
        reasons="Not proven.",
        now=t0,
    )
    assert decision.outcome == Decision.Outcome.NOT_UPHELD and not decision.sanctions.exists()
    assert reload(case).status == Case.Status.DECIDED


def decide_kwargs(**overrides):
    kwargs = {
        "findings": breached("RU9"),
        "outcome": "upheld",
        "sanctions": [spec("formal_warning")],
        "reasons": "Proven.",
    }
    return kwargs | overrides


@pytest.mark.parametrize("who", ["other_panel_member", "officer", "respondent"])
def test_only_a_panel_member_of_the_case_may_decide(who, case_at, panel, officer, t0):
    case = case_at(Stage.PANEL, panel=panel[:1])
    actor = {
        "other_panel_member": panel[1],
        "officer": officer,
        "respondent": case.respondent.user,
    }[who]
    refused(PermissionDenied, svc.case_decide, case, actor=actor, now=t0, **decide_kwargs())
    assert not Decision.objects.exists()


def test_findings_must_cover_every_rule_charged(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1], rules=["RU9", "RU11"])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="missing RU11",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU9")),
    )


def test_finding_on_a_rule_not_charged_is_refused(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="not charged RU2",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU9", "RU2")),
    )


def test_upheld_without_a_breach_is_refused(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="at least one rule found breached",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=[Finding(rule("RU9"), False)]),
    )


@pytest.mark.parametrize("findings_breached, sanctions", [(False, ["reminder"]), (True, [])])
def test_not_upheld_with_sanctions_or_breaches_is_refused(findings_breached, sanctions, case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        actor=panel[0],
        now=t0,
        **decide_kwargs(
            outcome="not_upheld",
            findings=[Finding(rule("RU9"), findings_breached)],
            sanctions=[spec(c) for c in sanctions],
        ),
    )


def test_suspension_by_a_panel_of_one_is_refused(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1], rules=["RU1"])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="panel of 3",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("suspension_membership", 90)]),
    )


@pytest.mark.parametrize("days", [None, 0, 366])
def test_fixed_term_sanction_needs_a_duration_within_the_maximum(days, case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel, rules=["RU1"])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("suspension_membership", days)]),
    )


def test_sanction_of_the_maximum_duration_is_accepted(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel, rules=["RU1"])
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=case.version,
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("suspension_membership", 365)]),
    )
    assert decision.sanctions.get().duration_days == 365


def test_sanction_outside_the_guidance_needs_a_departure_reason(case_at, panel, t0):
    # Abusive language, low severity, no prior record: guidance is no further action to a reminder.
    case = case_at(Stage.PANEL, panel=panel[:1], rules=["RU11"])
    refused(
        ValidationError,
        svc.case_decide,
        case,
        match="outside the guidance range",
        actor=panel[0],
        now=t0,
        **decide_kwargs(findings=breached("RU11"), sanctions=[spec("formal_warning")]),
    )


def test_sanction_outside_the_guidance_with_a_reason_is_marked_as_a_departure(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1], rules=["RU11"])
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=case.version,
        now=t0,
        departure_reason="Sustained over months.",
        **decide_kwargs(findings=breached("RU11"), sanctions=[spec("formal_warning")]),
    )
    assert decision.departed_from_guidance and decision.departure_reason == "Sustained over months."
    assert decision.guidance["min"] == "no_further_action" and decision.guidance["max"] == "reminder"
    assert decision.sanctions.get().departed_from_guidance
    assert event_of(case, "decide")[0].data["departed_from_guidance"] is True


def test_breach_of_a_discriminatory_rule_adds_the_training_condition(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1], rules=["RU2"])
    decision = svc.case_decide(
        case=case, actor=panel[0], version=case.version, now=t0, **decide_kwargs(findings=breached("RU2"))
    )
    assert TRAINING_CONDITION in decision.sanctions.get().conditions


def test_training_condition_is_not_added_twice(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1], rules=["RU2"])
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=case.version,
        now=t0,
        **decide_kwargs(
            findings=breached("RU2"), sanctions=[spec("conditions", None, "Attend training on antisemitism.")]
        ),
    )
    assert decision.sanctions.get().conditions == "Attend training on antisemitism."


def test_non_discriminatory_breach_has_no_training_condition(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel[:1])
    decision = svc.case_decide(case=case, actor=panel[0], version=case.version, now=t0, **decide_kwargs())
    assert decision.sanctions.get().conditions == ""


def test_suspension_waits_for_a_second_panel_member(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel, rules=["RU1"])
    respondent, version = case.respondent, case.version

    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=version,
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("suspension_membership", 90)]),
    )

    assert decision.needs_confirmation and not decision.in_effect
    sanction = decision.sanctions.get()
    assert (sanction.status, sanction.starts_on, sanction.ends_on) == (Sanction.Status.PENDING, None, None)
    assert reload(respondent).standing == Member.Standing.GOOD
    assert event_of(case, "decide")[0].data["needs_confirmation"] is True

    # The decider cannot confirm their own decision; nor can someone off the panel.
    refused(PermissionDenied, svc.case_confirm_decision, case, match="second member", actor=panel[0], now=t0)
    refused(PermissionDenied, svc.case_confirm_decision, case, actor=UserFactory(roles=["panel"]), now=t0)
    assert reload(sanction).status == Sanction.Status.PENDING

    confirmed_at = t0 + 2 * DAY
    svc.case_confirm_decision(case=case, actor=panel[1], version=version + 1, now=confirmed_at)

    today = timezone.localdate(confirmed_at)
    reload(case)
    assert (case.status, case.version) == (Case.Status.DECIDED, version + 2)
    reload(decision)
    assert (decision.confirmed_by, decision.confirmed_at) == (panel[1], confirmed_at)
    reload(sanction)
    assert sanction.status == Sanction.Status.ACTIVE
    assert (sanction.imposed_on, sanction.starts_on, sanction.ends_on) == (today, today, today + 89 * DAY)
    reload(respondent)
    assert (respondent.standing, respondent.standing_until) == (Member.Standing.SUSPENDED, today + 89 * DAY)
    event, _ = event_of(case, "confirm_decision")
    assert (event.actor, event.from_status, event.to_status, event.data) == (
        panel[1],
        "decided",
        "decided",
        {"decision": decision.pk},
    )
    assert AuditEvent.objects.filter(action="member.standing", object_id=str(respondent.pk)).count() == 1


def test_confirming_a_decision_that_needs_no_confirmation_is_a_conflict(case_at, panel, t0):
    case = case_at(Stage.DECIDED, panel=panel)
    refused(ConflictError, svc.case_confirm_decision, case, match="no decision waiting", actor=panel[1], now=t0)


def test_confirmed_expulsion_bars_rejoining_for_five_years(case_at, panel, t0):
    case = case_at(Stage.PANEL, panel=panel, rules=["RU1"])
    respondent = case.respondent
    decision = svc.case_decide(
        case=case,
        actor=panel[0],
        version=case.version,
        now=t0,
        **decide_kwargs(findings=breached("RU1"), sanctions=[spec("expulsion")]),
    )
    assert reload(respondent).standing == Member.Standing.GOOD

    svc.case_confirm_decision(case=case, actor=panel[2], version=case.version + 1, now=t0)

    today = timezone.localdate(t0)
    sanction = decision.sanctions.get()
    assert sanction.status == Sanction.Status.ACTIVE and sanction.ends_on is None
    assert sanction.rejoin_barred_until == today + dt.timedelta(days=5 * 365)
    reload(respondent)
    assert respondent.standing == Member.Standing.EXPELLED
    assert respondent.rejoin_barred_until == today + dt.timedelta(days=5 * 365)
