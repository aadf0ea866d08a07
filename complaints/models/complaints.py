"""Complaints and the coordinated campaigns found in their evidence."""

import datetime as dt

from django.conf import settings
from django.db import models

from conduct.models import Rule
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
