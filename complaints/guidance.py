"""Looking up the published sanction guidance for a case."""

from dataclasses import dataclass

from complaints.models import Case, Sanction
from conduct.models import GuidanceEntry, PriorRecord, SanctionType


@dataclass
class GuidanceRange:
    category: str
    severity: int
    prior_record: str
    min_level: int
    max_level: int
    min_code: str
    max_code: str

    def contains(self, sanction_type: SanctionType) -> bool:
        return self.min_level <= sanction_type.level <= self.max_level

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "severity": self.severity,
            "prior_record": self.prior_record,
            "min": self.min_code,
            "max": self.max_code,
        }


def prior_sanction_count(case: Case) -> int:
    """Sanctions (above no further action) the respondent received on other cases and that stand."""
    return (
        Sanction.objects.filter(member_id=case.respondent_id, level__gt=0)
        .exclude(case=case)
        .exclude(status__in=[Sanction.Status.OVERTURNED, Sanction.Status.PENDING])
        .values("case_id")
        .distinct()
        .count()
    )


def case_primary_category(case: Case, rules=()):
    """The most severe category among the rules found breached, else the case's own categories."""
    candidates = [r.category for r in rules] or list(case.categories.all())
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c.default_severity, -c.pk))


def guidance_for(case: Case, rules=()) -> GuidanceRange | None:
    """The guidance range for the case's category, severity and the respondent's prior record."""
    category = case_primary_category(case, rules)
    if category is None:
        return None
    severity = max([case.severity] + [r.severity for r in rules])
    prior = PriorRecord.for_count(prior_sanction_count(case))
    entry = (
        GuidanceEntry.objects.select_related("min_sanction", "max_sanction")
        .filter(category=category, severity=severity, prior_record=prior)
        .first()
    )
    if entry is None:
        return None
    return GuidanceRange(
        category=category.code,
        severity=severity,
        prior_record=prior,
        min_level=entry.min_sanction.level,
        max_level=entry.max_sanction.level,
        min_code=entry.min_sanction.code,
        max_code=entry.max_sanction.code,
    )
