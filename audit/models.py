from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained audit log.

    `hash` is SHA-256 over `prev_hash` and the canonical JSON of the event's content
    (see audit.chain). Rows are never updated or deleted by the application.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    case_ref = models.CharField(max_length=32, blank=True, db_index=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            # Events of one action or one actor in log order (the auditors' filters and reads outside a team).
            models.Index(fields=["action", "seq"], name="audit_action_seq_idx"),
            models.Index(fields=["actor", "seq"], name="audit_actor_seq_idx"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(models.Model):
    """A signed statement that the chain's event `seq` had hash `head` at `signed_at`.

    The signature is Ed25519 over `audit.signing.checkpoint_message(seq, head, signed_at)`
    with the key whose fingerprint is `key_id`. Append-only like the log itself: the
    database refuses UPDATE and DELETE (audit/migrations/0004).
    """

    seq = models.PositiveBigIntegerField(db_index=True)
    head = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    signature = models.CharField(max_length=88, help_text="base64 of the 64-byte Ed25519 signature")
    key_id = models.CharField(max_length=16, help_text="first 16 hex digits of SHA-256 of the raw public key")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"checkpoint {self.pk} at #{self.seq}"
