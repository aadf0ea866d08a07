"""The walker's single steps: file a complaint, or take one workflow action on a case through its service.

Each step calls one service at the case's current version, as the acting user (a sensible
default for each) and at `now` (the walker's `now` when omitted), and returns the case as
stored after it. `CaseWalker` (complaints/demo/walker.py) chains them.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from django.utils import timezone

from complaints.models import Appeal, Case, Decision
from complaints.services.cases import (
    Finding,
    SanctionSpec,
    case_close,
    case_confirm_decision,
    case_continue_without_response,
    case_decide,
    case_decide_appeal,
    case_dismiss,
    case_issue_notice,
    case_lodge_appeal,
    case_open_investigation,
    case_record_response,
    case_refer_to_panel,
    case_resolve_informally,
    case_set_appeal_panel,
)
from complaints.services.complaints import complaint_file
from conduct.models import Rule, SanctionType, rules_in_force
from members.models import Member


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


class CaseSteps:
    """Files complaints and takes single workflow steps on their cases, as given staff, at given times."""

    def __init__(
        self,
        *,
        officer,
        investigator,
        panel: Sequence,
        appeal_panel: Sequence = (),
        now: dt.datetime | None = None,
        login_for: Callable[[Member], object] | None = None,
    ):
        """`panel` and `appeal_panel` are the panel members to draw on by default (their first one or three).

        `login_for(member)` gives the login a member acts with (files, answers, appeals); by default
        the member's own login.
        """
        self.officer = officer
        self.investigator = investigator
        self.panel = list(panel)
        self.appeal_panel = list(appeal_panel)
        self.now = now or timezone.now()
        self.login_for = login_for or (lambda member: member.user)

    # --- helpers ---------------------------------------------------------------------------------

    def _at(self, now: dt.datetime | None) -> dt.datetime:
        return self.now if now is None else now

    def _member_login(self, member: Member):
        user = self.login_for(member)
        if user is None:
            raise ValueError(f"Member {member.membership_number} has no login to act with; pass actor=.")
        return user

    @staticmethod
    def sanction(code: str, days: int | None = None, conditions: str = "") -> SanctionSpec:
        """A sanction to impose: its code, a duration for fixed-term ones, conditions for 'conditions'."""
        return SanctionSpec(SanctionType.objects.get(code=code), duration_days=days, conditions=conditions)

    @staticmethod
    def _rules(rules: Iterable, now: dt.datetime) -> list[Rule]:
        """Rule rows as given, or looked up by code among the rules in force on `now`'s date."""
        rules = list(rules)
        codes = [r for r in rules if isinstance(r, str)]
        if not codes:
            return rules
        in_force = {r.code: r for r in rules_in_force(timezone.localdate(now)).filter(code__in=codes)}
        return [in_force[r] if isinstance(r, str) else r for r in rules]

    @staticmethod
    def _sitting(chosen: Sequence, sitting: Iterable) -> list:
        """The users of `sitting` in the order of `chosen` first, then the rest by pk."""
        sitting = list(sitting)
        pks = {u.pk for u in sitting}
        first = [u for u in chosen if u.pk in pks]
        return first + [u for u in sorted(sitting, key=lambda u: u.pk) if u not in first]

    # --- filing ----------------------------------------------------------------------------------

    def file(
        self,
        *,
        complainant,
        respondents: Sequence[Member | dict],
        rules: Iterable = (),
        summary: str = "Abusive messages from a fellow member",
        description: str = "The messages are attached.",
        incident_date: dt.date | None = None,
        evidence: Sequence[dict] = (),
        complainant_is_target: bool = True,
        share_identity_with_respondent: bool = False,
        target_names: Sequence[str] | None = None,
        target_pronouns: Sequence[str] = (),
        now: dt.datetime | None = None,
    ) -> list[Case]:
        """File a complaint as `complainant` (a login, or a member acting through theirs); its cases.

        Respondents are members (named by membership number) or respondent dicts as the API takes
        them; the cases come back in the order of the members named, then any opened from evidence.
        """
        now = self._at(now)
        actor = self._member_login(complainant) if isinstance(complainant, Member) else complainant
        named = [r for r in respondents if isinstance(r, Member)]
        complaint = complaint_file(
            actor=actor,
            summary=summary,
            description=description,
            incident_date=incident_date or timezone.localdate(now),
            rules=self._rules(rules, now),
            complainant_is_target=complainant_is_target,
            share_identity_with_respondent=share_identity_with_respondent,
            respondents=[
                {"membership_number": r.membership_number} if isinstance(r, Member) else r for r in respondents
            ],
            evidence=list(evidence),
            target_names=list(target_names) if target_names else None,
            target_pronouns=list(target_pronouns),
            now=now,
        )
        order = {m.pk: i for i, m in enumerate(named)}
        return sorted(complaint.cases.all(), key=lambda c: (order.get(c.respondent_id, len(order)), c.pk))

    # --- the steps, one service call each --------------------------------------------------------

    def open_investigation(self, case: Case, *, investigator=None, actor=None, now=None) -> Case:
        case = fresh(case)
        case_open_investigation(
            case=case,
            actor=actor or self.officer,
            version=case.version,
            investigator=investigator or self.investigator,
            now=self._at(now),
        )
        return fresh(case)

    def dismiss(
        self,
        case: Case,
        *,
        reason_code: str = Case.DismissReason.INSUFFICIENT,
        reason: str = "The evidence does not show a breach of the code.",
        actor=None,
        now=None,
    ) -> Case:
        case = fresh(case)
        case_dismiss(
            case=case,
            actor=actor or self.officer,
            version=case.version,
            reason_code=reason_code,
            reason=reason,
            now=self._at(now),
        )
        return fresh(case)

    def resolve_informally(
        self,
        case: Case,
        *,
        sanction: SanctionSpec | None = None,
        reasons: str = "The respondent accepted the conduct and apologised.",
        actor=None,
        now=None,
    ) -> Case:
        """An officer resolves without a panel (default: a formal warning), by default the case's investigator."""
        case = fresh(case)
        case_resolve_informally(
            case=case,
            actor=actor or case.assigned_to or self.officer,
            version=case.version,
            sanction=sanction or self.sanction("formal_warning"),
            reasons=reasons,
            now=self._at(now),
        )
        return fresh(case)

    def issue_notice(
        self,
        case: Case,
        *,
        rules: Iterable | None = None,
        allegations: str = "",
        response_due: dt.datetime | None = None,
        actor=None,
        now=None,
    ) -> Case:
        """The investigator charges `rules` (codes or rows; default: the rules the complaint names)."""
        case = fresh(case)
        now = self._at(now)
        rules = self._rules(rules, now) if rules is not None else list(case.complaint.rules.all())
        if not rules:
            raise ValueError(f"{case.reference}: the complaint names no rules; pass the rules to charge.")
        complaint = case.complaint
        incident = f"{complaint.incident_date:%d %B %Y}" if complaint.incident_date else "the date of the incident"
        allegations = allegations or (
            f"It is alleged that between {incident} and the date of the complaint you breached "
            f"{', '.join(r.code for r in rules)} of the Respect and Unity code: "
            f"{complaint.summary[0].lower()}{complaint.summary[1:]}."
        )
        case_issue_notice(
            case=case,
            actor=actor or case.assigned_to,
            version=case.version,
            allegations=allegations,
            rules=rules,
            response_due=response_due,
            now=now,
        )
        return fresh(case)

    def record_response(self, case: Case, *, text: str = "I deny the allegation.", actor=None, now=None) -> Case:
        """The respondent answers (or `actor`, an officer, records the answer for them)."""
        case = fresh(case)
        case_record_response(
            case=case,
            actor=actor or self._member_login(case.respondent),
            version=case.version,
            text=text,
            now=self._at(now),
        )
        return fresh(case)

    def continue_without_response(self, case: Case, *, actor=None, now=None) -> Case:
        """The investigator goes on without a response; `now` must be past the deadline."""
        case = fresh(case)
        case_continue_without_response(
            case=case, actor=actor or case.assigned_to, version=case.version, now=self._at(now)
        )
        return fresh(case)

    def refer_to_panel(self, case: Case, *, panel: Sequence | None = None, report: str = "", actor=None, now=None):
        """The investigator refers the case to `panel` (default: the walker's first panel member)."""
        case = fresh(case)
        report = report or (
            f"Investigation report on {case.reference}. The investigator reviewed {case.evidence_count} item(s) of "
            "evidence, the complainant's account and the respondent's response (if any), and recommends that the "
            "panel consider the allegations as charged."
        )
        case_refer_to_panel(
            case=case,
            actor=actor or case.assigned_to,
            version=case.version,
            report=report,
            panel=list(panel) if panel is not None else self.panel[:1],
            now=self._at(now),
        )
        return fresh(case)

    def decide(
        self,
        case: Case,
        *,
        outcome: str = Decision.Outcome.UPHELD,
        sanctions: Sequence[SanctionSpec] | None = None,
        not_breached: Iterable[str] = (),
        reasons: str = "",
        departure_reason: str = "",
        by=None,
        now=None,
    ) -> Case:
        """A member of the case's panel decides on every rule charged (breached unless in `not_breached`).

        Upheld defaults to a formal warning; not upheld finds no breach and imposes nothing.
        """
        case = fresh(case)
        upheld = outcome == Decision.Outcome.UPHELD
        not_breached = set(not_breached)
        findings = [Finding(rule, upheld and rule.code not in not_breached) for rule in case.rules_charged.all()]
        if sanctions is None:
            sanctions = [self.sanction("formal_warning")] if upheld else []
        reasons = reasons or (
            "Having read the evidence and the respondent's response, the panel finds the conduct proven on the "
            "balance of probabilities and imposes the sanction below."
            if upheld
            else "The panel is not satisfied on the balance of probabilities that the conduct occurred as alleged."
        )
        case_decide(
            case=case,
            actor=by or self._sitting(self.panel, case.panel.all())[0],
            version=case.version,
            findings=findings,
            outcome=outcome,
            sanctions=list(sanctions),
            reasons=reasons,
            departure_reason=departure_reason,
            now=self._at(now),
        )
        return fresh(case)

    def confirm(self, case: Case, *, by=None, now=None) -> Case:
        """A second member of the deciding panel (the appeal panel in an appeal) confirms."""
        case = fresh(case)
        if by is None:
            in_appeal = case.status == Case.Status.APPEAL
            pending = (
                case.appeals.exclude(outcome="").order_by("-decided_at", "-pk").first()
                if in_appeal
                else case.decisions.order_by("-decided_at", "-pk").first()
            )
            chosen, sitting = (
                (self.appeal_panel, case.appeal_panel.all()) if in_appeal else (self.panel, case.panel.all())
            )
            by = next(u for u in self._sitting(chosen, sitting) if pending is None or u.pk != pending.decided_by_id)
        case_confirm_decision(case=case, actor=by, version=case.version, now=self._at(now))
        return fresh(case)

    def lodge_appeal(self, case: Case, *, grounds: str = "The sanction is disproportionate.", actor=None, now=None):
        case = fresh(case)
        case_lodge_appeal(
            case=case,
            actor=actor or self._member_login(case.respondent),
            version=case.version,
            grounds=grounds,
            now=self._at(now),
        )
        return fresh(case)

    def set_appeal_panel(self, case: Case, *, panel: Sequence | None = None, actor=None, now=None) -> Case:
        """An officer names the appeal panel (default: the walker's first appeal panel member)."""
        case = fresh(case)
        case_set_appeal_panel(
            case=case,
            actor=actor or self.officer,
            version=case.version,
            panel=list(panel) if panel is not None else self.appeal_panel[:1],
            now=self._at(now),
        )
        return fresh(case)

    def decide_appeal(
        self,
        case: Case,
        *,
        outcome: str = Appeal.Outcome.DISMISSED,
        reasons: str = "The appeal panel has considered the grounds of appeal.",
        sanctions: Sequence[SanctionSpec] | None = None,
        by=None,
        now=None,
    ) -> Case:
        case = fresh(case)
        case_decide_appeal(
            case=case,
            actor=by or self._sitting(self.appeal_panel, case.appeal_panel.all())[0],
            version=case.version,
            outcome=outcome,
            reasons=reasons,
            sanctions=list(sanctions) if sanctions is not None else None,
            now=self._at(now),
        )
        return fresh(case)

    def close(self, case: Case, *, actor=None, now=None) -> Case:
        case = fresh(case)
        case_close(case=case, actor=actor or self.officer, version=case.version, now=self._at(now))
        return fresh(case)
