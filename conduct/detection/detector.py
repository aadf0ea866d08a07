"""The detector: the lexicon and the structural rules, one answer per text and target.

`Detector.flag(text, target)` returns what the lexicon alone returned before it:
(categories, worst severity, 0 when nothing matched). The lexicon gives its categories;
the rules (`rules.fired`) add the threat category when the text joins harm to the
target with intent, whether or not an officer ever wrote the phrase down, and so does the
classifier (`classifier`) when its score reaches the threshold chosen for it: rules OR
classifier. Intake,
the re-scan and officers' corrections all read the same flags, so this is the one code
path that classifies evidence.

Answers are cached per (target, text) for the detector's life (one batch, one re-scan):
abuse waves repeat the same texts many times over.
"""

from dataclasses import dataclass, field

from conduct.detection import classifier, rules
from conduct.detection.lexicon import Entry, Lexicon
from conduct.detection.normalise import canonical_tokens, lexicon_form
from conduct.detection.targets import Target, mark

THREAT = "threat_of_violence"
# Results kept per Detector: a wave repeats its texts; a re-scan meets each complaint's texts once.
_CACHE_LIMIT = 50_000
_CRITICAL = 4


@dataclass
class Detector:
    """Flags text with categories and a severity: the lexicon, and (unless `structure` is off) the threat rules."""

    lexicon: Lexicon
    structure: bool = True
    learned: bool = True
    threat_severity: int = _CRITICAL
    _flags: dict = field(default_factory=dict, repr=False, compare=False)
    _names: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, *, structure: bool = True, learned: bool = True) -> "Detector":
        """The detector over the lexicon officers keep now (`learned`: with the classifier)."""
        from conduct.models import Category

        severity = Category.objects.filter(code=THREAT).values_list("default_severity", flat=True).first()
        return cls(Lexicon.load(), structure=structure, learned=learned, threat_severity=severity or _CRITICAL)

    @classmethod
    def of_entries(
        cls, entries: list[Entry], *, structure: bool = True, learned: bool = True, legacy: bool = False
    ) -> "Detector":
        """A detector over the given lexicon entries (the evaluation's baseline: the shipped lexicon, legacy)."""
        return cls(Lexicon(entries, legacy=legacy), structure=structure, learned=learned)

    def flag(self, text: str, target: Target | None = None) -> tuple[list[str], int]:
        """(categories, worst severity or 0 when nothing matched) for `text` aimed at `target`."""
        key = (target, text)
        found = self._flags.get(key)
        if found is None:
            found = self._flag(text, target)
            if len(self._flags) >= _CACHE_LIMIT:
                self._flags.clear()
            self._flags[key] = found
        categories, severity = found
        return list(categories), severity

    def explain(self, text: str, target: Target | None = None) -> dict:
        """What the detector read and why: the canonical text, the lexicon's categories, the rules fired."""
        tokens = self._marked(canonical_tokens(text), target)
        return {
            "canonical": " ".join(tokens),
            "lexicon": self.lexicon.flag(text, target)[0],
            "rules": rules.fired(" ".join(tokens)) if self.structure else [],
            "classifier": round(model.score(tokens), 3) if (model := self._model()) else None,
        }

    def _model(self) -> classifier.Model | None:
        return classifier.load() if self.learned and not self.lexicon.legacy else None

    def _marked(self, tokens: list[str], target: Target | None) -> list[str]:
        if target is None:
            return tokens
        names = self._names.get(target)
        if names is None:
            names = self._names[target] = target.name_tokens()
        return mark(tokens, names)

    def _flag(self, text: str, target: Target | None) -> tuple[tuple[str, ...], int]:
        if self.lexicon.legacy:
            categories, severity = self.lexicon.flag(text, target)
            found = dict.fromkeys(categories, 0)
        else:
            tokens = canonical_tokens(text)
            marked = self._marked(tokens, target)
            found = self.lexicon.match(lexicon_form(tokens), lexicon_form(marked), target)
            if THREAT not in found and self._threat(marked):
                found[THREAT] = self.threat_severity
            severity = max(found.values(), default=0)
        ordered = sorted(found, key=lambda code: -found[code])
        return tuple(ordered), severity

    def _threat(self, marked: list[str]) -> bool:
        """The rules fire, or the classifier's score reaches its threshold."""
        if self.structure and rules.fired(" ".join(marked)):
            return True
        model = self._model()
        return model is not None and model.is_threat(marked)
