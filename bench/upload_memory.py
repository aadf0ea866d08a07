"""Peak memory of evidence uploads: a 31 MiB file of tiny rows (far past the item limit), and
the largest upload accepted, against reading the same file whole as the engine once did.

    python bench/upload_memory.py [--mib 31]

Each upload goes through the evidence endpoint in this process; peak memory is Python's
own (tracemalloc), measured per upload, so the figures compare like with like. Runs on a
throwaway database of the kind DATABASE_URL names. Prints figures and ratios, no pass/fail.
"""

import argparse
import csv
import io
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_members import current_database_url, throwaway_database  # noqa: E402
from bench.wave_setup import member_with_login  # noqa: E402

MIB = 1024 * 1024


def tiny_rows(count: int) -> list[dict]:
    return [{"channel": "other", "occurred_at": "2016-06-30T12:00:00Z", "text": f"r{n}"} for n in range(count)]


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["channel", "occurred_at", "text"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_ndjson(rows) -> bytes:
    return ("\n".join(json.dumps(r) for r in rows) + "\n").encode()


def as_json(rows) -> bytes:
    return json.dumps(rows).encode()


def rows_for(mib: float, encode) -> list[dict]:
    """Enough tiny rows to make about `mib` MiB in the given encoding."""
    sample = len(encode(tiny_rows(1000))) / 1000
    return tiny_rows(int(mib * MIB / sample))


def peak(fn) -> tuple[float, object, float]:
    """(peak MiB above the start, fn's result, seconds)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    top = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (top - base) / MIB, result, seconds


def whole_file_baseline(body: bytes) -> int:
    """How the engine once read a CSV upload: all of it, decoded, every row a dict."""
    text = body.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return len([dict(zip(header, cells, strict=False)) for cells in reader if cells])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=31.0, help="size of the file of tiny rows (default 31)")
    args = parser.parse_args(argv)
    with throwaway_database(current_database_url()) as where:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import override_settings

        from complaints.services.complaints import complaint_file

        call_command("migrate", verbosity=0)
        max_items = settings.CONDUCT["EVIDENCE_MAX_ITEMS"]
        print(
            f"database: {where}; item limit {max_items:,}, "
            f"size limit {settings.CONDUCT['EVIDENCE_MAX_BYTES'] // MIB} MiB"
        )
        with override_settings(
            ALLOWED_HOSTS=["127.0.0.1"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            # One member sends every upload here; the hourly item budget is not what is measured.
            CONDUCT={**settings.CONDUCT, "MEMBER_UPLOAD_ITEMS_PER_HOUR": 10**9},
        ):
            owner = member_with_login()
            client = Client()
            client.force_login(owner.user)

            def post_file(body: bytes, name: str):
                complaint = complaint_file(actor=owner.user, summary="Memory", description="Tiny rows.")
                upload = io.BytesIO(body)
                upload.name = name
                return client.post(
                    f"/api/complaints/{complaint.reference}/evidence/", {"file": upload}, HTTP_HOST="127.0.0.1"
                )

            def post_json(body: bytes):
                complaint = complaint_file(actor=owner.user, summary="Memory", description="Tiny rows.")
                return client.generic(
                    "POST",
                    f"/api/complaints/{complaint.reference}/evidence/",
                    body,
                    content_type="application/json",
                    HTTP_HOST="127.0.0.1",
                )

            print(f"\n== a {args.mib:g} MiB file of tiny rows (past the item limit)")
            print(f"{'upload':<34}{'rows':>10}{'answer':>8}{'peak MiB':>10}{'seconds':>9}")
            figures = {}
            for label, encode, send in [
                ("CSV file", as_csv, lambda b: post_file(b, "tiny.csv")),
                ("NDJSON file", as_ndjson, lambda b: post_file(b, "tiny.ndjson")),
                ("JSON array body", as_json, post_json),
            ]:
                rows = rows_for(args.mib, encode)
                body = encode(rows)
                del rows
                mib, response, seconds = peak(lambda body=body, send=send: send(body))
                figures[label] = mib
                count = body.count(b"\n") if encode is not as_json else body.count(b"{")
                print(f"{label:<34}{count:>10,}{response.status_code:>8}{mib:>10.1f}{seconds:>9.2f}")
            csv_body = as_csv(rows_for(args.mib, as_csv))
            mib, count, seconds = peak(lambda: whole_file_baseline(csv_body))
            print(f"{'baseline: the CSV read whole':<34}{count:>10,}{'-':>8}{mib:>10.1f}{seconds:>9.2f}")
            print(
                f"ratio CSV upload / baseline        {figures['CSV file'] / mib:.2f}"
                "  (1.0 = no better than reading it whole)"
            )

            print(f"\n== the largest upload accepted ({max_items:,} tiny rows)")
            for label, encode, send in [
                ("CSV file", as_csv, lambda b: post_file(b, "cap.csv")),
                ("JSON array body", as_json, post_json),
            ]:
                body = encode(tiny_rows(max_items))
                mib, response, seconds = peak(lambda body=body, send=send: send(body))
                print(
                    f"{label:<34}{max_items:>10,}{response.status_code:>8}{mib:>10.1f}{seconds:>9.2f}"
                    f"   ({len(body) / MIB:.1f} MiB sent)"
                )
            print(
                "\nbound: an upload holds at most the item limit of parsed rows, plus (for a JSON body) the body "
                "itself, which the size limit caps; files stream from their temporary file."
            )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
