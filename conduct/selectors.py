from django.utils import timezone

from conduct.models import GuidanceEntry, SanctionType, rules_in_force


def rule_list_in_force(on_date=None):
    """The rules of the code version in force on `on_date` (today by default)."""
    return rules_in_force(on_date or timezone.localdate()).select_related("category", "code_version")


def sanction_type_list():
    return SanctionType.objects.order_by("level")


def guidance_list():
    return GuidanceEntry.objects.select_related("category", "min_sanction", "max_sanction")
