"""Benchmark the bulk evidence endpoint with the full abuse wave against a raw bulk_create.

    python bench/intake_wave.py [--items 25000] [--members 50000] [--runs 1] [--profile]

Generates the wave (25,001 items from ~2,800 senders) and 50,000 members with
bench.wavegen, imports the members, then:
  1. posts wave.csv to POST /api/complaints/{ref}/evidence/ in one request (Django's
     test client: the real URL, view, parsing, validation, attribution, flagging,
     duplicates, campaigns, cases and audit);
  2. bulk-inserts the rows that request stored, copied onto another complaint, with a
     plain Evidence.objects.bulk_create (no validation, normalising, attribution or
     flagging; Django's own batching: the backend's largest batch);
  3. with --runs N, repeats 1 and 2 on fresh complaints N times, alternating, so that
     both see the same load; the best and the median are printed;
  4. posts the wave once more to a fresh complaint with tracemalloc on, for the peak
     Python memory of the request;
  5. with --profile, posts it once more under cProfile and prints where the time goes.
Prints the wall time and rows/s of each, the ratio endpoint rows/s / bulk_create rows/s
(1.0: the endpoint stores as fast as a bare bulk_create; 0.5: half as fast), the peak
memory, and what the endpoint found against the generator's ground truth.

Runs with DEBUG off, as in production: with DEBUG on, Django records every query and
on SQLite re-reads each statement's parameters through an extra SELECT QUOTE(...),
which would measure the debug cursor rather than the code. Runs on a throwaway database
of the kind DATABASE_URL names (SQLite when unset). No pass/fail.
"""

import argparse
import cProfile
import csv
import datetime as dt
import os
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DJANGO_DEBUG"] = "false"

from bench.import_members import current_database_url, throwaway_database, timed  # noqa: E402
from bench.wave_setup import generate_wave, member_with_login, migrate_and_import_members  # noqa: E402


def post_wave(client, reference: str, path: str):
    with open(path, "rb") as f:
        return client.post(f"/api/complaints/{reference}/evidence/", {"file": f}, HTTP_HOST="127.0.0.1")


def new_complaint(user, summary: str):
    from complaints.services.complaints import complaint_file

    return complaint_file(actor=user, summary=summary, description="The wave after the walkout.")


def baseline_rows(source, complaint) -> list:
    """Unsaved copies of the evidence rows stored on `source`, moved onto `complaint`: the same
    values (texts, normal forms, flags, links to members, cases and campaigns) in the same order."""
    from complaints.models import Evidence

    columns = [f.attname for f in Evidence._meta.concrete_fields if not f.primary_key and f.attname != "complaint_id"]
    return [
        Evidence(complaint=complaint, **dict(zip(columns, values, strict=True)))
        for values in Evidence.objects.filter(complaint=source).order_by("pk").values_list(*columns)
    ]


def threat_confusion(path: str, row_kinds: list[str], complaint) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of the threat flag over the items stored
    on `complaint`, each matched to its wave.csv row by sender, URL, text and time."""
    from complaints.models import Evidence

    columns = ("author_handle", "author_email", "author_phone", "url", "text")
    kind_of = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row, kind in zip(csv.DictReader(f), row_kinds, strict=True):
            kind_of[(*(row[c].strip() for c in columns), row["occurred_at"])] = kind
    tp = fp = fn = 0
    for *values, occurred_at, flagged in Evidence.objects.filter(complaint=complaint).values_list(
        *columns, "occurred_at", "threat"
    ):
        when = occurred_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        threat = kind_of[(*(v.strip() for v in values), when)] == "threat_of_violence"
        tp += flagged and threat
        fp += flagged and not threat
        fn += threat and not flagged
    return tp, fp, fn


def print_profile(profile: cProfile.Profile, limit: int = 30) -> None:
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=25000)
    ap.add_argument("--members", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=1, help="endpoint and bulk_create runs, alternating (default 1)")
    ap.add_argument("--profile", action="store_true", help="profile one more request and print the top functions")
    args = ap.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="bench_wave_")
    try:
        truth, wave = generate_wave(workdir, items=args.items, members=args.members)

        with throwaway_database(current_database_url()) as where:
            import django

            django.setup()
            from django.db import transaction
            from django.test import Client
            from django.test.utils import override_settings

            from complaints.models import Campaign, Case, Evidence

            migrate_and_import_members(workdir, where)

            with override_settings(
                ALLOWED_HOSTS=["127.0.0.1"], EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ):
                target = member_with_login()
                client = Client()
                client.force_login(target.user)

                endpoint_runs, baseline_runs = [], []
                for run in range(max(args.runs, 1)):
                    wave_complaint = new_complaint(target.user, "The wave" if run == 0 else f"The wave, run {run + 1}")
                    start = time.perf_counter()
                    response = post_wave(client, wave_complaint.reference, wave)
                    endpoint_runs.append(time.perf_counter() - start)
                    assert response.status_code == 201, response.json()
                    if run == 0:
                        complaint, body = wave_complaint, response.json()

                    objects = baseline_rows(wave_complaint, new_complaint(target.user, f"Baseline, run {run + 1}"))

                    def insert(objects=objects):
                        with transaction.atomic():
                            Evidence.objects.bulk_create(objects)

                    seconds, _ = timed(insert)
                    baseline_runs.append((seconds, len(objects)))

                memory_complaint = new_complaint(target.user, "Memory")
                rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                tracemalloc.start()
                post_wave(client, memory_complaint.reference, wave)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

                if args.profile:
                    profiled_complaint = new_complaint(target.user, "Profiled")
                    profile = cProfile.Profile()
                    profile.runcall(post_wave, client, profiled_complaint.reference, wave)

            n = truth["items"]
            cases = Case.objects.filter(complaint=complaint)
            campaigns = Campaign.objects.filter(complaint=complaint)
            stored = baseline_runs[0][1]
            endpoint_rate = [n / t for t in endpoint_runs]
            baseline_rate = [rows / t for t, rows in baseline_runs]
            ratios = [e / b for e, b in zip(endpoint_rate, baseline_rate, strict=True)]
            print()
            if len(endpoint_runs) > 1:
                for i, (e, (b, _)) in enumerate(zip(endpoint_runs, baseline_runs, strict=True), start=1):
                    print(f"run {i}: endpoint {e:6.2f}s, bulk_create {b:6.2f}s, ratio {ratios[i - 1]:.2f}")
                print()
            best_e, best_b = min(endpoint_runs), min(t for t, _ in baseline_runs)
            median_e, median_b = statistics.median(endpoint_runs), statistics.median(t for t, _ in baseline_runs)
            label = "best" if len(endpoint_runs) > 1 else ""
            print(
                f"endpoint (one request, {n} items):     {label} {best_e:6.2f}s  {n / best_e:9,.0f} rows/s"
                + (f"   (median {median_e:.2f}s)" if len(endpoint_runs) > 1 else "")
            )
            print(
                f"raw bulk_create ({stored} rows stored):  {label} {best_b:6.2f}s  {stored / best_b:9,.0f} rows/s"
                + (f"   (median {median_b:.2f}s)" if len(baseline_runs) > 1 else "")
            )
            print(
                f"ratio endpoint rows/s / bulk_create rows/s: {statistics.median(ratios):.2f}"
                + (f" (median of {len(ratios)} runs; best {max(ratios):.2f})" if len(ratios) > 1 else "")
                + "  (1.0 = as fast as a bare bulk_create)"
            )
            print(
                f"peak Python memory of the request (tracemalloc): {peak / 2**20:.0f} MiB; "
                f"process peak RSS {rss_after / 1024:.0f} MiB (was {rss_before / 1024:.0f} MiB before it)"
            )
            tp, fp, fn = threat_confusion(wave, truth["row_kinds"], complaint)
            print()
            print("found                     endpoint   truth")
            print(f"items received            {body['received']:8}   {truth['items']:5}")
            print(f"items created             {body['created']:8}   {truth['unique_items']:5}")
            print(f"duplicates                {body['duplicates']:8}   {truth['duplicates']:5}")
            print(f"threats flagged           {body['threats']:8}   {truth['threat_items']:5}")
            print(f"member senders (cases)    {cases.count():8}   {truth['senders_who_are_members']:5}")
            # A member's upload is not told who is a member; the database says.
            attributed = Evidence.objects.filter(complaint=complaint, member__isnull=False).count()
            print(f"items attributed          {attributed:8}   {truth['member_items']:5}")
            print(
                f"threat recall {tp / max(tp + fn, 1):.1%}, precision {tp / max(tp + fp, 1):.1%} "
                f"({tp} flagged rightly, {fp} wrongly, {fn} missed)"
            )
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
            if args.profile:
                print()
                print_profile(profile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
