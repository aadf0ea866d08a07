import pytest
from django.core.management import CommandError, call_command

from complaints.management.commands.transparency_report import quarter_bounds
from tests.complaints.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_quarter_bounds():
    assert [str(d) for d in quarter_bounds("2026Q3")] == ["2026-07-01", "2026-09-30"]
    assert [str(d) for d in quarter_bounds("2026Q4")] == ["2026-10-01", "2026-12-31"]
    with pytest.raises(CommandError):
        quarter_bounds("2026-3")


def test_report_writes_markdown_and_csv_with_small_counts_suppressed(tmp_path):
    for _ in range(3):
        CaseFactory()
    call_command("transparency_report", "--quarter", "2026Q3", "--out", str(tmp_path))
    md = (tmp_path / "transparency-2026Q3.md").read_text()
    csv = (tmp_path / "transparency-2026Q3.csv").read_text()
    assert "| 0-30 days | <5 |" in md
    assert "open_cases,0-30 days,count,<5" in csv
