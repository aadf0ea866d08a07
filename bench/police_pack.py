"""Benchmark the police pack of the full abuse wave against a plain CSV of the same threat items.

    python bench/police_pack.py [--items 25000] [--members 50000] [--runs 3] [--no-worst-case] [--profile]

Generates the wave (25,001 items) and 50,000 members with bench.wavegen, imports the
members and posts the whole wave to one complaint through the evidence endpoint (as
bench/intake_wave.py does), then, for the complaint's threat items as the detector
flagged them:
  1. builds the police pack with `police_pack_build` (the permission check, the sender
     register, every item's record and hash, the incident log, the audit extract, the
     cover sheet, the BagIt manifests, the ZIP and the audit event) and, in the same
     runs, alternating, the baseline: the same threat items read and written as one
     plain CSV file, with no hashing, no records and no bag;
  2. downloads the pack once through GET /api/complaints/{ref}/police-pack/ (Django's test
     client: the real URL, view and streaming) and validates it with bagit's own validator;
  3. builds it once more with tracemalloc on, for the peak Python memory of a build.
Then, unless --no-worst-case, an officer reclassifies every other item of the wave as a
threat (one audited event each, as the service does), and 1 to 3 are repeated: the pack
of all 25,001 items, with an audit extract of as many events. With --profile, one more
build of the last pack runs under cProfile and prints where the time goes.

Prints the threat items, the senders and members among them, the best and median build
time, the pack's size, the ratio build time / plain-CSV time (1.0: a pack costs no more
than a plain CSV export), and whether the build meets the 10 s target. Runs with DEBUG
off on a throwaway database of the kind DATABASE_URL names (SQLite when unset).
"""

import argparse
import cProfile
import csv
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DJANGO_DEBUG"] = "false"

from bench.import_members import current_database_url, throwaway_database, timed  # noqa: E402
from bench.intake_wave import print_profile  # noqa: E402
from bench.wave_setup import generate_wave, member_with_login, migrate_and_import_members, officer_login  # noqa: E402

TARGET_SECONDS = 10.0
CSV_COLUMNS = (
    "occurred_at",
    "channel",
    "author_handle",
    "author_email",
    "author_phone",
    "author_name",
    "url",
    "text",
    "categories",
    "pk",
)


def plain_csv(complaint, path: str) -> int:
    """The baseline: the complaint's threat items, in time order, written as one CSV file as they come."""
    from complaints.models import Evidence

    rows = (
        Evidence.objects.filter(complaint=complaint, threat=True)
        .order_by("occurred_at", "pk")
        .values_list(*CSV_COLUMNS)
    )
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for row in rows.iterator(chunk_size=2000):
            writer.writerow(row)
            count += 1
    return count


def build(complaint, officer) -> tuple[int, str]:
    """One police pack of every threat item; returns (its size in bytes, the manifest digest)."""
    from django.utils import timezone

    from complaints.services.police_pack import police_pack_build

    pack, digest = police_pack_build(complaint=complaint, actor=officer, now=timezone.now())
    with pack:
        pack.seek(0, os.SEEK_END)
        return pack.tell(), digest


def measure(label: str, complaint, officer, client, runs: int, workdir: str) -> None:
    import bagit

    from complaints.selectors.threats import threat_senders

    senders = threat_senders(complaint=complaint)
    members = sum(1 for s in senders if s["member"])
    builds, baselines, size = [], [], 0
    for _ in range(runs):
        seconds, (size, _digest) = timed(lambda: build(complaint, officer))
        builds.append(seconds)
        seconds, items = timed(lambda: plain_csv(complaint, os.path.join(workdir, "plain.csv")))
        baselines.append(seconds)

    start = time.perf_counter()
    response = client.get(f"/api/complaints/{complaint.reference}/police-pack/", HTTP_HOST="127.0.0.1")
    body = b"".join(response.streaming_content)
    download = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    unpacked = os.path.join(workdir, "unpacked")
    shutil.rmtree(unpacked, ignore_errors=True)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(unpacked)
        [top] = {name.split("/", 1)[0] for name in archive.namelist()}
    bag = bagit.Bag(os.path.join(unpacked, top))
    seconds_validate, _ = timed(bag.validate)
    with open(os.path.join(unpacked, top, "data", "incident-log.csv"), newline="", encoding="utf-8") as f:
        logged = sum(1 for _ in csv.reader(f)) - 1
    with open(os.path.join(unpacked, top, "data", "audit-extract.jsonl"), encoding="utf-8") as f:
        events = sum(1 for _ in f)

    tracemalloc.start()
    build(complaint, officer)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    best_b, best_p = min(builds), min(baselines)
    ratio = statistics.median(b / p for b, p in zip(builds, baselines, strict=True))
    print()
    print(f"== {label}")
    print(f"threat items                 {items:8}   (in the pack's incident log: {logged})")
    print(f"threat senders               {len(senders):8}")
    print(f"members among them           {members:8}")
    print(f"audit events in the extract  {events:8}")
    print(
        f"pack build (service)         {best_b:8.2f}s best"
        + (f", {statistics.median(builds):.2f}s median of {runs}" if runs > 1 else "")
    )
    print(f"pack download (endpoint)     {download:8.2f}s   (build and stream, one request)")
    print(
        f"plain CSV (baseline)         {best_p:8.2f}s best"
        + (f", {statistics.median(baselines):.2f}s median of {runs}" if runs > 1 else "")
    )
    print(f"pack size                    {size:8} bytes ({size / 2**20:.1f} MiB)")
    print(f"bag valid (bagit.Bag.validate) {'yes':>7}   ({seconds_validate:.1f}s to validate)")
    print(f"peak Python memory of a build {peak / 2**20:7.1f} MiB (tracemalloc)")
    print(f"ratio pack / plain CSV       {ratio:8.1f}   (median of {runs}; 1.0 = no dearer than a plain CSV)")
    verdict = "met" if best_b < TARGET_SECONDS else "NOT met"
    print(f"target: build under {TARGET_SECONDS:.0f} s for {items} threat items: {verdict} ({best_b:.2f}s)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=25000)
    ap.add_argument("--members", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3, help="builds and baselines, alternating (default 3)")
    ap.add_argument("--no-worst-case", action="store_true", help="skip the pack with every item a threat")
    ap.add_argument("--profile", action="store_true", help="profile one more build and print the top functions")
    args = ap.parse_args(argv)
    runs = max(args.runs, 1)

    workdir = tempfile.mkdtemp(prefix="bench_pack_")
    try:
        truth, wave = generate_wave(workdir, items=args.items, members=args.members)
        with throwaway_database(current_database_url()) as where:
            import django

            django.setup()
            from django.test import Client
            from django.test.utils import override_settings

            from complaints.models import Evidence
            from complaints.services.complaints import complaint_file
            from complaints.services.evidence.classification import evidence_classify_many

            migrate_and_import_members(workdir, where)
            with override_settings(
                ALLOWED_HOSTS=["127.0.0.1"],
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                MEDIA_ROOT=os.path.join(workdir, "media"),
            ):
                target = member_with_login()
                complaint = complaint_file(actor=target.user, summary="The wave", description="After the walkout.")
                owner = Client()
                owner.force_login(target.user)
                with open(wave, "rb") as f:
                    seconds, response = timed(
                        lambda: owner.post(
                            f"/api/complaints/{complaint.reference}/evidence/", {"file": f}, HTTP_HOST="127.0.0.1"
                        )
                    )
                assert response.status_code == 201, response.json()
                print(f"wave posted to {complaint.reference} in {seconds:.1f}s: {response.json()['created']} items")

                officer = officer_login("bench-officer", "Olive", "Pack")
                client = Client()
                client.force_login(officer)
                measure("the wave's threats, as flagged", complaint, officer, client, runs, workdir)

                if not args.no_worst_case:
                    others = list(
                        Evidence.objects.filter(complaint=complaint, threat=False).values_list("pk", flat=True)
                    )
                    seconds, _ = timed(
                        lambda: evidence_classify_many(
                            evidence_ids=others,
                            actor=officer,
                            threat=True,
                            categories=["threat_of_violence"],
                            reason="Worst case for the bench: every item held as a threat.",
                        )
                    )
                    print()
                    print(f"reclassified the other {len(others)} items as threats in {seconds:.1f}s")
                    measure("worst case: every item of the wave a threat", complaint, officer, client, runs, workdir)

                if args.profile:
                    profile = cProfile.Profile()
                    profile.runcall(build, complaint, officer)
                    print()
                    print_profile(profile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
