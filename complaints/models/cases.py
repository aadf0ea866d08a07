"""Cases and what due process records on them: responses, decisions, sanctions, appeals, interim suspensions."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from complaints.models.complaints import Complaint
from conduct.models import Category, CodeVersion, Rule, SanctionType, Severity
from members.models import Member


class Case(models.Model):
    """One respondent's matter; carries the workflow (complaints.workflow)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "received"
        INVESTIGATION = "investigation", "investigation"
        AWAITING_RESPONSE = "awaiting_response", "awaiting response"
        PANEL = "panel", "panel"
        DECIDED = "decided", "decided"
        APPEAL = "appeal", "appeal"
        CLOSED = "closed", "closed"
        DISMISSED = "dismissed", "dismissed"

    class DismissReason(models.TextChoices):
        NO_CASE = "no_case_to_answer", "no case to answer"
        INSUFFICIENT = "insufficient_evidence", "insufficient evidence"
        OUT_OF_SCOPE = "out_of_scope", "out of scope"
        NOT_A_MEMBER = "not_a_member", "not a member"
        VEXATIOUS = "vexatious", "vexatious"

    OPEN_STATUSES = (
        Status.RECEIVED,
        Status.INVESTIGATION,
        Status.AWAITING_RESPONSE,
        Status.PANEL,
        Status.DECIDED,
        Status.APPEAL,
    )

    reference = models.CharField(max_length=24, unique=True)
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="cases")
    respondent = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    version = models.PositiveIntegerField(default=1)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.LOW)
    categories = models.ManyToManyField(Category, blank=True, related_name="cases")
    evidence_count = models.PositiveIntegerField(default=0)
    threat_count = models.PositiveIntegerField(default=0)
    code_version = models.ForeignKey(CodeVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_investigating"
    )
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="panel_cases")
    appeal_panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="appeal_panel_cases")
    # Notice of allegations
    allegations = models.TextField(blank=True)
    rules_charged = models.ManyToManyField(Rule, blank=True, related_name="cases_charged")
    notice_issued_at = models.DateTimeField(null=True, blank=True)
    response_due = models.DateTimeField(null=True, blank=True)
    response_lapsed = models.BooleanField(default=False)
    report = models.TextField(blank=True, help_text="The investigation report sent to the panel.")
    dismiss_reason_code = models.CharField(max_length=30, choices=DismissReason.choices, blank=True)
    dismiss_reason = models.TextField(blank=True)
    police_referral_due = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-severity", "-evidence_count", "opened_at"]
        indexes = [
            models.Index(fields=["status", "-severity", "-evidence_count", "opened_at"], name="case_triage_idx"),
            models.Index(fields=["respondent", "status"], name="case_respondent_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def team_user_ids(self) -> set[int]:
        """Investigator, panel and appeal panel: the people who may work on this case."""
        ids = {u.pk for u in self.panel.all()} | {u.pk for u in self.appeal_panel.all()}
        if self.assigned_to_id:
            ids.add(self.assigned_to_id)
        return ids


class Response(models.Model):
    """The respondent's answer to the notice of allegations."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="responses")
    text = models.TextField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False, help_text="Recorded by an officer for the respondent.")
    submitted_at = models.DateTimeField()

    def __str__(self):
        return f"response to {self.case}"


class Decision(models.Model):
    """A panel's decision (or an officer's informal resolution) on a case."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "upheld"
        NOT_UPHELD = "not_upheld", "not upheld"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    informal = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    findings = models.JSONField(default=list, blank=True, help_text='[{"rule": code, "breached": bool}]')
    reasons = models.TextField()
    departure_reason = models.TextField(blank=True)
    departed_from_guidance = models.BooleanField(default=False)
    guidance = models.JSONField(default=dict, blank=True, help_text="The guidance range looked up at decision time.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    needs_confirmation = models.BooleanField(default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at"]

    def __str__(self):
        return f"decision on {self.case}: {self.outcome}"

    @property
    def in_effect(self) -> bool:
        return not self.needs_confirmation or self.confirmed_at is not None

    @property
    def effective_at(self) -> dt.datetime | None:
        """When the decision took effect: its confirmation if it needed one, else its making; None while pending."""
        if not self.needs_confirmation:
            return self.decided_at
        return self.confirmed_at

    @property
    def appeal_due(self) -> dt.datetime | None:
        """The end of the appeal window, which opens when the decision takes effect (None until then)."""
        effective = self.effective_at
        return effective + dt.timedelta(days=settings.CONDUCT["APPEAL_DAYS"]) if effective else None


class Sanction(models.Model):
    """A sanction imposed by a decision. Its effective status follows time (see `effective_status`)."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending confirmation"
        ACTIVE = "active", "active"
        SPENT = "spent", "spent"
        OVERTURNED = "overturned", "overturned"
        VARIED = "varied", "varied"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sanctions")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="sanctions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="sanctions")
    constituency = models.ForeignKey(
        "members.Constituency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member's constituency when the sanction was imposed (what the register is filtered by).",
    )
    sanction_type = models.ForeignKey(SanctionType, on_delete=models.PROTECT, related_name="sanctions")
    level = models.PositiveSmallIntegerField()
    duration_days = models.PositiveIntegerField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    rules = models.ManyToManyField(Rule, blank=True, related_name="sanctions")
    categories = models.ManyToManyField(Category, blank=True, related_name="sanctions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    departed_from_guidance = models.BooleanField(default=False)
    imposed_on = models.DateField(null=True, blank=True, help_text="When it took effect (after any confirmation).")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True, help_text="Last day of a fixed term.")
    revoked_on = models.DateField(null=True, blank=True, help_text="When an appeal overturned or varied it.")
    rejoin_barred_until = models.DateField(null=True, blank=True)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imposed_on", "-id"]
        indexes = [
            models.Index(fields=["member", "imposed_on"], name="sanction_member_idx"),
            # The register's order, carrying the columns of its status and in-force filters.
            models.Index(
                fields=["-imposed_on", "-id", "status", "starts_on", "ends_on", "revoked_on"],
                name="sanction_register_idx",
            ),
            models.Index(fields=["constituency", "-imposed_on"], name="sanction_constituency_idx"),
            models.Index(fields=["status", "starts_on", "ends_on"], name="sanction_status_term_idx"),
            models.Index(fields=["sanction_type", "imposed_on"], name="sanction_type_idx"),
            models.Index(
                fields=["starts_on", "ends_on", "revoked_on"],
                condition=~Q(status="pending"),
                name="sanction_in_force_idx",
            ),
            models.Index(
                fields=["-imposed_on", "-id"], condition=Q(departed_from_guidance=True), name="sanction_departed_idx"
            ),
        ]

    def __str__(self):
        return f"{self.sanction_type} on {self.member_id}"

    def effective_status(self, today: dt.date) -> str:
        if self.status == self.Status.ACTIVE and self.ends_on is not None and self.ends_on < today:
            return self.Status.SPENT
        return self.status


def sanctions_in_force_q(day: dt.date) -> Q:
    """Sanctions that were in force on `day`, whatever their status now."""
    return (
        Q(starts_on__isnull=False, starts_on__lte=day)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        & ~Q(status=Sanction.Status.PENDING)
    )


class Appeal(models.Model):
    """The respondent's appeal against a decision: one per decision."""

    class Outcome(models.TextChoices):
        DISMISSED = "dismissed", "dismissed (sanctions stand)"
        UPHELD = "upheld", "upheld (sanctions overturned)"
        VARIED = "varied", "varied (sanctions replaced)"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    grounds = models.TextField()
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    needs_confirmation = models.BooleanField(
        default=False, help_text="A variation that suspends or expels: a second appeal panel member confirms it."
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"appeal on {self.case}"

    @property
    def awaiting_confirmation(self) -> bool:
        return bool(self.outcome) and self.needs_confirmation and self.confirmed_at is None


class InterimSuspension(models.Model):
    """An administrative suspension: a precaution with its own clock, never a sanction."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interim_suspensions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="interim_suspensions")
    reason = models.TextField()
    imposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imposed_at = models.DateTimeField()
    next_review_due = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(lifted_at__isnull=True), name="one_open_interim_per_case"
            ),
        ]

    def __str__(self):
        return f"interim suspension on {self.case}"

    def review_overdue(self, now: dt.datetime) -> bool:
        return self.lifted_at is None and self.next_review_due < now

    def long_running(self, now: dt.datetime) -> bool:
        """In place longer than the long-suspension threshold (6 months by default)."""
        limit = dt.timedelta(days=settings.CONDUCT["INTERIM_LONG_DAYS"])
        return self.lifted_at is None and now - self.imposed_at > limit
