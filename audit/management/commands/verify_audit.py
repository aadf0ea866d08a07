from django.core.management.base import BaseCommand

from audit.services import audit_verify


class Command(BaseCommand):
    help = "Recompute the audit chain: `OK <events> <head-hash>`, or name the first broken event (exit 1)."

    def handle(self, *args, **options):
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"OK {result.events} {result.head}")
            return
        self.stderr.write(f"BROKEN at event {result.broken_seq}: {result.reason} ({result.events} events intact)")
        raise SystemExit(1)
