"""The conditions on a case's state that the workflow table checks: each guard answers
`guard(case, actor, now)` with a refusal in words (409) or None.

Also what awaits a second panel member's confirmation, which the guards, the services
and the output read alike.
"""

from django.conf import settings
from django.utils import timezone

from complaints.conflicts import conflict_reason
from complaints.models import Appeal, Case, Evidence, InterimSuspension, PoliceReferral
from core.errors import PermissionDenied

S = Case.Status


def before_response_deadline(case, actor, now):
    # Nobody, not even an officer on the respondent's behalf, answers late: after the
    # deadline the officer continues without a response and the lapse is recorded.
    if case.response_due and now > case.response_due:
        return "The response deadline has passed; an officer may continue without a response."
    return None


def after_response_deadline(case, actor, now):
    if case.response_due and now <= case.response_due:
        return "The response deadline has not passed yet."
    return None


def latest_decision(case):
    decisions = getattr(case, "_prefetched_objects_cache", {}).get("decisions")
    if decisions is not None:
        return max(decisions, key=lambda d: (d.decided_at, d.pk), default=None)
    return case.decisions.order_by("-decided_at", "-pk").first()


def pending_appeal(case):
    """The appeal decided with a variation that awaits a second appeal panel member, or None."""
    appeals = getattr(case, "_prefetched_objects_cache", {}).get("appeals")
    if appeals is None:
        appeals = case.appeals.filter(needs_confirmation=True, confirmed_at__isnull=True).exclude(outcome="")
    return next((a for a in appeals if a.awaiting_confirmation), None)


def awaiting_confirmation(case):
    """What on `case` awaits a second panel member's confirmation: a Decision, an Appeal, or None."""
    if case.status == S.APPEAL:
        return pending_appeal(case)
    if case.status == S.DECIDED:
        decision = latest_decision(case)
        if decision is not None and not decision.in_effect:
            return decision
    return None


def awaits_confirmation(case, actor, now):
    """Something awaits confirmation, and the actor is not who decided it."""
    pending = awaiting_confirmation(case)
    if pending is None:
        return "There is no decision waiting for confirmation."
    if pending.decided_by_id == actor.pk:
        # Separation of duties: who is not allowed (403), not a wrong state (409).
        if case.status == S.APPEAL:
            raise PermissionDenied("A second member of the appeal panel must confirm the appeal decision.")
        raise PermissionDenied("A second member of the panel must confirm the decision.")
    return None


def confirmers(case) -> list:
    """The panel members who may confirm what awaits confirmation on `case` (empty when nothing does)."""
    pending = awaiting_confirmation(case)
    if pending is None:
        return []
    panel = case.appeal_panel.all() if case.status == S.APPEAL else case.panel.all()
    return [u for u in panel if u.pk != pending.decided_by_id and not conflict_reason(u, case)]


def notice_issued(case, actor, now):
    if case.notice_issued_at is None:
        return "Issue the notice of allegations before referring the case to a panel."
    return None


def appeal_open(case, actor, now):
    decision = latest_decision(case)
    if decision is None or decision.outcome != decision.Outcome.UPHELD:
        return "There is no upheld decision to appeal."
    if not decision.in_effect:
        return "The decision awaits a second panel member's confirmation; it can be appealed once confirmed."
    if now > decision.appeal_due:
        return (
            f"The appeal window has closed: it ended {timezone.localtime(decision.appeal_due):%d %b %Y %H:%M}, "
            f"{settings.CONDUCT['APPEAL_DAYS']} days after the decision took effect."
        )
    if Appeal.objects.filter(decision=decision).exists():
        return "An appeal against this decision has already been lodged."
    return None


def appeal_undecided(case, actor, now):
    if pending_appeal(case) is not None:
        return "The appeal has been decided; it awaits a second member of the appeal panel's confirmation."
    return None


def appeal_panel_set(case, actor, now):
    if not case.appeal_panel.exists():
        return "The appeal panel has not been set."
    return appeal_undecided(case, actor, now)


def closable(case, actor, now):
    decision = latest_decision(case)
    if decision is None:
        return "There is no decision."
    if not decision.in_effect:
        return "The decision awaits a second panel member's confirmation."
    if decision.outcome == decision.Outcome.UPHELD and now <= decision.appeal_due:
        return "The appeal window is still open."
    return None


def no_open_interim(case, actor, now):
    if has_open_interim(case):
        return "An interim suspension is already in place on this case."
    return None


def open_interim(case, actor, now):
    if not has_open_interim(case):
        return "There is no interim suspension in place on this case."
    return None


def has_open_interim(case) -> bool:
    return InterimSuspension.objects.filter(case_id=case.pk, lifted_at__isnull=True).exists()


def no_case_yet(case, actor, now):
    """A case is opened once per complaint and respondent."""
    if case.complaint.cases.filter(respondent_id=case.respondent_id).exists():
        return "This complaint already has a case about that member."
    return None


def not_covered_by_complaint_referral(case, actor, now):
    """A referral on the complaint that covers every threat of this respondent already stands for
    the case: nobody records the same referral twice."""
    threats = Evidence.objects.filter(case=case, threat=True)
    if not threats.exists() or threats.filter(police_referrals__isnull=True).exists():
        return None
    covering = (
        PoliceReferral.objects.filter(complaint_id=case.complaint_id, case__isnull=True, evidence__case=case)
        .order_by("-recorded_at")
        .first()
    )
    if covering is None:
        return None
    when = timezone.localtime(covering.recorded_at).strftime("%-d %B %Y at %H:%M")
    return (
        f"The police-referral decision recorded on complaint {case.complaint.reference} on {when} "
        "already covers this respondent's threats."
    )
