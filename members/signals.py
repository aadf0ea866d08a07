"""The one signal that crosses from members to complaints.

`identities_registered` is sent, inside the writing transaction, whenever identities
are added to members (one at a time in the admin, or in bulk by `import_members`),
with `identities`: the Identity rows. complaints handles it by attributing evidence
that was waiting on those senders and opening cases (complaints.handlers).
"""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from members.models import Identity

identities_registered = Signal()


@receiver(post_save, sender=Identity, dispatch_uid="members.identity_saved")
def _identity_saved(sender, instance, created, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    identities_registered.send(sender=Identity, identities=[instance])
