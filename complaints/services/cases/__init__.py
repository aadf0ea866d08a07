"""The actions on a case, one module per stage; each action is one atomic service.

Each locks the case, checks the caller's version (409 when stale), checks the action's
entry in the registry (`complaints.workflow`: person or role 403, state 409),
validates what it was given (400), changes the case and writes its audit event.
"""

from complaints.services.cases.appeals import case_decide_appeal, case_lodge_appeal, case_set_appeal_panel
from complaints.services.cases.closing import case_close, cases_close_lapsed
from complaints.services.cases.common import Finding, SanctionSpec, audit_case_read
from complaints.services.cases.decisions import case_confirm_decision, case_decide, case_refer_to_panel
from complaints.services.cases.investigation import (
    INFORMAL_MAX_LEVEL_CODE,
    case_dismiss,
    case_open,
    case_open_investigation,
    case_resolve_informally,
)
from complaints.services.cases.measures import (
    case_record_police_referral,
    interim_suspension_impose,
    interim_suspension_review,
)
from complaints.services.cases.notice import case_continue_without_response, case_issue_notice, case_record_response

__all__ = [
    "INFORMAL_MAX_LEVEL_CODE",
    "Finding",
    "SanctionSpec",
    "audit_case_read",
    "case_close",
    "case_confirm_decision",
    "case_continue_without_response",
    "case_decide",
    "case_decide_appeal",
    "case_dismiss",
    "case_issue_notice",
    "case_lodge_appeal",
    "case_open",
    "case_open_investigation",
    "case_record_police_referral",
    "case_record_response",
    "case_refer_to_panel",
    "case_resolve_informally",
    "case_set_appeal_panel",
    "cases_close_lapsed",
    "interim_suspension_impose",
    "interim_suspension_review",
]
