"""Background work behind one small interface.

`task` names a function as background work; `enqueue(fn, **kwargs)` runs it once the
current transaction commits (at once when none is open). Today it runs in the same
process, after commit; a task queue takes over behind this same interface, so callers
never change. Task arguments are plain JSON values (ids, strings), never model
instances, so that a queue can carry them. The same task with the same arguments
enqueued twice before one commit runs once.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

log = logging.getLogger(__name__)

TASKS: dict[str, Callable] = {}


def task(fn: Callable) -> Callable:
    """Register `fn` as background work under its dotted name."""
    TASKS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


@dataclass(frozen=True)
class _Job:
    """One enqueued run: equal jobs waiting for the same commit run once."""

    name: str
    arguments: tuple

    def __call__(self) -> None:
        log.info("task %s started", self.name)
        TASKS[self.name](**dict(self.arguments))
        log.info("task %s done", self.name)


def enqueue(fn: Callable, **kwargs) -> None:
    """Run the registered task `fn(**kwargs)` after the current transaction commits."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    if TASKS.get(name) is not fn:
        raise LookupError(f"{name} is not a registered task; decorate it with core.tasks.task.")
    job = _Job(name, tuple(sorted((k, _frozen(v)) for k, v in kwargs.items())))
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(callback == job for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(job)


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value
