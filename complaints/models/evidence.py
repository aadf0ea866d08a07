"""One piece of reported conduct, with the machine's flags and an officer's corrections."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from complaints.models.cases import Case
from complaints.models.complaints import Campaign, Complaint
from conduct.models import Severity
from members.models import Member


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
    author_account = models.CharField(
        max_length=40, blank=True, help_text="The sender's numeric account id on the platform (X archives)."
    )
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


def _evidence_file_path(instance, filename):
    # One folder per item; storage adds a suffix to a name already taken rather than overwrite it.
    return f"evidence-files/{instance.evidence_id}/{filename}"


class EvidenceFile(models.Model):
    """An item's native file (an e-mail's raw message, a screenshot, a recording, a PDF), kept unaltered.

    Stored through Django's storage API and never served from a public URL: downloads go
    through a scoped, audited view. A row is never changed or its file replaced.
    """

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255, help_text="The name it was sent with (display only).")
    content_type = models.CharField(max_length=100, help_text="The type read from the content.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_evidence_file_path, max_length=500)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evidence", "id"]

    def __str__(self):
        return f"{self.name} ({self.sha256[:12]})"


class EvidenceMapping(models.Model):
    """A call-log export's columns, named once and chosen with `?mapping=NAME` on upload.

    Each field names a column of the provider's CSV; the start time is read with
    `start_format` (a `strptime` format, or `iso`) in `time_zone` when it carries none.
    """

    class DurationUnit(models.TextChoices):
        SECONDS = "seconds", "seconds"
        CLOCK = "clock", "h:mm:ss or m:ss"

    name = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)
    caller_column = models.CharField(max_length=100, help_text="The caller's number.")
    start_column = models.CharField(max_length=100, help_text="When the call started.")
    start_format = models.CharField(max_length=60, default="iso", help_text="`iso`, or a strptime format.")
    time_zone = models.CharField(max_length=60, default="Europe/London", help_text="Of times without an offset.")
    duration_column = models.CharField(max_length=100, blank=True)
    duration_unit = models.CharField(max_length=10, choices=DurationUnit.choices, default=DurationUnit.SECONDS)
    direction_column = models.CharField(max_length=100, blank=True)
    status_column = models.CharField(max_length=100, blank=True)
    note_column = models.CharField(max_length=100, blank=True, help_text="A note or transcript.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def columns(self) -> dict[str, str]:
        """{role: source column} for every column this mapping names."""
        named = {
            "caller": self.caller_column,
            "start": self.start_column,
            "duration": self.duration_column,
            "direction": self.direction_column,
            "status": self.status_column,
            "note": self.note_column,
        }
        return {role: column for role, column in named.items() if column}


class UploadJob(models.Model):
    """A bulk evidence upload past the synchronous limits, read and stored in the background.

    The file waits in storage under `path` until the job ends. `status` only moves forward
    (queued -> running -> done or failed); the items and `done` are committed together, so
    a job that runs again after it finished stores nothing twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="upload_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=500, help_text="The uploaded file in storage, until the job ends.")
    name = models.CharField(max_length=255, blank=True, help_text="The name it was sent with (display only).")
    size = models.PositiveBigIntegerField()
    format = models.CharField(max_length=10)
    mapping = models.CharField(max_length=60, blank=True)
    owner_id = models.CharField(max_length=40, blank=True)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0, help_text="Rows read and checked.")
    total = models.PositiveIntegerField(null=True, blank=True, help_text="Rows in the file, once all are read.")
    result = models.JSONField(null=True, blank=True, help_text="The upload's answer, as a 201 (or 400) would give it.")
    error = models.TextField(blank=True, help_text="Why the job failed, in words.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"upload {self.id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
