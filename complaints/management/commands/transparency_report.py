"""Write the quarter's published figures as Markdown and CSV, with small counts suppressed."""

import csv
import datetime as dt
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import checkpoints_signed_between
from audit.signing import public_key_text, signed_at_text, trusted_keys
from complaints.stats import stats_compute

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_bounds(value: str) -> tuple[dt.date, dt.date]:
    match = QUARTER.match(value or "")
    if not match:
        raise CommandError(f"--quarter must look like 2026Q3, not {value!r}.")
    year, q = int(match[1]), int(match[2])
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


class Command(BaseCommand):
    help = "Write transparency-<quarter>.md and .csv: timeliness, outcomes and open cases (counts under 5 as <5)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("--out", default=".", help="Folder to write into (default: the current folder).")

    def handle(self, *args, quarter, out, **options):
        start, end = quarter_bounds(quarter)
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        stats = stats_compute(date_from=start, date_to=end)
        md, rows = self._render(quarter, stats)
        md, rows = self._render_checkpoints(md, rows, checkpoints_signed_between(start, end))
        (folder / f"transparency-{quarter}.md").write_text(md, encoding="utf-8")
        with open(folder / f"transparency-{quarter}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["section", "item", "measure", "value"])
            writer.writerows(rows)
        self.stdout.write(f"wrote {folder / f'transparency-{quarter}.md'} and .csv ({len(rows)} figures)")

    def _render(self, quarter, stats):
        rows = []
        lines = [
            f"# Code of conduct: transparency report {quarter}",
            "",
            f"Period {stats['from']} to {stats['to']}. Counts under {stats['suppressed_below']} are shown as "
            f'"<{stats["suppressed_below"]}" so that no one can be identified.',
            "",
            "## Timeliness (days)",
            "",
            "| stage | cases | median | 90th percentile |",
            "|---|---|---|---|",
        ]
        for stage, s in stats["timeliness"].items():
            label = stage.replace("_", " ")
            lines.append(f"| {label} | {s['count']} | {s['median_days'] or '-'} | {s['p90_days'] or '-'} |")
            rows += [
                ("timeliness", stage, "count", s["count"]),
                ("timeliness", stage, "median_days", s["median_days"]),
                ("timeliness", stage, "p90_days", s["p90_days"]),
            ]
        lines += ["", "## Outcomes by category", "", "| category | quarter | outcome | count |", "|---|---|---|---|"]
        for entry in stats["outcomes"]:
            for outcome, count in entry.items():
                if outcome in ("category", "quarter"):
                    continue
                lines.append(f"| {entry['category']} | {entry['quarter']} | {outcome} | {count} |")
                rows.append(("outcomes", f"{entry['category']} {entry['quarter']}", outcome, count))
        lines += ["", "## Open cases by age", "", "| age | cases |", "|---|---|"]
        for band in stats["open_cases_by_age"]:
            lines.append(f"| {band['band']} | {band['count']} |")
            rows.append(("open_cases", band["band"], "count", band["count"]))
        return "\n".join(lines) + "\n", rows

    def _render_checkpoints(self, md, rows, checkpoints):
        """The audit chain's heads signed this quarter and the public keys that check them."""
        lines = [
            "",
            "## Audit log checkpoints",
            "",
            "Each night the head of the audit log is signed with the party's Ed25519 key. Keep these heads: a "
            "later copy of the log that does not reach the same hash at the same event has been rewritten. "
            "Each signature covers the UTF-8 text `ru-audit-checkpoint-v1|<event>|<head>|<signed at, UTC>`.",
            "",
        ]
        checkpoints = list(checkpoints)
        if checkpoints:
            lines += ["| signed at (UTC) | event | head | key id |", "|---|---|---|---|"]
        else:
            lines.append("No checkpoint was signed this quarter.")
        for checkpoint in checkpoints:
            signed = signed_at_text(checkpoint.signed_at)
            lines.append(f"| {signed} | {checkpoint.seq} | `{checkpoint.head}` | {checkpoint.key_id} |")
            rows += [
                ("audit_checkpoint", signed, "seq", checkpoint.seq),
                ("audit_checkpoint", signed, "head", checkpoint.head),
                ("audit_checkpoint", signed, "key_id", checkpoint.key_id),
            ]
        keys = trusted_keys()
        lines += ["", "Public keys (Ed25519, base64 of the 32 raw bytes):", ""]
        lines += [f"- {kid}: `{public_key_text(key)}`" for kid, key in keys.items()] or ["- none configured"]
        rows += [("audit_public_key", kid, "ed25519", public_key_text(key)) for kid, key in keys.items()]
        return md + "\n".join(lines) + "\n", rows
