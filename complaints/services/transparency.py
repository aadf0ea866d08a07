"""The quarter's transparency report: the published figures as Markdown and CSV, small counts suppressed.

`transparency_report_render` builds both texts; the `transparency_report` command writes them
to a folder, and the background task to storage (`transparency_report_store`).
"""

import csv
import datetime as dt
import io
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from audit.selectors import checkpoints_signed_between
from audit.signing import public_key_text, signed_at_text, trusted_keys
from complaints.stats import stats_compute

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
STORAGE_FOLDER = "reports/transparency"


def quarter_bounds(value: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter written as 2026Q3; ValueError otherwise."""
    match = QUARTER.match(value or "")
    if not match:
        raise ValueError(f"--quarter must look like 2026Q3, not {value!r}.")
    year, q = int(match[1]), int(match[2])
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def transparency_report_render(*, quarter: str) -> tuple[str, str, int]:
    """The report for `quarter`: (Markdown, CSV, number of figures). Reads only."""
    start, end = quarter_bounds(quarter)
    md, rows = _render(quarter, stats_compute(date_from=start, date_to=end))
    md, rows = _render_checkpoints(md, rows, checkpoints_signed_between(start, end))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["section", "item", "measure", "value"])
    writer.writerows(rows)
    return md, out.getvalue(), len(rows)


def storage_replace(name: str, content: bytes) -> str:
    """Write `content` to storage under exactly `name`, replacing what is there (so a rerun
    leaves one file, not a renamed copy). Returns the name."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def transparency_report_store(*, quarter: str) -> list[str]:
    """Write the quarter's report to storage (reports/transparency/transparency-<quarter>.md and
    .csv), replacing an earlier one; returns the storage names. Safe to run twice."""
    md, table, _ = transparency_report_render(quarter=quarter)
    base = f"{STORAGE_FOLDER}/transparency-{quarter}"
    return [storage_replace(f"{base}.md", md.encode()), storage_replace(f"{base}.csv", table.encode())]


def _render(quarter: str, stats: dict) -> tuple[str, list]:
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


def _render_checkpoints(md: str, rows: list, checkpoints) -> tuple[str, list]:
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
