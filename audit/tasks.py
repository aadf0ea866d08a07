"""audit's background work (core.tasks): the chain's verification, nightly from beat."""

import logging

from audit.services import audit_verify
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
