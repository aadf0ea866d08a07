"""`manage.py seed_demo`: a realistic demo dataset and the demo logins (printed); idempotent."""

import os
import time

from django.core.management.base import BaseCommand

from complaints.demo.build import build_demo, demo_summary
from complaints.demo.builders import DEFAULT_PASSWORD, LOGINS, MEMBER_COUNT

ADMIN_URL = "http://127.0.0.1:8000/admin/"
DOCS_URL = "http://127.0.0.1:8000/api/docs/"


class Command(BaseCommand):
    help = (
        f"Create a demo dataset (about {MEMBER_COUNT} members, complaints and cases at every stage of the workflow, "
        "built through the services) and the demo logins, then print them. Running it again creates nothing "
        "new: it only resets the demo logins' password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD,
            help=f"Password of every demo login (default: $DEMO_PASSWORD, else '{DEFAULT_PASSWORD}').",
        )

    def handle(self, *args, password, **options):
        started = time.monotonic()
        created = build_demo(password=password)
        elapsed = time.monotonic() - started
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data created in {elapsed:.1f}s."))
        else:
            self.stdout.write("Demo data already present: nothing created; demo logins' password reset.")
        self._summary()
        self._logins(password)
        self.stdout.write("")
        self.stdout.write(f"Admin:    {ADMIN_URL}")
        self.stdout.write(f"API docs: {DOCS_URL}")

    def _summary(self):
        summary = demo_summary()
        self.stdout.write("")
        self.stdout.write(
            f"Members: {summary['members']} ({summary['identities']} identities)   "
            f"Complaints: {summary['complaints']}   Cases: {summary['cases']}"
        )
        self.stdout.write("Cases by status:     " + self._pairs(summary["cases_by_status"]))
        self.stdout.write("Sanctions by status: " + self._pairs(summary["sanctions_by_status"]))

    @staticmethod
    def _pairs(counts: dict) -> str:
        return ", ".join(f"{key} {value}" for key, value in counts.items())

    def _logins(self, password: str):
        rows = [("username", "password", "role")] + [(lg.username, password, lg.description) for lg in LOGINS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for n, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
