from django.core.management.base import BaseCommand

from audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Recompute the audit chain and check every signed checkpoint: `OK <events> <head>`, or name the first "
        "broken event or checkpoint (exit 1). --since-checkpoint: only the events after the last good checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since-checkpoint",
            action="store_true",
            help="Recompute only the events after the newest checkpoint whose signature verifies, from its head.",
        )

    def handle(self, *args, since_checkpoint, **options):
        result = audit_verify(since_checkpoint=since_checkpoint)
        if since_checkpoint:
            if result.since_checkpoint is None:
                self.stdout.write("no checkpoint's signature verifies: verified the whole chain")
            elif result.checkpoints_ok:
                self.stdout.write(
                    f"from checkpoint {result.since_checkpoint} (event {result.from_seq - 1}, signature verified): "
                    f"checked events {result.from_seq} to {result.events} "
                    f"({result.events - result.from_seq + 1} events)"
                )
        if result.broken_seq is not None:
            self.stderr.write(f"BROKEN at event {result.broken_seq}: {result.reason} ({result.events} events intact)")
        if not result.checkpoints_ok:
            self.stderr.write(f"CHECKPOINT FAILS: {result.checkpoint_reason}")
        if not result.ok:
            raise SystemExit(1)
        if result.checkpoints:
            self.stdout.write(f"checkpoints: {result.checkpoints} checked, all hold")
        else:
            self.stdout.write("checkpoints: no checkpoint is signed")
        self.stdout.write(f"OK {result.events} {result.head}")
