"""complaints' side of the two signals that cross into it, the only signals with domain logic:
members.signals.identities_registered and conduct.signals.lexicon_changed."""

from django.db import transaction
from django.dispatch import receiver

from complaints.services.evidence import evidence_attribute_waiting
from complaints.services.evidence.rescan import evidence_rescan_task
from conduct.signals import lexicon_changed
from core.tasks import enqueue
from members.signals import identities_registered


@receiver(identities_registered, dispatch_uid="complaints.attribute_waiting_evidence")
def attribute_waiting_evidence(sender, identities, actor=None, **kwargs):
    with transaction.atomic():
        evidence_attribute_waiting(identities=identities, actor=actor)


@receiver(lexicon_changed, dispatch_uid="complaints.rescan_after_lexicon_change")
def rescan_after_lexicon_change(sender, actor=None, entries=(), **kwargs):
    """Re-scan stored evidence once the lexicon change commits (as the officer who made it)."""
    enqueue(evidence_rescan_task, actor_id=actor.pk if actor is not None and actor.is_authenticated else None)
