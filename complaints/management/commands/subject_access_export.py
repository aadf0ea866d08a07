"""Write one member's subject access export as JSON (third parties redacted); the export is audited."""

import json
import sys
import uuid

from django.core.management.base import BaseCommand, CommandError

from complaints.services.privacy import subject_access_export
from complaints.tasks import subject_access_export_task, subject_access_name
from core.tasks import enqueue
from members.models import Member


class Command(BaseCommand):
    help = "Export everything held about one member, third parties redacted, as JSON (to --out or stdout)."

    def add_arguments(self, parser):
        parser.add_argument("membership_number")
        parser.add_argument("--out", help="File to write (default: standard output).")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Run as background work instead: the file goes to storage, and its name into the audit event.",
        )

    def handle(self, *args, membership_number, out=None, queue=False, **options):
        member = (
            Member.objects.select_related("constituency__region").filter(membership_number=membership_number).first()
        )
        if member is None:
            raise CommandError(f"No member with membership number {membership_number!r}.")
        if queue:
            request_id = uuid.uuid4().hex
            enqueue(subject_access_export_task, membership_number=membership_number, request_id=request_id)
            self.stdout.write(f"queued: {subject_access_name(membership_number, request_id)}")
            return
        export = subject_access_export(member=member, actor=None)
        text = json.dumps(export, indent=2, ensure_ascii=False)
        if out:
            with open(out, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            cases = len(export["cases_as_respondent"])
            print(f"wrote {out}: member {membership_number}, {cases} case(s) as respondent", file=sys.stderr)
        else:
            self.stdout.write(text)
