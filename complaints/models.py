import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from conduct.models import Category, CodeVersion, Rule, SanctionType, Severity
from members.models import Member


class Complaint(models.Model):
    """What a complainant filed: the unit the complainant sees."""

    class Status(models.TextChoices):
        RECEIVED = "received", "received"
        ACKNOWLEDGED = "acknowledged", "acknowledged"
        CLOSED = "closed", "closed"

    reference = models.CharField(max_length=20, unique=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints_filed")
    complainant = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints_made"
    )
    complainant_name = models.CharField(max_length=200, blank=True, help_text="An external complainant.")
    complainant_email = models.EmailField(blank=True)
    complainant_is_target = models.BooleanField(default=True)
    target_names = models.JSONField(
        default=list,
        blank=True,
        help_text="Names the evidence may call the target by; the threat detector reads them. When the "
        "complainant is the target, their first, last and full name unless given.",
    )
    target_pronouns = models.JSONField(
        default=list, blank=True, help_text='The target\'s pronouns, e.g. ["she", "her"]; the detector reads them.'
    )
    share_identity_with_respondent = models.BooleanField(default=False)
    summary = models.CharField(max_length=200)
    description = models.TextField()
    incident_date = models.DateField(null=True, blank=True)
    rules = models.ManyToManyField(Rule, blank=True, related_name="complaints")
    unidentified_respondents = models.JSONField(
        default=list, blank=True, help_text="Respondents named in the complaint who match no member."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    submitted_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the retention command removed its personal data."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        return self.reference

    @property
    def acknowledge_due(self) -> dt.datetime:
        return self.submitted_at + dt.timedelta(days=settings.CONDUCT["ACKNOWLEDGE_DAYS"])


class Campaign(models.Model):
    """Near-identical texts sent by many senders within a short window."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="campaigns")
    signature = models.CharField(max_length=64)
    sample_text = models.TextField()
    senders = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "signature"], name="campaign_unique_signature")]

    def __str__(self):
        return f"campaign {self.pk}: {self.sample_text[:40]}"


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


class Evidence(models.Model):
    """One piece of conduct reported in a complaint."""

    class Channel(models.TextChoices):
        TWITTER = "twitter", "Twitter / X"
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        TIKTOK = "tiktok", "TikTok"
        EMAIL = "email", "e-mail"
        PHONE = "phone", "phone"
        LETTER = "letter", "letter"
        IN_PERSON = "in_person", "in person"
        MEETING = "meeting", "meeting"
        OTHER = "other", "other"

    # No single-column indexes on complaint and case: the (complaint, ...) and (case, ...)
    # indexes below serve those lookups, and every index costs a 25,000-item upload time.
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence", db_index=False)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence", db_index=False
    )
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence_attributed",
        help_text="The member the sender was identified as.",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    author_handle = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_email = models.CharField(max_length=254, blank=True)
    author_phone = models.CharField(max_length=40, blank=True)
    sender_key = models.CharField(
        max_length=320,
        blank=True,
        help_text="The sender's normal form (kind:platform:value) used for attribution.",
    )
    url = models.URLField(max_length=2000, blank=True)
    url_canonical = models.CharField(max_length=2000, blank=True)
    text = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    attachment = models.FileField(upload_to="evidence/%Y/%m/", null=True, blank=True)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of sender, text and time: duplicates share it.")
    signature = models.CharField(
        max_length=64, blank=True, help_text="Hash of the text without hashtags, punctuation, emoji or filler words."
    )
    categories = models.JSONField(default=list, blank=True)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.LOW)
    threat = models.BooleanField(default=False, help_text="Flagged as a threat of violence.")
    threat_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the engine first held this item as a threat: its upload, or the reclassification "
        "that found it. The police clock runs from here.",
    )
    machine_categories = models.JSONField(
        default=list, blank=True, help_text="The categories the detector gave, kept beside an officer's correction."
    )
    machine_threat = models.BooleanField(default=False, help_text="Whether the detector flagged it as a threat.")
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    classified_at = models.DateTimeField(null=True, blank=True)
    classification_reason = models.TextField(blank=True)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name_plural = "evidence"
        indexes = [
            models.Index(fields=["complaint", "occurred_at"], name="evidence_complaint_time_idx"),
            models.Index(fields=["case", "occurred_at"], name="evidence_case_time_idx"),
            models.Index(fields=["complaint", "signature"], name="evidence_signature_idx"),
            models.Index(fields=["sender_key"], condition=Q(member__isnull=True), name="evidence_unattributed_idx"),
            models.Index(fields=["complaint", "threat_since"], condition=Q(threat=True), name="evidence_threat_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "content_hash"], name="evidence_unique_content"),
        ]

    def __str__(self):
        return f"{self.channel} {self.occurred_at:%Y-%m-%d %H:%M}"


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


class PoliceReferral(models.Model):
    """A police-referral decision: a referral, or a recorded reason not to refer.

    It belongs to the complaint, because most senders of threats are not members, and
    covers the threat items it names (`evidence`); one made from a member's case also
    names the case. Threat items it does not cover keep the complaint's clock running.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="police_referrals")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="police_referrals")
    all_senders = models.BooleanField(default=False, help_text="Covers every sender of a threat at the time.")
    sender_keys = models.JSONField(default=list, blank=True, help_text="The threat register's sender keys covered.")
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="police_referrals")
    force = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    crime_reference = models.CharField(max_length=100, blank=True)
    referred_at = models.DateTimeField(null=True, blank=True)
    not_referred_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self):
        return f"police referral on {self.case or self.complaint}"

    @property
    def referred(self) -> bool:
        return not self.not_referred_reason


class ReminderSent(models.Model):
    """One reminder or alert sent: (what, lead time, to whom) is sent once, however often the command runs."""

    key = models.CharField(max_length=300, unique=True)
    sent_at = models.DateTimeField()

    def __str__(self):
        return self.key


class ConflictDeclaration(models.Model):
    """A staff user's declared conflict with a member or a whole constituency."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    constituency = models.ForeignKey(
        "members.Constituency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(constituency__isnull=False), name="conflict_names_someone"
            ),
        ]

    def __str__(self):
        return f"{self.user} conflicted with {self.member or self.constituency}"


class MemberLoginChange(models.Model):
    """A change of the login linked to a member who has an open case: it waits for a second officer
    (four eyes), because unlinking a respondent's login silences them inside their response window."""

    class State(models.TextChoices):
        PENDING = "pending", "awaiting a second officer"
        CONFIRMED = "confirmed", "confirmed and applied"
        REFUSED = "refused", "refused"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="login_changes")
    old_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        permissions = [("change_member_login", "Can change the login linked to a member")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(state="pending"), name="one_pending_login_change_per_member"
            ),
        ]

    def __str__(self):
        return f"login change for {self.member}"
