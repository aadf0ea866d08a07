from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """The first answer given to a POST carrying an Idempotency-Key, replayed on a retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=255, help_text="The endpoint the key was used on.")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key")]

    def __str__(self):
        return f"{self.scope} {self.key}"


class TaskDone(models.Model):
    """The key of a background run that finished (core.tasks.once): a later run with it skips."""

    key = models.CharField(max_length=255, unique=True)
    done_at = models.DateTimeField()

    def __str__(self):
        return self.key
