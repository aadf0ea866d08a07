"""Background work behind one small interface.

`task` names a function as background work; `enqueue(fn, **kwargs)` runs it once the
current transaction commits (at once when none is open). Today it runs in the same
process, after commit; a task queue takes over behind this same interface, so callers
never change. Task arguments are plain JSON values (ids, strings), never model
instances, so that a queue can carry them.
"""

import logging
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger(__name__)

TASKS: dict[str, Callable] = {}


def task(fn: Callable) -> Callable:
    """Register `fn` as background work under its dotted name."""
    TASKS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def enqueue(fn: Callable, **kwargs) -> None:
    """Run the registered task `fn(**kwargs)` after the current transaction commits."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    if TASKS.get(name) is not fn:
        raise LookupError(f"{name} is not a registered task; decorate it with core.tasks.task.")
    transaction.on_commit(lambda: _run(name, kwargs))


def _run(name: str, kwargs: dict) -> None:
    log.info("task %s started", name)
    TASKS[name](**kwargs)
    log.info("task %s done", name)
