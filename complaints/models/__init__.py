"""The complaints app's models, one module per part of the domain."""

from complaints.models.cases import Appeal, Case, Decision, InterimSuspension, Response, Sanction, sanctions_in_force_q
from complaints.models.complaints import Campaign, Complaint
from complaints.models.evidence import Evidence, EvidenceFile, EvidenceMapping, UploadJob
from complaints.models.records import ConflictDeclaration, MemberLoginChange, PoliceReferral, ReminderSent

__all__ = [
    "Appeal",
    "Campaign",
    "Case",
    "Complaint",
    "ConflictDeclaration",
    "Decision",
    "Evidence",
    "EvidenceFile",
    "EvidenceMapping",
    "InterimSuspension",
    "MemberLoginChange",
    "PoliceReferral",
    "ReminderSent",
    "Response",
    "Sanction",
    "UploadJob",
    "sanctions_in_force_q",
]
