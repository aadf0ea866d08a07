"""Background work behind one small interface.

`task` names a function as background work; `enqueue(fn, **kwargs)` starts it once the
current transaction commits (at once when none is open), and is the only way callers
start background work. Task arguments are plain JSON values (ids, strings), never model
instances, so that a queue can carry them.

Where it runs: with a broker (`CELERY_BROKER_URL`, which defaults to `REDIS_URL`) the
task is sent to Celery by its registered name, and a worker runs it; without one it runs
in this process after commit, so the embedded default needs nothing but Python. When the
broker cannot be reached at that moment (Redis restarting), the task runs in this process
too, so committed work is never left without its task.

Every enqueued run has a deterministic key: the task's name and a digest of its
arguments (`task_key`). It is the Celery task id, so a redelivered message carries the
same key, and the same task with the same arguments enqueued twice before one commit
starts once. Tasks are acknowledged late and retried with backoff, so a task may run
more than once: every task body must leave the result of one run however often it runs.
`once(key)` helps: the work done inside it commits together with the key, and a later run
with the same key finds it done and skips.
"""

import hashlib
import json
import logging
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

TASKS: dict[str, Callable] = {}

# Celery's options for every task: acknowledged only once it finished (a worker killed mid-task
# leaves the message to be delivered again), and retried with exponential backoff on any error.
TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


def task_name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def task(fn: Callable) -> Callable:
    """Register `fn` as background work under its dotted name (also a Celery task of that name)."""
    name = task_name(fn)
    TASKS[name] = fn
    shared_task(name=name, **TASK_OPTIONS)(fn)
    return fn


def broker_configured() -> bool:
    """Whether enqueued work goes to a Celery worker (a broker is set and tasks are not eager)."""
    return bool(getattr(settings, "CELERY_BROKER_URL", "")) and not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)


def task_key(name: str, kwargs: dict) -> str:
    """The run's deterministic key: the task's name and a digest of its arguments."""
    arguments = json.dumps(kwargs, sort_keys=True, separators=(",", ":"))
    return f"{name}:{hashlib.sha256(arguments.encode()).hexdigest()[:32]}"


@dataclass(frozen=True)
class _Job:
    """One enqueued run: equal jobs waiting for the same commit start once."""

    name: str
    key: str
    arguments: str  # JSON

    def __call__(self) -> None:
        kwargs = json.loads(self.arguments)
        if broker_configured():
            from celery import current_app

            from core.unavailable import UNREACHABLE

            try:
                current_app.send_task(self.name, kwargs=kwargs, task_id=self.key)
            except UNREACHABLE as exc:
                # The broker is down and the caller's transaction has committed: the work is not
                # dropped but done here, as without a broker (every task leaves one run's result).
                log.warning("task %s: broker unreachable (%s); running it in this process", self.name, exc)
            else:
                log.info("task %s sent (%s)", self.name, self.key)
                return
        log.info("task %s started", self.name)
        TASKS[self.name](**kwargs)
        log.info("task %s done", self.name)


def enqueue(fn: Callable, **kwargs) -> None:
    """Start the registered task `fn(**kwargs)` after the current transaction commits."""
    name = task_name(fn)
    if TASKS.get(name) is not fn:
        raise LookupError(f"{name} is not a registered task; decorate it with core.tasks.task.")
    try:
        arguments = json.dumps(kwargs, sort_keys=True, separators=(",", ":"))
    except TypeError as exc:
        raise TypeError(f"{name}: task arguments must be JSON values (ids, strings): {exc}") from None
    job = _Job(name, task_key(name, json.loads(arguments)), arguments)
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(callback == job for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(job)


class AlreadyDone(Exception):
    """Raised inside `once` when its key was done by an earlier run."""


@contextmanager
def once(key: str):
    """Run the block at most once for `key`: the key is recorded in the block's transaction, so
    it commits only with the block's work; a run that finds it recorded raises AlreadyDone
    (caught by `run_once`). Concurrent runs wait on the key's row, then one of them skips."""
    from core.models import TaskDone

    with transaction.atomic():
        try:
            with transaction.atomic():
                TaskDone.objects.create(key=key, done_at=timezone.now())
        except IntegrityError:
            raise AlreadyDone(key) from None
        yield


def run_once(key: str, work: Callable[[], object]) -> bool:
    """`work()` inside `once(key)`; True when it ran now, False when an earlier run had done it."""
    try:
        with once(key):
            work()
    except AlreadyDone:
        log.info("%s already done; skipped", key)
        return False
    return True
