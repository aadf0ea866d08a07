"""Write one member's subject access export as JSON (third parties redacted); the export is audited."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from complaints.services.privacy import subject_access_export
from members.models import Member


class Command(BaseCommand):
    help = "Export everything held about one member, third parties redacted, as JSON (to --out or stdout)."

    def add_arguments(self, parser):
        parser.add_argument("membership_number")
        parser.add_argument("--out", help="File to write (default: standard output).")

    def handle(self, *args, membership_number, out=None, **options):
        member = (
            Member.objects.select_related("constituency__region").filter(membership_number=membership_number).first()
        )
        if member is None:
            raise CommandError(f"No member with membership number {membership_number!r}.")
        export = subject_access_export(member=member, actor=None)
        text = json.dumps(export, indent=2, ensure_ascii=False)
        if out:
            with open(out, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            cases = len(export["cases_as_respondent"])
            print(f"wrote {out}: member {membership_number}, {cases} case(s) as respondent", file=sys.stderr)
        else:
            self.stdout.write(text)
