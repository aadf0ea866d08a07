"""Every write to the membership register: the bulk import, identities, the logins linked to members,
and the audited reads of a member's record. One module per subject; the public functions are
importable from here.
"""

from members.services.accounts import account_create_or_update
from members.services.identities import member_identities_changed
from members.services.records import member_read_record
from members.services.register_import import ImportResult, member_import_rows
from members.services.register_rows import COLUMNS

__all__ = [
    "COLUMNS",
    "ImportResult",
    "account_create_or_update",
    "member_identities_changed",
    "member_import_rows",
    "member_read_record",
]
