from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from members.normalise import normalise


def identity_key(kind: str, platform: str, normalised: str) -> str:
    """`kind:platform:normalised`, the platform named only for kinds that belong to one."""
    return f"{kind}:{platform if kind in Identity.PLATFORM_KINDS else ''}:{normalised}"


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Constituency(models.Model):
    name = models.CharField(max_length=150, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="constituencies")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "constituencies"

    def __str__(self):
        return self.name


class Member(models.Model):
    """A party member. `standing` is derived from sanctions and interim suspensions and
    is kept up to date by complaints' services; it is never typed by hand."""

    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        LAPSED = "lapsed", "lapsed"
        RESIGNED = "resigned", "resigned"
        EXPELLED = "expelled", "expelled"

    class Standing(models.TextChoices):
        GOOD = "good", "in good standing"
        ADMIN_SUSPENDED = "administratively_suspended", "administratively suspended"
        SUSPENDED = "suspended", "suspended"
        EXPELLED = "expelled", "expelled"

    membership_number = models.CharField(max_length=20, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    constituency = models.ForeignKey(
        Constituency, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    joined_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    offices = models.CharField(
        max_length=300, blank=True, help_text="Offices held: MP, councillor, branch officer, staff."
    )
    affiliations = models.CharField(max_length=300, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    standing = models.CharField(max_length=32, choices=Standing.choices, default=Standing.GOOD, editable=False)
    standing_until = models.DateField(null=True, blank=True, editable=False)
    rejoin_barred_until = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["membership_number"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="member_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.membership_number})"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def standing_on(self, day) -> str:
        """The stored standing, or good standing once its fixed term has run out."""
        if self.standing_until is not None and day > self.standing_until:
            return self.Standing.GOOD
        return self.standing


class Identity(models.Model):
    """A handle, platform account id, e-mail or phone number a member is known by, stored with its normal
    form. A platform's numeric account id (what an X archive names senders by) sits beside the handle:
    handles change, the id does not."""

    class Kind(models.TextChoices):
        HANDLE = "handle", "social handle"
        ACCOUNT_ID = "account_id", "platform account id"
        EMAIL = "email", "e-mail"
        PHONE = "phone", "phone"

    # Kinds that belong to one platform: their sender keys name it.
    PLATFORM_KINDS = frozenset({Kind.HANDLE, Kind.ACCOUNT_ID})

    class Platform(models.TextChoices):
        NONE = "", "-"
        TWITTER = "twitter", "Twitter / X"
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        TIKTOK = "tiktok", "TikTok"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    platform = models.CharField(max_length=20, choices=Platform.choices, blank=True, default="")
    value = models.CharField(max_length=300, help_text="As written.")
    normalised = models.CharField(max_length=300, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "identities"
        indexes = [
            models.Index(fields=["kind", "platform", "normalised"], name="identity_lookup_idx"),
            # E-mails and phones are looked up by kind and value alone.
            models.Index(fields=["kind", "normalised"], name="identity_value_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "platform", "normalised"], name="identity_unique_per_member"
            ),
        ]

    def __str__(self):
        prefix = f"{self.platform}:" if self.platform else ""
        return f"{prefix}{self.normalised}"

    def save(self, *args, **kwargs):
        self.normalised = normalise(self.kind, self.value, self.platform)
        if kwargs.get("update_fields") is not None and "value" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"normalised"}
        super().save(*args, **kwargs)

    @property
    def sender_key(self) -> str:
        """The key evidence from this identity carries (`kind:platform:normalised`)."""
        return identity_key(self.kind, self.platform, self.normalised)

    def clean(self):
        if self.kind == self.Kind.ACCOUNT_ID:
            if not self.platform:
                raise ValidationError({"platform": "An account id belongs to a platform: name it."})
            if not normalise(self.kind, self.value, self.platform):
                raise ValidationError({"value": "A platform account id is digits only (e.g. 1234567890)."})
