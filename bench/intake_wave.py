"""Benchmark the bulk evidence endpoint with the full abuse wave against a raw bulk_create.

    python bench/intake_wave.py [--items 25000] [--members 50000]

Generates the wave (25,001 items from ~2,800 senders) and 50,000 members with
bench.wavegen, imports the members, then in one run:
  1. posts wave.csv to POST /api/complaints/{ref}/evidence/ in one request (Django's
     test client: the real URL, view, parsing, validation, attribution, flagging,
     duplicates, campaigns, cases and audit);
  2. bulk-inserts the same rows into Evidence with a raw bulk_create (no validation,
     normalising, attribution or flagging);
  3. posts the wave once more to a fresh complaint with tracemalloc on, for the peak
     Python memory of the request.
Prints rows/s for each, their ratio, the endpoint's wall time and peak memory, and
what the endpoint found against the generator's ground truth. Runs on a throwaway
database of the kind DATABASE_URL names (SQLite when unset). No pass/fail.
"""

import argparse
import csv
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

from bench.import_members import current_database_url, throwaway_database, timed  # noqa: E402


def post_wave(client, reference: str, path: str):
    with open(path, "rb") as f:
        return client.post(f"/api/complaints/{reference}/evidence/", {"file": f}, HTTP_HOST="127.0.0.1")


def new_complaint(user, summary: str):
    from complaints.services.complaints import complaint_file

    return complaint_file(actor=user, summary=summary, description="The wave after the walkout.")


def baseline_rows(path: str, complaint) -> list:
    """Evidence objects for the same rows, parsed but not validated, normalised or attributed."""
    import datetime as dt
    import hashlib

    from complaints.models import Evidence

    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    objects = []
    for n, r in enumerate(rows):
        objects.append(
            Evidence(
                complaint=complaint,
                channel=r["channel"],
                author_handle=r["author_handle"],
                author_name=r["author_name"],
                author_email=r["author_email"],
                author_phone=r["author_phone"],
                url=r["url"],
                text=r["text"],
                occurred_at=dt.datetime.fromisoformat(r["occurred_at"]),
                content_hash=hashlib.sha256(f"{n}".encode()).hexdigest(),
            )
        )
    return objects


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=25000)
    ap.add_argument("--members", type=int, default=50000)
    args = ap.parse_args(argv)

    from bench.wavegen import generate

    workdir = tempfile.mkdtemp(prefix="bench_wave_")
    try:
        seconds, truth = timed(lambda: generate(workdir, items=args.items, members=args.members))
        wave = os.path.join(workdir, "wave.csv")
        print(
            f"wave: {truth['items']} items, {truth['senders']} senders, {truth['members']} members "
            f"(generated in {seconds:.1f}s; {os.path.getsize(wave) / 2**20:.1f} MiB CSV)"
        )

        with throwaway_database(current_database_url()) as where:
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import transaction
            from django.test import Client
            from django.test.utils import override_settings

            from complaints.models import Campaign, Case, Evidence
            from tests.members.factories import MemberFactory

            call_command("migrate", verbosity=0)
            print(f"database: {where}")
            seconds, _ = timed(
                lambda: call_command(
                    "import_members", os.path.join(workdir, "members.csv"), stdout=open(os.devnull, "w")
                )
            )
            print(f"members imported in {seconds:.1f}s")

            with override_settings(
                ALLOWED_HOSTS=["127.0.0.1"], EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ):
                target = MemberFactory(
                    membership_number="MP0000001", first_name="Ruth", last_name="Smeeth", with_login=True
                )
                client = Client()
                client.force_login(target.user)

                complaint = new_complaint(target.user, "The wave")
                start = time.perf_counter()
                response = post_wave(client, complaint.reference, wave)
                endpoint_s = time.perf_counter() - start
                body = response.json()
                assert response.status_code == 201, body

                baseline_complaint = new_complaint(target.user, "Baseline")
                objects = baseline_rows(wave, baseline_complaint)

                def insert():
                    with transaction.atomic():
                        Evidence.objects.bulk_create(objects, batch_size=500)

                baseline_s, _ = timed(insert)

                memory_complaint = new_complaint(target.user, "Memory")
                rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                tracemalloc.start()
                post_wave(client, memory_complaint.reference, wave)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

            n = truth["items"]
            cases = Case.objects.filter(complaint=complaint)
            campaigns = Campaign.objects.filter(complaint=complaint)
            print()
            print(f"endpoint (one request):  {endpoint_s:6.2f}s  {n / endpoint_s:9,.0f} rows/s")
            print(f"raw bulk_create:         {baseline_s:6.2f}s  {n / baseline_s:9,.0f} rows/s")
            print(f"ratio endpoint/baseline: {endpoint_s / baseline_s:.2f}x the time")
            print(
                f"peak Python memory of the request (tracemalloc): {peak / 2**20:.0f} MiB; "
                f"process peak RSS {rss_after / 1024:.0f} MiB (was {rss_before / 1024:.0f} MiB before it)"
            )
            print()
            print("found                     endpoint   truth")
            print(f"items received            {body['received']:8}   {truth['items']:5}")
            print(f"duplicates                {body['duplicates']:8}   {truth['duplicates']:5}")
            print(f"threats flagged           {body['threats']:8}   {truth['threat_items']:5}")
            print(f"member senders (cases)    {cases.count():8}   {truth['senders_who_are_members']:5}")
            print(f"items attributed          {body['attributed']:8}   {truth['member_items']:5}")
            crit = cases.filter(threat_count__gt=0).count()
            print(f"members with threats      {crit:8}   {len(truth['members_with_threats']):5}")
            print(f"campaigns                 {campaigns.count():8}   {len(truth['campaigns']):5}")
            for c in campaigns.order_by("first_at"):
                print(f"  {c.senders} senders, {c.items} items: {c.sample_text[:60]}")
            worst = list(
                cases.order_by("-threat_count", "-evidence_count").values_list(
                    "respondent__membership_number", "evidence_count", "threat_count"
                )[:3]
            )
            expected = [(w["membership_number"], w["items"], w["threats"]) for w in truth["worst_member_senders"][:3]]
            print(f"worst member senders      {worst}")
            print(f"                   truth  {expected}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
