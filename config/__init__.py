# The Celery app is loaded with Django, so that `core.tasks.enqueue` and `shared_task` use it.
from config.celery import app as celery_app

__all__ = ["celery_app"]
