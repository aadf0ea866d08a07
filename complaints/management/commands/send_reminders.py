from django.core.management.base import BaseCommand

from complaints.services.clocks import reminders_collect, reminders_deliver


class Command(BaseCommand):
    help = (
        "E-mail officers and panel members what falls due soon or is overdue, each reminder once "
        "(safe to run from cron every 15 minutes, and twice at once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the reminders due without sending them.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for user, items in reminders_collect().items():
                self.stdout.write(f"{user.get_username()}: {len(items)} item(s)")
                for item in items:
                    self.stdout.write(f"  - {item}")
            return
        run = reminders_deliver()
        self.stdout.write(
            f"sent {run.sent} reminder(s) in {run.emails} e-mail(s); skipped {run.skipped} already sent"
            + (f"; {run.failed} e-mail(s) failed, to be retried on the next run" if run.failed else "")
        )
