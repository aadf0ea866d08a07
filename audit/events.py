"""Every audit event's name, and one small function per family that builds its payload.

Event names are members of `Event`; nothing writes a free string. Each family function
takes the actor explicitly and writes through `audit.services.audit_record` in the
caller's transaction. A case is always named by its reference (`object_id` and
`case_ref`), so the log of a case can be read and verified by what people call it.
The audit app imports no domain app: the families take the objects they record by
duck type (`reference`, `pk`, `_meta`).
"""

from enum import StrEnum

from django.db import transaction

from audit.services import audit_record


class Event(StrEnum):
    # Case actions: "case." + the action's name in complaints.workflow.Action.
    CASE_OPEN = "case.open"
    CASE_OPEN_CASE = "case.open_case"
    CASE_OPEN_INVESTIGATION = "case.open_investigation"
    CASE_DISMISS = "case.dismiss"
    CASE_RESOLVE_INFORMALLY = "case.resolve_informally"
    CASE_ISSUE_NOTICE = "case.issue_notice"
    CASE_RECORD_RESPONSE = "case.record_response"
    CASE_CONTINUE_WITHOUT_RESPONSE = "case.continue_without_response"
    CASE_REFER_TO_PANEL = "case.refer_to_panel"
    CASE_DECIDE = "case.decide"
    CASE_CONFIRM_DECISION = "case.confirm_decision"
    CASE_LODGE_APPEAL = "case.lodge_appeal"
    CASE_SET_APPEAL_PANEL = "case.set_appeal_panel"
    CASE_DECIDE_APPEAL = "case.decide_appeal"
    CASE_CLOSE = "case.close"
    CASE_POLICE_REFERRAL = "case.police_referral"
    CASE_INTERIM_SUSPENSION_IMPOSE = "case.interim_suspension_impose"
    CASE_INTERIM_SUSPENSION_REVIEW = "case.interim_suspension_review"
    CASE_INTERIM_SUSPENSION_CONTINUE = "case.interim_suspension_continue"
    CASE_INTERIM_SUSPENSION_LIFT = "case.interim_suspension_lift"
    # Reads by staff.
    CASE_READ = "case.read"
    CASE_READ_OUTSIDE_TEAM = "case.read_outside_team"
    COMPLAINT_READ = "complaint.read"
    COMPLAINT_READ_OUTSIDE_TEAM = "complaint.read_outside_team"
    MEMBER_READ = "member.read"
    # Complaints and evidence.
    COMPLAINT_FILE = "complaint.file"
    COMPLAINT_ACKNOWLEDGE = "complaint.acknowledge"
    COMPLAINT_ANONYMISE = "complaint.anonymise"
    EVIDENCE_INGEST = "evidence.ingest"
    EVIDENCE_ATTRIBUTE = "evidence.attribute"
    EVIDENCE_CLASSIFY = "evidence.classify"
    EVIDENCE_RESCAN = "evidence.rescan"
    EVIDENCE_FILE_ATTACH = "evidence.file_attach"
    EVIDENCE_FILE_READ = "evidence.file_read"
    EVIDENCE_MAPPING_SAVE = "evidence.mapping_save"
    # Threats and the police: on the complaint, whoever sent them.
    COMPLAINT_POLICE_REFERRAL = "complaint.police_referral"
    COMPLAINT_POLICE_PACK = "complaint.police_pack"
    COMPLAINT_THREAT_ALERT = "complaint.threat_alert"
    # Members.
    MEMBER_ADD = "member.add"
    MEMBER_CHANGE = "member.change"
    MEMBER_LOGIN_CHANGE = "member.login_change"
    MEMBER_LOGIN_CHANGE_REQUEST = "member.login_change_request"
    MEMBER_LOGIN_CHANGE_REFUSE = "member.login_change_refuse"
    MEMBER_IDENTITIES = "member.identities"
    MEMBER_STANDING = "member.standing"
    MEMBER_SUBJECT_ACCESS_EXPORT = "member.subject_access_export"
    MEMBERS_IMPORT = "members.import"
    # Logins and roles.
    ACCOUNT_CREATE = "account.create"
    ACCOUNT_CHANGE = "account.change"
    ACCOUNT_DELETE = "account.delete"
    ACCOUNT_PASSWORD = "account.password"
    ACCOUNT_TOKEN = "account.token"
    ACCOUNT_TOKEN_REVOKE = "account.token_revoke"
    ACCOUNT_SECOND_FACTOR = "account.second_factor"
    ROLE_CREATE = "role.create"
    ROLE_CHANGE = "role.change"
    ROLE_DELETE = "role.delete"
    # Conflicts of interest.
    CONFLICT_DECLARE = "conflict.declare"
    CONFLICT_WITHDRAW = "conflict.withdraw"
    # Records kept in the admin (the code, the lexicon, guidance): "<model>.<add|change|delete>".
    RECORD_ADD = "record.add"
    RECORD_CHANGE = "record.change"
    RECORD_DELETE = "record.delete"
    # Exports.
    EXPORT_CSV = "export.csv"
    # Security: refused logins and reads (audit.security writes them).
    SECURITY_LOGIN_FAILED = "security.login_failed"
    SECURITY_LOCKOUT = "security.lockout"
    SECURITY_READ_REFUSED = "security.read_refused"
    SECURITY_CHANGE_REFUSED = "security.change_refused"


def case_event(*, actor, event: Event, case, from_status: str, now=None, data: dict | None = None):
    """A case action: the status it moved from and to, the case's new version, and what was given."""
    return audit_record(
        actor=actor,
        action=Event(event),
        object_type="complaints.case",
        object_id=case.reference,
        case_ref=case.reference,
        data={"from": from_status, "to": case.status, "version": case.version, **(data or {})},
    )


def case_read(*, actor, case, on_team: bool, via: str):
    """A staff read of a case, by its team or by someone outside it."""
    return audit_record(
        actor=actor,
        action=Event.CASE_READ if on_team else Event.CASE_READ_OUTSIDE_TEAM,
        object_type="complaints.case",
        object_id=case.reference,
        case_ref=case.reference,
        data={"via": via},
    )


def complaint_read(*, actor, complaint, on_team: bool, via: str, what: str):
    """A staff read of a complaint or what it holds (`what`: complaint, evidence, senders, threats)."""
    return audit_record(
        actor=actor,
        action=Event.COMPLAINT_READ if on_team else Event.COMPLAINT_READ_OUTSIDE_TEAM,
        obj=complaint,
        data={"complaint": complaint.reference, "what": what, "via": via},
    )


def object_event(*, actor, event: Event, obj, case_ref: str = "", data: dict | None = None):
    """Any other event about one stored object (a complaint, a member, a login, a declaration...)."""
    return audit_record(actor=actor, action=Event(event), obj=obj, case_ref=case_ref, data=data or {})


def record_event(*, actor, verb: str, obj, data: dict | None = None, names: dict | None = None):
    """A record kept in the admin was added, changed or deleted (`verb`: add, change, delete).

    `names` maps a verb to the family's own event where it has one (members: member.add...).
    """
    event = (names or {}).get(verb) or {
        "add": Event.RECORD_ADD,
        "change": Event.RECORD_CHANGE,
        "delete": Event.RECORD_DELETE,
    }[verb]
    return audit_record(
        actor=actor,
        action=event,
        obj=obj,
        data={"model": obj._meta.label_lower, "name": str(obj)[:200], **(data or {})},
    )


def export_event(*, actor, name: str, rows: int, filters: dict):
    """A CSV export: what was exported, with which filters, and how many rows."""
    return audit_record(
        actor=actor, action=Event.EXPORT_CSV, object_type="export", object_id=name, data={"rows": rows, **filters}
    )


def audit_csv_export(request, name: str, rows: int, filters: dict) -> None:
    """`CSVExportMixin.on_export` for staff lists: a staff export is a read of every row in it."""
    with transaction.atomic():
        export_event(actor=request.user, name=name, rows=rows, filters={"filters": filters})
