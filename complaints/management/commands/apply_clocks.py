from django.core.management.base import BaseCommand

from complaints.services.clocks import clocks_apply


class Command(BaseCommand):
    help = "Close decided cases whose appeal window lapsed and mark ended sanctions spent (run daily from cron)."

    def handle(self, *args, **options):
        result = clocks_apply()
        self.stdout.write(f"closed {result['closed']} case(s), marked {result['spent']} sanction(s) spent")
