"""Write the quarter's published figures as Markdown and CSV, with small counts suppressed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from complaints.services import transparency
from complaints.tasks import transparency_report_task
from core.tasks import enqueue


def quarter_bounds(value: str):
    try:
        return transparency.quarter_bounds(value)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "Write transparency-<quarter>.md and .csv: timeliness, outcomes and open cases (counts under 5 as <5)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("--out", default=".", help="Folder to write into (default: the current folder).")
        parser.add_argument(
            "--queue",
            action="store_true",
            help=f"Run as background work instead: the files go to storage, under {transparency.STORAGE_FOLDER}/.",
        )

    def handle(self, *args, quarter, out, queue=False, **options):
        quarter_bounds(quarter)
        if queue:
            enqueue(transparency_report_task, quarter=quarter)
            self.stdout.write(f"queued: {transparency.STORAGE_FOLDER}/transparency-{quarter}.md and .csv")
            return
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        md, table, figures = transparency.transparency_report_render(quarter=quarter)
        (folder / f"transparency-{quarter}.md").write_text(md, encoding="utf-8")
        (folder / f"transparency-{quarter}.csv").write_text(table, encoding="utf-8", newline="")
        self.stdout.write(f"wrote {folder / f'transparency-{quarter}.md'} and .csv ({figures} figures)")
