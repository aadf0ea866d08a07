"""Measure the threat detector: on the labelled evaluation set, and on the generator's wave.

    python bench/detect_eval.py [--runs 3] [--items 25000] [--members 50000] [--dev-only] [--no-wave]

1. The evaluation set (tests/conduct/data/threat_eval_{dev,extra_dev,heldout}.jsonl; the
   held-out part was split off once before any detector existed and is only measured;
   the extra development set is split by a hash of the text into a tuning half, which
   the rules and classifier were written against, and a check half, which they were
   not): threat recall and precision (threat against not-threat) of the detector, of its
   rules and lexicon without the classifier, of the classifier alone, and of the lexicon
   as it shipped before the detector (no rules, no {target}, the plain normal form), and
   the detector's recall per angle. `--dev-only` leaves the held-out part out.
2. The wave (bench.wavegen, 25,001 items; its truth says which are threats), posted to
   the evidence endpoint as in bench/intake_wave.py, in three ways alternating `--runs`
   times on fresh complaints: with no flagging at all, with the shipped lexicon alone, and
   with the detector. Prints each intake time (best of the runs), the ratio detector /
   no flagging (the detector's cost), and the detector's threat recall and precision
   against the generator's truth.
3. The re-scan of the wave's complaint: once with nothing changed, once after a lexicon
   change that re-flags thousands of its items.

Runs with DEBUG off on a throwaway database of the kind DATABASE_URL names (SQLite when
unset). Prints figures; no pass/fail.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DJANGO_DEBUG"] = "false"
# The wave is posted nine times by one member: the hourly item limit is not what is measured here.
os.environ.setdefault("CONDUCT_MEMBER_UPLOAD_ITEMS_PER_HOUR", "10000000")

from bench.import_members import current_database_url, throwaway_database, timed  # noqa: E402


def print_evaluation(name: str, rows: list[dict]) -> None:
    """The detector, each of its parts alone, and the lexicon as shipped, on `rows`."""
    from conduct.detection import Detector
    from conduct.detection.evaluation import baseline, measure
    from conduct.detection.lexicon import Lexicon

    threats = sum(r["label"] == "threat" for r in rows)
    print(f"{name}: {len(rows)} messages, {threats} threats")
    kinds = {
        "detector": Detector.load(),
        "rules and lexicon": Detector.load(learned=False),
        "classifier alone": Detector(Lexicon([]), structure=False),
        "shipped lexicon": baseline(),
    }
    found = {}
    for kind, detector in kinds.items():
        m = found[kind] = measure(detector, rows)
        print(f"  {kind:18} recall {m.recall:.3f}  precision {m.precision:.3f}  "
              f"({m.tp} caught, {m.fp} false alarms, {m.fn} missed)")  # fmt: skip
    detector = found["detector"]
    print("  detector recall per angle: " + ", ".join(f"{a} {c}/{n}" for a, (c, n) in detector.angle_recall().items()))


class _NoFlags:
    """Intake with no flagging at all: the time the detector is measured against."""

    def flag(self, text, target=None):
        return [], 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=25000)
    ap.add_argument("--members", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3, help="intake runs of each kind, alternating (default 3)")
    ap.add_argument("--dev-only", action="store_true", help="measure the development part only")
    ap.add_argument("--no-wave", action="store_true", help="the evaluation set only")
    args = ap.parse_args(argv)

    from bench.intake_wave import new_complaint, post_wave, threat_confusion
    from bench.wavegen import generate

    workdir = tempfile.mkdtemp(prefix="bench_detect_")
    try:
        with throwaway_database(current_database_url()) as where:
            import django

            django.setup()
            from django.core.management import call_command

            from conduct.detection.evaluation import DEV, EXTRA_DEV, HELDOUT, load, split

            call_command("migrate", verbosity=0)
            print(f"database: {where}")
            print()
            print_evaluation("development set", load(DEV))
            tune, check = split(load(EXTRA_DEV))
            print_evaluation("extra development set, tuning half (the classifier is trained on it)", tune)
            print_evaluation("extra development set, check half (never tuned on)", check)
            if not args.dev_only:
                print_evaluation("held-out set", load(HELDOUT))
            if args.no_wave:
                return

            from django.test import Client
            from django.test.utils import override_settings

            from complaints.models import Evidence
            from complaints.services.evidence import ingest
            from complaints.services.evidence.rescan import evidence_rescan
            from conduct.detection import Detector
            from conduct.detection.evaluation import baseline
            from conduct.models import Category, IndicatorPhrase
            from core import roles
            from members.models import Member
            from members.services import account_create_or_update

            seconds, truth = timed(lambda: generate(workdir, items=args.items, members=args.members))
            wave = os.path.join(workdir, "wave.csv")
            print()
            print(f"wave: {truth['items']} items, {truth['threat_items']} threats (generated in {seconds:.1f}s)")
            call_command("import_members", os.path.join(workdir, "members.csv"), stdout=open(os.devnull, "w"))

            kinds = {
                "no flagging": lambda: _NoFlags(),
                "shipped lexicon": baseline,
                "detector": Detector.load,
            }
            times = {kind: [] for kind in kinds}
            complaints = {}
            with override_settings(
                ALLOWED_HOSTS=["127.0.0.1"], EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ):
                target = Member.objects.create(membership_number="MP0000001", first_name="Ruth", last_name="Smeeth")
                target.user, _ = account_create_or_update(
                    username=target.membership_number, role=roles.MEMBER, membership_number=target.membership_number
                )
                client = Client()
                client.force_login(target.user)
                for run in range(max(args.runs, 1)):
                    for kind, make in kinds.items():
                        complaint = new_complaint(target.user, f"{kind}, run {run + 1}")
                        with mock.patch.object(ingest.Detector, "load", side_effect=lambda make=make, **kw: make()):
                            start = time.perf_counter()
                            response = post_wave(client, complaint.reference, wave)
                            times[kind].append(time.perf_counter() - start)
                        assert response.status_code == 201, response.json()
                        complaints.setdefault(kind, complaint)

            print(f"intake of the wave, best of {len(times['detector'])} run(s) each (median in brackets):")
            for kind, runs in times.items():
                print(f"  {kind:16} {min(runs):6.2f}s  ({statistics.median(runs):.2f}s)")
            cost = min(times["detector"]) / min(times["no flagging"])
            print(f"  detector / no flagging: {cost:.2f} (the detector adds {cost - 1:.0%} to intake)")
            print(f"  detector / shipped lexicon: {min(times['detector']) / min(times['shipped lexicon']):.2f}")
            for kind in ("shipped lexicon", "detector"):
                tp, fp, fn = threat_confusion(wave, truth["row_kinds"], complaints[kind])
                print(
                    f"  {kind:16} threat recall {tp / max(tp + fn, 1):.3f}, precision {tp / max(tp + fp, 1):.3f} "
                    f"against the generator's truth ({tp} flagged rightly, {fp} wrongly, {fn} missed)"
                )

            wave_complaint = complaints["detector"]
            items = Evidence.objects.filter(complaint=wave_complaint).count()
            seconds, result = timed(lambda: evidence_rescan(complaint_ids=[wave_complaint.pk]))
            print()
            print(f"re-scan of the wave's complaint ({items} items), nothing changed: {seconds:.2f}s "
                  f"({result.items_changed} items changed)")  # fmt: skip
            IndicatorPhrase.objects.create(category=Category.objects.get(code="harassment"), text="{target} is a")
            seconds, result = timed(lambda: evidence_rescan(complaint_ids=[wave_complaint.pk]))
            print(f"re-scan after a lexicon change ('{{target}} is a' as harassment): {seconds:.2f}s "
                  f"({result.items_changed} items changed)")  # fmt: skip
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
