import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Severity(models.IntegerChoices):
    """Ordered so that `-severity` is the triage order."""

    LOW = 1, "low"
    MEDIUM = 2, "medium"
    HIGH = 3, "high"
    CRITICAL = 4, "critical"

    @classmethod
    def from_label(cls, label: str) -> "Severity":
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(label)


class CodeVersion(models.Model):
    """One version of the code of conduct; a charge is judged against the version in force on the incident date."""

    version = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    in_force_from = models.DateField()
    in_force_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["version"]

    def __str__(self):
        return f"{self.title} v{self.version}"


class Category(models.Model):
    """An abuse category (DESIGN.md §3) with its default severity."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    default_severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    discriminatory = models.BooleanField(
        default=False, help_text="Discriminatory conduct found proven always carries a training condition."
    )

    class Meta:
        ordering = ["-default_severity", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Rule(models.Model):
    """A numbered rule of one version of the code."""

    code_version = models.ForeignKey(CodeVersion, on_delete=models.PROTECT, related_name="rules")
    code = models.CharField(max_length=20)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="rules")
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)

    class Meta:
        ordering = ["code_version__version", "number"]
        constraints = [models.UniqueConstraint(fields=["code_version", "code"], name="rule_code_unique_per_version")]

    def __str__(self):
        return f"{self.code} {self.title}"


class SanctionType(models.Model):
    """A rung of the sanction ladder. Interim suspension is not a sanction and is not here."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField(unique=True, help_text="0 is least severe.")
    max_duration_days = models.PositiveIntegerField(null=True, blank=True)
    fixed_term = models.BooleanField(default=False, help_text="Needs a duration in days.")
    needs_full_panel = models.BooleanField(
        default=False, help_text="Suspension and expulsion: a full panel and a second member's confirmation."
    )
    bars_rejoining = models.BooleanField(default=False)

    class Meta:
        ordering = ["level"]

    def __str__(self):
        return self.name


class PriorRecord(models.TextChoices):
    NONE = "none", "no prior sanction"
    ONE = "one", "one prior sanction"
    SEVERAL = "several", "two or more prior sanctions"

    @classmethod
    def for_count(cls, count: int) -> "PriorRecord":
        return cls.NONE if count == 0 else cls.ONE if count == 1 else cls.SEVERAL


class GuidanceEntry(models.Model):
    """Published sanction guidance: category x severity x prior record -> recommended range."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="guidance")
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    prior_record = models.CharField(max_length=10, choices=PriorRecord.choices)
    min_sanction = models.ForeignKey(SanctionType, on_delete=models.PROTECT, related_name="+")
    max_sanction = models.ForeignKey(SanctionType, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["category", "severity", "prior_record"]
        verbose_name_plural = "guidance entries"
        constraints = [
            models.UniqueConstraint(fields=["category", "severity", "prior_record"], name="guidance_unique_cell"),
        ]

    def __str__(self):
        return f"{self.category} / {self.get_severity_display()} / {self.prior_record}"

    def contains(self, sanction_type: SanctionType) -> bool:
        return self.min_sanction.level <= sanction_type.level <= self.max_sanction.level


def rules_in_force(on_date):
    """Rules of the code version in force on `on_date` (the latest version when no date).

    Lazy: the version is a subquery, so building the queryset touches no table.
    """
    versions = CodeVersion.objects.all()
    if on_date is not None:
        versions = versions.filter(in_force_from__lte=on_date).filter(
            Q(in_force_until__isnull=True) | Q(in_force_until__gte=on_date)
        )
    latest = versions.order_by("-version").values("pk")[:1]
    return Rule.objects.filter(code_version=models.Subquery(latest))


class IndicatorPhrase(models.Model):
    """An entry of the indicator lexicon used to flag evidence; officers edit it in the admin.

    A phrase matches whole words of the normalised text (case, accents of compatibility
    forms and punctuation folded); a pattern is a regular expression over the same text.
    """

    class Kind(models.TextChoices):
        PHRASE = "phrase", "phrase"
        PATTERN = "pattern", "regular expression"

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PHRASE)
    text = models.CharField(max_length=200)
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices, null=True, blank=True, help_text="Leave empty for the category's default."
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "text"]
        constraints = [models.UniqueConstraint(fields=["category", "kind", "text"], name="indicator_unique")]

    def __str__(self):
        return f"{self.category.code}: {self.text}"

    def clean(self):
        if self.kind == self.Kind.PATTERN:
            try:
                re.compile(self.text)
            except re.error as exc:
                raise ValidationError({"text": f"Not a valid regular expression: {exc}"}) from None

    @property
    def effective_severity(self) -> int:
        return self.severity or self.category.default_severity
