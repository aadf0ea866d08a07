from django.core.management.base import BaseCommand, CommandError

from audit.services import CheckpointRefused, audit_checkpoint_sign
from audit.signing import SigningKeyError


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head with the Ed25519 key in AUDIT_SIGNING_KEY_FILE or AUDIT_SIGNING_KEY, "
        "after verifying the events since the last good checkpoint (nightly)."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = audit_checkpoint_sign()
        except (SigningKeyError, CheckpointRefused) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"checkpoint {checkpoint.pk}: event {checkpoint.seq} head {checkpoint.head} "
            f"signed {checkpoint.signed_at:%Y-%m-%dT%H:%M:%SZ} with key {checkpoint.key_id}"
        )
