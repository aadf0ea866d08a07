"""CSV export of any list: `?format=csv` on a list view streams every row, not a page."""

import csv
import io

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from core.pagination import IndexedPaginator


def flatten(row: dict, prefix: str = "") -> dict:
    """{"member": {"name": "x"}, "rules": ["a", "b"]} -> {"member.name": "x", "rules": "a; b"}."""
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, list | tuple):
            flat[name] = "; ".join(
                ", ".join(f"{k}={v}" for k, v in item.items()) if isinstance(item, dict) else str(item)
                for item in value
            )
        else:
            flat[name] = "" if value is None else value
    return flat


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell that a spreadsheet would run as a formula, prefixed with `'` so it shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CSVRenderer(BaseRenderer):
    """Renders a list (or a paginated page's results) as CSV with a header row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        if isinstance(data, dict):
            data = [data]
        rows = [flatten(r) for r in data or []]
        out = io.StringIO()
        header = list(dict.fromkeys(k for r in rows for k in r))
        writer = csv.writer(out)
        writer.writerow([safe_cell(h) for h in header])
        writer.writerows([safe_cell(r.get(h, "")) for h in header] for r in rows)
        return out.getvalue().encode()


class _Echo:
    def write(self, value):
        return value


class CSVExportMixin:
    """A ListAPIView mixin: with ?format=csv, stream the whole filtered list as CSV.

    The rows are read `csv_chunk` at a time through `IndexedPaginator`, so each chunk
    costs the same however far into the list it is.
    """

    csv_chunk = 2000
    csv_filename = "export"
    # on_export(request, name, rows, filters): called once per export before it streams, e.g. to audit it.
    on_export = None

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return super().list(request, *args, **kwargs)
        paginator = IndexedPaginator(self.filter_queryset(self.get_queryset()), self.csv_chunk)
        if self.on_export is not None:
            filters = {k: v for k, v in request.query_params.items() if k != "format"}
            type(self).on_export(request, self.csv_filename, paginator.count, filters)
        return StreamingHttpResponse(
            self._csv_lines(paginator),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{self.csv_filename}.csv"'},
        )

    def _csv_lines(self, paginator):
        writer = csv.writer(_Echo())
        header = None
        for number in paginator.page_range:
            for row in self.get_serializer(list(paginator.page(number)), many=True).data:
                flat = flatten(row)
                if header is None:
                    header = list(flat)
                    yield writer.writerow([safe_cell(h) for h in header])
                yield writer.writerow([safe_cell(flat.get(h, "")) for h in header])
        if header is None:
            yield writer.writerow(["no rows"])
