"""Records beside the workflow: police-referral decisions, reminders sent, conflict declarations,
login-link changes."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from complaints.models.cases import Case
from complaints.models.complaints import Complaint
from complaints.models.evidence import Evidence
from members.models import Member


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
