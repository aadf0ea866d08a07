"""The lexicon looks back: stored evidence flagged again by the detector as it stands now.

When an officer changes the lexicon (conduct.signals.lexicon_changed, handled in
complaints.handlers) or someone runs `manage.py rescan_evidence`, every stored item is
flagged again against its complaint's target:

- the machine's flags (`machine_threat`, `machine_categories`) always follow the detector;
- an item no officer has corrected (`classified_at` is null) takes the new flags as its
  own (`threat`, `categories`, `severity`); an item an officer corrected keeps the
  officer's flags;
- a threat found now is received now: `threat_since` starts the complaint's police
  clock from this moment, never from the message's own time; an item that is no longer a
  threat leaves the clock;
- the cases touched are worked out afresh (`cases_refresh(..., reclassified=True)`), and
  each complaint that changed gets one audit event with its counts and the ids of the
  threats found.

Each complaint is re-scanned in its own transaction with its row locked (as an upload
is), reading in chunks and writing one UPDATE per set of identical new flags per chunk.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.events import Event
from audit.services import audit_record
from complaints.models import Case, Complaint, Evidence
from complaints.services.evidence.attribution import THREAT, cases_refresh
from complaints.services.evidence.ingest import complaint_target
from complaints.services.evidence.rows import CHUNK
from conduct.detection import Detector
from conduct.models import Severity
from core.tasks import task

# Items read per query (ids first, then the rows in chunks of this size).
READ_CHUNK = 2000


@dataclass
class ComplaintRescan:
    """What one complaint's re-scan changed."""

    reference: str
    items: int = 0
    machine_changed: int = 0  # items whose machine flags changed
    reclassified: int = 0  # items whose own flags followed (no officer's correction on them)
    kept_by_officer: int = 0  # items whose machine flags changed under an officer's correction
    threats_found: list[int] = field(default_factory=list)
    threats_cleared: list[int] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # one per item changed: id, case, before, after

    @property
    def changed(self) -> bool:
        return self.machine_changed > 0 or self.reclassified > 0

    def audit_data(self) -> dict:
        return {
            "items": self.items,
            "machine_changed": self.machine_changed,
            "reclassified": self.reclassified,
            "kept_by_officer": self.kept_by_officer,
            "threats_found": self.threats_found,
            "threats_cleared": self.threats_cleared,
            "cases": self.cases,
        }


@dataclass
class RescanResult:
    dry_run: bool = False
    items: int = 0
    complaints: list[ComplaintRescan] = field(default_factory=list)  # the complaints that changed

    @property
    def items_changed(self) -> int:
        return sum(c.machine_changed for c in self.complaints)

    @property
    def threats_found(self) -> int:
        return sum(len(c.threats_found) for c in self.complaints)

    @property
    def cases(self) -> list[str]:
        return sorted({ref for c in self.complaints for ref in c.cases})


def _flags(detector: Detector, text: str, target) -> tuple[list[str], int, bool]:
    categories, severity = detector.flag(text, target)
    return categories, severity or Severity.LOW, THREAT in categories


_FIELDS = (
    "pk",
    "text",
    "case_id",
    "categories",
    "severity",
    "threat",
    "machine_threat",
    "machine_categories",
    "classified_at",
)


def _rescan_complaint(
    *, complaint: Complaint, detector: Detector, actor, now: dt.datetime, dry_run: bool, progress
) -> ComplaintRescan:
    target = complaint_target(complaint)
    found = ComplaintRescan(reference=complaint.reference)
    ids = list(Evidence.objects.filter(complaint=complaint).order_by("pk").values_list("pk", flat=True))
    touched_cases: set[int] = set()
    for start in range(0, len(ids), READ_CHUNK):
        chunk = ids[start : start + READ_CHUNK]
        # {(fields to set, as a hashable tuple): [ids]}: one UPDATE for every set of identical new flags.
        updates: dict[tuple, list[int]] = {}
        rows = Evidence.objects.filter(complaint=complaint, pk__gte=chunk[0], pk__lte=chunk[-1])
        for pk, text, case_id, categories, severity, threat, machine_threat, machine_categories, classified_at in (
            rows.order_by().values_list(*_FIELDS).iterator(chunk_size=READ_CHUNK)
        ):
            found.items += 1
            new_categories, new_severity, new_threat = _flags(detector, text, target)
            machine_moved = (machine_threat, list(machine_categories)) != (new_threat, new_categories)
            corrected = classified_at is not None
            own_moved = not corrected and (threat, list(categories), severity) != (
                new_threat,
                new_categories,
                new_severity,
            )
            if not machine_moved and not own_moved:
                continue
            values = {"machine_threat": new_threat, "machine_categories": tuple(new_categories)}
            if machine_moved:
                found.machine_changed += 1
                found.kept_by_officer += corrected
            if own_moved:
                found.reclassified += 1
                values.update(threat=new_threat, categories=tuple(new_categories), severity=new_severity)
                if new_threat and not threat:
                    values["threat_since"] = now
                    found.threats_found.append(pk)
                elif threat and not new_threat:
                    values["threat_since"] = None
                    found.threats_cleared.append(pk)
                if case_id:
                    touched_cases.add(case_id)
            found.changes.append(
                {
                    "id": pk,
                    "case_id": case_id,
                    "corrected": corrected,
                    "before": {"threat": machine_threat, "categories": list(machine_categories)},
                    "after": {"threat": new_threat, "categories": new_categories},
                }
            )
            updates.setdefault(tuple(sorted(values.items())), []).append(pk)
        if not dry_run:
            for values, pks in updates.items():
                fields = {k: (list(v) if isinstance(v, tuple) else v) for k, v in values}
                for i in range(0, len(pks), CHUNK):
                    Evidence.objects.filter(pk__in=pks[i : i + CHUNK]).update(**fields)
        if progress is not None:
            progress(complaint.reference, min(start + READ_CHUNK, len(ids)), len(ids))
    if touched_cases:
        found.cases = sorted(Case.objects.filter(pk__in=touched_cases).values_list("reference", flat=True))
    if not dry_run and found.changed:
        cases_refresh(case_ids=touched_cases, now=now, reclassified=True)
        audit_record(actor=actor, action=Event.EVIDENCE_RESCAN, obj=complaint, data=found.audit_data())
    return found


def evidence_rescan(
    *,
    actor=None,
    complaint_ids=None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> RescanResult:
    """Flag every stored item (on `complaint_ids`, or all) again with the detector as it stands; see the module.

    `dry_run` works out and returns the changes and writes nothing. `progress(reference,
    done, total)` is called after each chunk of a complaint's items.
    """
    now = now or timezone.now()
    detector = Detector.load()
    result = RescanResult(dry_run=dry_run)
    complaints = Complaint.objects.filter(anonymised_at__isnull=True)
    if complaint_ids is not None:
        complaints = complaints.filter(pk__in=list(complaint_ids))
    with_evidence = complaints.annotate(n=Count("evidence")).filter(n__gt=0).order_by("pk")
    for complaint_id in list(with_evidence.values_list("pk", flat=True)):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
            found = _rescan_complaint(
                complaint=complaint, detector=detector, actor=actor, now=now, dry_run=dry_run, progress=progress
            )
            if dry_run:
                transaction.set_rollback(True)
        result.items += found.items
        if found.changed:
            result.complaints.append(found)
    return result


@task
def evidence_rescan_task(*, actor_id: int | None = None, complaint_ids: list[int] | None = None) -> None:
    """Background work: re-scan stored evidence after the lexicon changed (the officer who changed it acts)."""
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    evidence_rescan(actor=actor, complaint_ids=complaint_ids)
