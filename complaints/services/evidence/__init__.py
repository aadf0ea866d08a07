"""Evidence: one module per concern (rows, ingest, attribution, campaigns)."""

from complaints.services.evidence.attribution import (
    cases_for_members,
    evidence_attribute_waiting,
    member_ids_for_respondents,
)
from complaints.services.evidence.ingest import IngestResult, evidence_ingest, evidence_upload

__all__ = [
    "IngestResult",
    "cases_for_members",
    "evidence_attribute_waiting",
    "evidence_ingest",
    "evidence_upload",
    "member_ids_for_respondents",
]
