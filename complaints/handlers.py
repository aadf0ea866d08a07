"""complaints' side of members.signals.identities_registered: the only signal with domain logic."""

from django.db import transaction
from django.dispatch import receiver

from complaints.services.evidence import evidence_attribute_waiting
from members.signals import identities_registered


@receiver(identities_registered, dispatch_uid="complaints.attribute_waiting_evidence")
def attribute_waiting_evidence(sender, identities, actor=None, **kwargs):
    with transaction.atomic():
        evidence_attribute_waiting(identities=identities, actor=actor)
