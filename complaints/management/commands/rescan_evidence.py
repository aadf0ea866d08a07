"""Flag stored evidence again with the detector and lexicon as they stand now."""

import time

from django.core.management.base import BaseCommand, CommandError

from complaints.models import Complaint
from complaints.services.evidence.rescan import evidence_rescan

# A progress line at most this often (seconds) on long runs.
PROGRESS_EVERY = 2.0


class Command(BaseCommand):
    help = (
        "Re-scan stored evidence with the threat detector and the lexicon as they stand: the machine's flags follow "
        "on every item, an item no officer corrected takes them as its own, a threat found now starts its "
        "complaint's police clock. Prints the items and cases that changed. Audited per complaint changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--complaint", metavar="REF", help="Only this complaint (its reference).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change without changing it.")

    def handle(self, *args, complaint=None, dry_run=False, **options):
        ids = None
        if complaint:
            found = Complaint.objects.filter(reference=complaint).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"No complaint {complaint}.")
            ids = [found]
        last = [time.monotonic()]

        def progress(reference, done, total):
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY or (done == total and total >= 10_000):
                last[0] = now
                self.stdout.write(f"  {reference}: {done}/{total} items scanned")

        started = time.monotonic()
        result = evidence_rescan(complaint_ids=ids, dry_run=dry_run, progress=progress)
        verb = "would change" if dry_run else "changed"
        for found in result.complaints:
            for change in found.changes:
                before, after = change["before"], change["after"]
                self.stdout.write(
                    f"{found.reference} item {change['id']}: threat {before['threat']} -> {after['threat']}, "
                    f"categories {','.join(before['categories']) or '-'} -> {','.join(after['categories']) or '-'}"
                    + (" (an officer's correction stands)" if change["corrected"] else "")
                )
            self.stdout.write(
                f"{found.reference}: {found.machine_changed} item(s) {verb}, {len(found.threats_found)} threat(s) "
                f"found, {len(found.threats_cleared)} cleared; cases {', '.join(found.cases) or 'none'}"
            )
        self.stdout.write(
            f"{result.items} item(s) scanned, {result.items_changed} {verb} on {len(result.complaints)} complaint(s), "
            f"{result.threats_found} threat(s) found, {len(result.cases)} case(s) touched"
            f" in {time.monotonic() - started:.1f}s" + (" (dry run: nothing written)" if dry_run else "")
        )
