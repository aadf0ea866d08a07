"""A small threat classifier trained in the repository on the project's own labelled messages.

Logistic regression over the words and word pairs of the canonical text (the target's
names as "tgt", disguises undone: `normalise.canonical_tokens`, `targets.mark`). It is
trained on the development set and the tuning half of the extra development set
(`evaluation.half`), never on the check half or the held-out part, and its threshold is
chosen on out-of-fold scores of those training messages: the lowest score at which the
rules OR the classifier keep a precision of at least `PRECISION_FLOOR` there. The detector
flags a threat when the rules fire or the classifier's score reaches that threshold.

Pure Python, deterministic; the model (`threat_model.json`, well under 1 MB) is committed,
so nothing is downloaded or trained at run time. Rebuild it after changing the data, the
features or the rules:

    python -m conduct.detection.classifier
"""

import json
import math
import random
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).with_name("threat_model.json")
PRECISION_FLOOR = 0.97
FOLDS = 5
EPOCHS = 40
L2 = 1e-3
MIN_COUNT = 2
_BOUNDARIES = {".", ","}


def features(tokens: list[str]) -> set[str]:
    """The words and adjacent word pairs of marked canonical tokens (pairs do not cross a sentence)."""
    out = set()
    previous = "<s>"
    for token in tokens:
        if token in _BOUNDARIES:
            previous = "<s>"
            continue
        out.add(token)
        out.add(previous + " " + token)
        previous = token
    return out


@dataclass(frozen=True)
class Model:
    weights: dict
    bias: float
    threshold: float

    def score(self, tokens: list[str]) -> float:
        """The probability the classifier gives that the marked canonical tokens are a threat."""
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features(tokens))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def is_threat(self, tokens: list[str]) -> bool:
        return self.score(tokens) >= self.threshold


@lru_cache(maxsize=1)
def load() -> Model | None:
    """The committed model, or None when it has not been built."""
    if not PATH.exists():
        return None
    data = json.loads(PATH.read_text(encoding="utf-8"))
    return Model(data["weights"], data["bias"], data["threshold"])


# --- Training ------------------------------------------------------------------------------------


def _fit(examples: list[tuple[set[str], int]]) -> tuple[dict, float]:
    """Logistic regression by stochastic gradient descent (fixed shuffle, decaying step, L2), features seen twice."""
    counts = Counter(f for feats, _ in examples for f in feats)
    kept = {f for f, n in counts.items() if n >= MIN_COUNT}
    rows = [([f for f in sorted(feats) if f in kept], y) for feats, y in examples]
    weights: dict[str, float] = dict.fromkeys(sorted(kept), 0.0)
    bias = 0.0
    order = list(range(len(rows)))
    rng = random.Random(12)
    step = 0
    for _epoch in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            feats, y = rows[i]
            step += 1
            rate = 0.5 / (1 + step / 2000)
            z = bias + sum(weights[f] for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
            g = p - y
            bias -= rate * g
            for f in feats:
                weights[f] -= rate * (g + L2 * weights[f])
    return {f: round(w, 4) for f, w in weights.items() if abs(w) >= 1e-3}, round(bias, 4)


def _threshold(scores: list[float], rules: list[bool], labels: list[int]) -> float:
    """The lowest threshold at which rules OR classifier keep precision >= PRECISION_FLOOR on these scores."""
    best = 1.0
    for t in sorted(set(scores), reverse=True):
        flagged = [r or s >= t for r, s in zip(rules, scores, strict=True)]
        tp = sum(f and y for f, y in zip(flagged, labels, strict=True))
        fp = sum(f and not y for f, y in zip(flagged, labels, strict=True))
        if tp + fp and tp / (tp + fp) >= PRECISION_FLOOR:
            best = t
    return round(best, 4)


def training_rows() -> list[dict]:
    """The development set and the tuning half of the extra development set."""
    from conduct.detection.evaluation import DEV, EXTRA_DEV, load, split

    return load(DEV) + split(load(EXTRA_DEV))[0]


def marked_tokens(row: dict) -> list[str]:
    from conduct.detection.normalise import canonical_tokens
    from conduct.detection.targets import Target, mark

    target = Target.of(row.get("target") or [], row.get("pronouns") or [])
    return mark(canonical_tokens(row["text"]), target.name_tokens())


def build() -> dict:
    """Train on `training_rows`, choose the threshold out of fold, and return the model as stored."""
    from conduct.detection import rules

    rows = training_rows()
    tokens = [marked_tokens(r) for r in rows]
    examples = [(features(t), int(r["label"] == "threat")) for t, r in zip(tokens, rows, strict=True)]
    fired = [bool(rules.fired(" ".join(t))) for t in tokens]
    scores = [0.0] * len(rows)
    for fold in range(FOLDS):
        train = [e for i, e in enumerate(examples) if i % FOLDS != fold]
        weights, bias = _fit(train)
        model = Model(weights, bias, 1.0)
        for i, t in enumerate(tokens):
            if i % FOLDS == fold:
                scores[i] = model.score(t)
    threshold = _threshold(scores, fired, [y for _, y in examples])
    weights, bias = _fit(examples)
    return {
        "about": "threat classifier: python -m conduct.detection.classifier (see its docstring)",
        "trained_on": len(rows),
        "threshold": threshold,
        "bias": bias,
        "weights": weights,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    data = build()
    PATH.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(data['weights'])} weights, threshold {data['threshold']}, written to {PATH}")
