"""The Celery app: background work on a Redis broker, and the one beat that runs the clocks.

Tasks are the functions the apps mark with `core.tasks.task`; each app's `tasks` module
imports them, and `autodiscover_tasks` finds those modules. Every setting is in
config/settings.py under the CELERY_ prefix.

`celery -A config worker` runs the work; `celery -A config beat` runs the schedule
(CELERY_BEAT_SCHEDULE). Only one beat may run at a time, or every clock would fire
twice: `SingleBeatScheduler` holds a lock in Redis while it runs and refuses to start
while another beat holds it.
"""

import logging
import os
import socket

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger(__name__)


class SchedulerLocked(SystemExit):
    """Another beat holds the scheduler lock: this one exits (status 1) with the reason."""


class SingleBeatScheduler(PersistentScheduler):
    """Celery's scheduler, run only while it holds `BEAT_LOCK_KEY` in Redis.

    The lock expires `BEAT_LOCK_SECONDS` after it was last renewed: each tick renews it,
    so a beat that dies releases it within that time, and one that has lost it (it was
    stopped longer than that and another took over) stops instead of firing twice.
    """

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        if not settings.REDIS_URL:
            raise SchedulerLocked("celery beat needs REDIS_URL: the single-scheduler lock is held in Redis.")
        self.lock_key, self.lock_seconds = settings.BEAT_LOCK_KEY, settings.BEAT_LOCK_SECONDS
        self.lock = None
        super().__init__(*args, **kwargs)
        # Tick often enough to renew the lock well before it expires.
        self.max_interval = min(self.max_interval, self.lock_seconds / 3)

    def setup_schedule(self):
        # Here, not in __init__: Celery also builds a lazy scheduler, never run, to print its banner.
        import redis
        from django.conf import settings

        client = redis.Redis.from_url(settings.REDIS_URL)
        lock = client.lock(self.lock_key, timeout=self.lock_seconds, blocking=False)
        if not lock.acquire(token=f"{socket.gethostname()}:{os.getpid()}".encode()):
            holder = client.get(self.lock_key)
            raise SchedulerLocked(
                f"Another celery beat is running ({(holder or b'?').decode()} holds {self.lock_key!r}); "
                "only one scheduler may run at a time. This one exits."
            )
        self.lock = lock
        log.info("beat: holding the scheduler lock %s", self.lock_key)
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        from redis.exceptions import LockError

        try:
            self.lock.reacquire()
        except LockError as exc:
            raise SchedulerLocked(
                f"celery beat lost the scheduler lock ({exc}); stopping so no clock fires twice."
            ) from exc
        return super().tick(*args, **kwargs)

    def close(self):
        super().close()
        from redis.exceptions import LockError

        if self.lock is not None:
            try:
                self.lock.release()
            except LockError:
                pass
