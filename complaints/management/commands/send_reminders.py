from django.core.management.base import BaseCommand

from complaints.services.clocks import reminders_collect, reminders_send


class Command(BaseCommand):
    help = "E-mail officers and panel members what is due and overdue (run from cron, e.g. daily)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the reminders without sending them.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for user, items in reminders_collect().items():
                self.stdout.write(f"{user.get_username()}: {len(items)} item(s)")
                for item in items:
                    self.stdout.write(f"  - {item}")
            return
        sent = reminders_send()
        self.stdout.write(f"sent {sent} reminder e-mail(s)")
