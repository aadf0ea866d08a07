"""The one signal that crosses from members to complaints.

`identities_registered` is sent by members' services, inside the writing transaction,
whenever identities are added to members (in the admin through
`member_identities_changed`, or in bulk by `import_members`), with `identities` (the
Identity rows; from the bulk import, written with COPY, without their primary keys)
and `actor` (who registered them). complaints handles it by attributing
evidence that was waiting on those senders and opening cases as that actor
(complaints.handlers).
"""

from django.dispatch import Signal

identities_registered = Signal()
