"""Anonymise complaints past their retention period (meant for cron)."""

from django.core.management.base import BaseCommand

from complaints.services.privacy import retention_apply


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of every complaint whose cases all closed more than CONDUCT_RETENTION_DAYS "
        "ago, with nothing pending or running. Sanctions, counts and dates stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what is due without changing anything.")

    def handle(self, *args, dry_run=False, **options):
        result = retention_apply(dry_run=dry_run)
        verb = "due for anonymising" if dry_run else "anonymised"
        for reference in result.complaints:
            self.stdout.write(f"{verb}: {reference}")
        self.stdout.write(
            f"{len(result.complaints)} complaint(s) {verb}, {result.evidence_items} evidence item(s); "
            f"cut-off {result.cutoff:%Y-%m-%d}"
        )
