"""Measuring the detector on labelled messages: threat recall and precision, per angle.

The evaluation set ships in the tests (tests/conduct/data/threat_eval_*.jsonl): one JSON
object a line, {"text", "label": threat|abusive|neither, "target": [names], "pronouns",
"angle", "source"}. It was split once into a development part, which the rules were
written against, and a held-out part, which is only measured. `bench/detect_eval.py`
prints both; tests assert them.

`shipped_lexicon()` is the lexicon as it shipped before the detector (conduct migration
0004): run as `Detector.of_entries(shipped_lexicon(), structure=False, legacy=True)`, it
is the baseline the detector is measured against.
"""

import hashlib
import importlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from conduct.detection.detector import THREAT, Detector
from conduct.detection.lexicon import Entry
from conduct.detection.targets import Target

DATA = Path(__file__).resolve().parents[2] / "tests" / "conduct" / "data"
DEV = DATA / "threat_eval_dev.jsonl"
HELDOUT = DATA / "threat_eval_heldout.jsonl"
# Written afterwards and independently, concentrating on threats that name no violent act.
EXTRA_DEV = DATA / "threat_eval_extra_dev.jsonl"
TUNE, CHECK = "tune", "check"
_CRITICAL = 4
_SEVERITY = {
    "threat_of_violence": 4,
    "antisemitism": 3,
    "racism": 3,
    "islamophobia": 3,
    "misogyny": 3,
    "homophobia": 3,
    "transphobia": 3,
    "disablism": 3,
    "harassment": 2,
    "doxxing": 3,
    "abusive_language": 1,
}


def load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def half(row: dict) -> str:
    """Which half of a development set a message falls in, fixed by a hash of its text: "tune" or "check".

    The rules and the classifier are tuned on one half of the extra development set and
    checked on the other, so the check half says how they do on messages they were not
    written against.
    """
    digest = hashlib.sha256(row["text"].encode("utf-8")).digest()
    return TUNE if digest[0] % 2 == 0 else CHECK


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(tuning half, check half) of `rows`."""
    return [r for r in rows if half(r) == TUNE], [r for r in rows if half(r) == CHECK]


def shipped_lexicon() -> list[Entry]:
    """The lexicon's entries as conduct migration 0004 shipped them (severities: the categories' defaults)."""
    shipped = importlib.import_module("conduct.migrations.0004_indicator_defaults").PHRASES
    return [
        Entry(code, kind, text, _SEVERITY.get(code, _CRITICAL))
        for code, entries in shipped.items()
        for kind, text in entries
    ]


@dataclass
class Measure:
    """Threat against not-threat: counts, recall, precision, and recall per angle of the threats."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    angles: Counter = field(default_factory=Counter)  # threats per angle
    caught: Counter = field(default_factory=Counter)  # of them caught
    misses: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    def angle_recall(self) -> dict[str, tuple[int, int]]:
        return {angle: (self.caught[angle], n) for angle, n in sorted(self.angles.items())}


def measure(detector: Detector, rows: list[dict]) -> Measure:
    """The detector's threat flag on each row (aimed at the row's target) against its label."""
    result = Measure()
    for row in rows:
        target = Target.of(row.get("target") or [], row.get("pronouns") or [])
        flagged = THREAT in detector.flag(row["text"], target)[0]
        threat = row["label"] == "threat"
        if threat:
            result.angles[row["angle"]] += 1
            result.caught[row["angle"]] += flagged
        result.tp += flagged and threat
        result.fp += flagged and not threat
        result.fn += threat and not flagged
        result.tn += not flagged and not threat
        if threat and not flagged:
            result.misses.append(row)
        if flagged and not threat:
            result.false_alarms.append(row)
    return result


def baseline() -> Detector:
    """The lexicon as shipped before the detector, alone: no rules, no placeholders, the plain normal form."""
    return Detector.of_entries(shipped_lexicon(), structure=False, legacy=True)
