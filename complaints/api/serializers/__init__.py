"""Input serializers validate shape and resolve names to objects (400 when unknown); output
serializers shape responses. No business rule lives here: the services hold them.

One module per subject; every name is importable from here (`from complaints.api import
serializers as s`). The action inputs live in complaints/api/actions.py, the auditors'
register in complaints/api/register.py.
"""

from complaints.api.serializers.allegations import (
    AllegationSerializer,
    AppealInputSerializer,
    AppealSerializer,
    ResponseInputSerializer,
    ResponseSerializer,
)
from complaints.api.serializers.cases import (
    CaseDetailSerializer,
    CaseListSerializer,
    InterimSuspensionSerializer,
    MemberBriefSerializer,
    PoliceReferralSerializer,
)
from complaints.api.serializers.complaints import (
    CaseBriefSerializer,
    ComplaintCaseSerializer,
    ComplaintCreatedSerializer,
    ComplaintCreateSerializer,
    ComplaintSerializer,
    EvidenceFileSerializer,
    EvidenceItemSerializer,
    EvidenceSerializer,
    RejectedRowSerializer,
    RespondentSerializer,
    SenderRankingSerializer,
    SenderSerializer,
    StaffEvidenceSerializer,
    UploadJobProgressSerializer,
    UploadJobSerializer,
    UploadJobStartedSerializer,
    UploadResultSerializer,
    case_outcome,
)
from complaints.api.serializers.decisions import (
    AppealBriefSerializer,
    AwaitingConfirmationSerializer,
    DecisionSerializer,
    SanctionBriefSerializer,
)
from complaints.api.serializers.resolve import resolve_rules, resolve_sanction_type, resolve_users

__all__ = [
    "AllegationSerializer",
    "AppealBriefSerializer",
    "AppealInputSerializer",
    "AppealSerializer",
    "AwaitingConfirmationSerializer",
    "CaseBriefSerializer",
    "CaseDetailSerializer",
    "CaseListSerializer",
    "ComplaintCaseSerializer",
    "ComplaintCreateSerializer",
    "ComplaintCreatedSerializer",
    "ComplaintSerializer",
    "DecisionSerializer",
    "EvidenceFileSerializer",
    "EvidenceItemSerializer",
    "EvidenceSerializer",
    "InterimSuspensionSerializer",
    "MemberBriefSerializer",
    "PoliceReferralSerializer",
    "RejectedRowSerializer",
    "RespondentSerializer",
    "ResponseInputSerializer",
    "ResponseSerializer",
    "SanctionBriefSerializer",
    "SenderRankingSerializer",
    "SenderSerializer",
    "StaffEvidenceSerializer",
    "UploadJobProgressSerializer",
    "UploadJobSerializer",
    "UploadJobStartedSerializer",
    "UploadResultSerializer",
    "case_outcome",
    "resolve_rules",
    "resolve_sanction_type",
    "resolve_users",
]
