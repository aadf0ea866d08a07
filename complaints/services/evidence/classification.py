"""Officers correct the machine: an item's threat flag and categories, with a reason.

The detector's own flags stay beside the officer's (`machine_threat`,
`machine_categories`), so its accuracy can be measured against officers' decisions.
The item's severity, its case's threat count, severity and categories, and the
complaint's police clock follow at once: a newly found threat starts the clock from
the moment it was found.
"""

from django.db import transaction
from django.utils import timezone

from audit.events import Event
from audit.services import audit_record_many
from complaints import workflow
from complaints.models import Complaint, Evidence
from complaints.services.evidence.attribution import THREAT, cases_refresh
from conduct.models import Category, Severity
from core.errors import ValidationError


def classification_fields(*, threat, categories, reason: str) -> tuple[bool, list[str], str]:
    """(threat, categories with the threat category in step with the flag, reason), or a
    ValidationError in words naming the field."""
    if not isinstance(threat, bool):
        raise ValidationError("Must be true or false.", field="threat")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ValidationError("Must be a list of category codes.", field="categories")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError("Give the reason for the correction; it is kept in the audit log.", field="reason")
    known = set(Category.objects.values_list("code", flat=True))
    unknown = sorted(set(categories) - known)
    if unknown:
        raise ValidationError(f"Unknown categories: {', '.join(unknown)}.", field="categories")
    codes = [c for c in dict.fromkeys(categories) if c != THREAT]
    if threat:
        codes.insert(0, THREAT)
    return threat, codes, reason


def _severity(codes: list[str]) -> int:
    worst = Category.objects.filter(code__in=codes).order_by("-default_severity").first()
    severity = worst.default_severity if worst else Severity.LOW
    return Severity.CRITICAL if THREAT in codes else severity


@transaction.atomic
def evidence_classify_many(*, evidence_ids, actor, threat, categories, reason: str, now=None) -> list[Evidence]:
    """Set the officer's classification on the items (all or none): one audited event per item
    with its reason, then their cases and clocks follow."""
    now = now or timezone.now()
    threat, codes, reason = classification_fields(threat=threat, categories=categories, reason=reason)
    ids = sorted(set(evidence_ids))
    if not ids:
        raise ValidationError("Select at least one item.", field="evidence")
    items = list(
        Evidence.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("case")
        .order_by("complaint_id", "pk")
    )
    if len(items) != len(ids):
        raise ValidationError("Some of the selected items no longer exist.", field="evidence")
    for complaint in Complaint.objects.filter(pk__in={e.complaint_id for e in items}):
        workflow.check_complaint(complaint, workflow.Action.CLASSIFY_EVIDENCE, actor, now)
    references = dict(Complaint.objects.filter(pk__in={e.complaint_id for e in items}).values_list("pk", "reference"))
    severity = _severity(codes)
    events = []
    for item in items:
        before = {"threat": item.threat, "categories": list(item.categories)}
        if threat and not item.threat:
            item.threat_since = now
        elif not threat:
            item.threat_since = None
        item.threat, item.categories, item.severity = threat, codes, severity
        item.classified_by, item.classified_at, item.classification_reason = actor, now, reason
        events.append(
            {
                "action": Event.EVIDENCE_CLASSIFY,
                "obj": item,
                "case_ref": item.case.reference if item.case_id else "",
                "data": {
                    "complaint": references[item.complaint_id],
                    "evidence": item.pk,
                    "from": before,
                    "to": {"threat": threat, "categories": codes},
                    "machine": {"threat": item.machine_threat, "categories": list(item.machine_categories)},
                    "reason": reason,
                },
            }
        )
    Evidence.objects.bulk_update(
        items,
        [
            "threat",
            "categories",
            "severity",
            "threat_since",
            "classified_by",
            "classified_at",
            "classification_reason",
        ],
        batch_size=500,
    )
    audit_record_many(actor=actor, events=events)
    cases_refresh(case_ids={e.case_id for e in items if e.case_id}, now=now, reclassified=True)
    return items


def evidence_classify(*, evidence: Evidence, actor, threat, categories, reason: str, now=None) -> Evidence:
    """Set the officer's classification on one item (see `evidence_classify_many`)."""
    [item] = evidence_classify_many(
        evidence_ids=[evidence.pk], actor=actor, threat=threat, categories=categories, reason=reason, now=now
    )
    return item
