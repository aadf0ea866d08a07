"""python manage.py import_members FILE.csv: upsert the membership register from a CSV file."""

import csv

from django.core.management.base import BaseCommand, CommandError

from members.services import COLUMNS, member_import_rows


def _records(reader: csv.DictReader):
    # reader.line_num is the file line the record ends on: the line an editor shows for it.
    for raw in reader:
        yield reader.line_num, raw


class Command(BaseCommand):
    help = (
        "Upsert members by membership_number from a CSV file with the columns "
        + ", ".join(COLUMNS)
        + ". Prints one summary line and each rejected row; exit status 1 if any row was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header row (UTF-8).")

    def handle(self, *args, file, **options):
        try:
            total = self._count_records(file)
            with open(file, newline="", encoding="utf-8-sig") as f:
                reader = csv.DictReader(f)
                header = reader.fieldnames
                if not header:
                    raise CommandError(f"{file}: empty file, no header row")
                missing = [c for c in COLUMNS if c not in header]
                if missing:
                    raise CommandError(f"{file}: missing column(s) in the header: {', '.join(missing)}")
                show = self.stdout.isatty()
                result = member_import_rows(
                    rows=_records(reader), progress=self._progress if show else None, total=total
                )
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except csv.Error as exc:
            raise CommandError(f"{file}: not a readable CSV file ({exc})") from None
        if show:
            self.stdout.write("\r\033[K", ending="")
        self.stdout.write(result.summary())
        for line, reason in result.rejected:
            self.stdout.write(f"line {line}: {reason}")
        if result.rejected:
            raise CommandError(f"{len(result.rejected)} row(s) rejected", returncode=1)

    def _count_records(self, file: str) -> int:
        with open(file, newline="", encoding="utf-8-sig") as f:
            return max(sum(1 for row in csv.reader(f) if row) - 1, 0)

    def _progress(self, done: int, total: int | None) -> None:
        self.stdout.write(f"\rimported {done}/{total} rows", ending="")
        self.stdout.flush()
