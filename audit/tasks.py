"""audit's background work (core.tasks): the chain's verification and its signed checkpoint, nightly from beat."""

import logging

from audit.models import AuditCheckpoint, AuditEvent
from audit.services import CheckpointRefused, audit_checkpoint_sign, audit_verify
from audit.signing import SigningKeyError
from core.tasks import task

log = logging.getLogger(__name__)


@task
def audit_verify_task() -> dict:
    """Recompute the whole chain; log OK with its head, or the first broken event as an error.
    Reads only, so it is safe to run twice."""
    result = audit_verify()
    if result.ok:
        log.info("audit chain OK: %s events, head %s", result.events, result.head)
    else:
        log.error("audit chain BROKEN at event %s: %s", result.broken_seq, result.reason)
    return {"ok": result.ok, "events": result.events, "head": result.head, "broken_seq": result.broken_seq}


@task
def audit_checkpoint_task() -> dict:
    """Sign tonight's checkpoint of the chain's head, if a signing key is configured here.

    Safe to run twice: a head already signed is not signed again. Without a key (the embedded
    default) it does nothing and says so; a refusal (an untrusted key, a broken chain) is logged
    as an error, since a signature must never vouch for a broken chain.
    """
    last = AuditCheckpoint.objects.order_by("-seq").first()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    if last is not None and head is not None and last.seq == head:
        return {"signed": False, "reason": f"event {head} is already signed"}
    try:
        checkpoint = audit_checkpoint_sign()
    except SigningKeyError as exc:
        log.info("no audit checkpoint signed: %s", exc)
        return {"signed": False, "reason": str(exc)}
    except CheckpointRefused as exc:
        log.error("audit checkpoint refused: %s", exc)
        return {"signed": False, "reason": str(exc)}
    log.info("audit checkpoint signed at event %s, head %s", checkpoint.seq, checkpoint.head)
    return {"signed": True, "seq": checkpoint.seq, "head": checkpoint.head}
