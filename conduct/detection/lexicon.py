"""The indicator lexicon: officers' phrases and patterns per category, one input of the detector.

A phrase matches whole words of the canonical text (`normalise.canonical_tokens`: case,
spacing, punctuation, repeated letters, look-alike characters and contractions undone,
so "h 4 n g" reads as "hang" and "you'll" as "you will"); a pattern is a regular
expression over the same text. Either may name the complaint's target with `{target}`:
"string {target} up" matches "string Lucy up" and "string her up" on a complaint whose
target is Lucy, she/her. `{target}` stands for the target's names (as the token "tgt"
the detector writes for them), "you", and the pronouns set on the complaint (any of
he/him, she/her, they/them when none are set).

`legacy=True` is the lexicon as it matched before the detector: the plain normal form
(`normalise_text`), no placeholders. The evaluation runs it as the baseline.
"""

import re
from dataclasses import dataclass, field

from conduct.detection.normalise import canonical_tokens, lexicon_form, normalise_text
from conduct.detection.targets import TOKEN, Target, mark

PLACEHOLDER = "{target}"
# A phrase matches whole words: not inside a word, nor inside a [bracketed] placeholder.
_PHRASE_BEFORE = r"(?<![\w\[])"
_PHRASE_AFTER = r"(?![\w\]])"


@dataclass(frozen=True)
class Entry:
    category: str
    kind: str  # "phrase" or "pattern"
    text: str
    severity: int


def target_group(target: Target | None) -> str:
    """The regular expression `{target}` stands for on a complaint with this target."""
    words = [TOKEN, "you", *((target or Target()).pronoun_words())]
    return "(?:" + "|".join(re.escape(w) for w in dict.fromkeys(words)) + ")"


def _phrase(text: str, legacy: bool, group: str) -> str:
    """A phrase as a regular expression over the text's normal form, `{target}` as `group`."""
    if legacy:
        return re.escape(normalise_text(text))
    pieces = []
    for i, part in enumerate(text.split(PLACEHOLDER)):
        if i:
            pieces.append(group)
        words = lexicon_form(canonical_tokens(part))
        if words:
            pieces.append(re.escape(words))
    return " ".join(pieces)


def _category_pattern(patterns: list[str], phrases: list[str]) -> str:
    """One alternation for a category: its patterns, then all its phrases between one pair of word guards.

    Guarding the phrases once rather than each phrase alone matches the same texts (the
    engine backtracks into the next phrase when one fails its guard) several times faster.
    """
    parts = [f"(?:{p})" for p in patterns]
    if phrases:
        alternatives = "|".join(sorted(set(p for p in phrases if p)))
        if alternatives:
            parts.append(f"{_PHRASE_BEFORE}(?:{alternatives}){_PHRASE_AFTER}")
    return "|".join(parts)


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
        return True
    except re.error:
        return False


@dataclass
class Lexicon:
    """The lexicon's entries by category, compiled once per target (entries without {target} once for all)."""

    entries: list[Entry]
    legacy: bool = False
    _compiled: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, *, legacy: bool = False) -> "Lexicon":
        """The active entries of the lexicon officers keep (conduct.IndicatorPhrase)."""
        from conduct.models import IndicatorPhrase

        rows = IndicatorPhrase.objects.filter(active=True).select_related("category")
        return cls(
            [Entry(r.category.code, r.kind, r.text, r.effective_severity) for r in rows],
            legacy=legacy,
        )

    def compiled(self, target: Target | None) -> list[tuple[str, re.Pattern, bool, int]]:
        """[(category, pattern, names the target, worst severity)], worst severity first."""
        key = target if any(PLACEHOLDER in e.text for e in self.entries) and not self.legacy else None
        if key not in self._compiled:
            self._compiled[key] = self._compile(target)
        return self._compiled[key]

    def _compile(self, target: Target | None) -> list[tuple[str, re.Pattern, bool, int]]:
        group = target_group(target)
        by_category: dict[tuple[str, bool], tuple[list[str], list[str], int]] = {}
        for entry in self.entries:
            named = PLACEHOLDER in entry.text and not self.legacy
            patterns, phrases, severity = by_category.get((entry.category, named), ([], [], 0))
            if entry.kind == "pattern":
                patterns.append(entry.text.replace(PLACEHOLDER, group) if named else entry.text)
            else:
                phrases.append(_phrase(entry.text, self.legacy, group))
            by_category[(entry.category, named)] = (patterns, phrases, max(severity, entry.severity))
        compiled = []
        for (code, named), (patterns, phrases, severity) in sorted(by_category.items(), key=lambda kv: -kv[1][2]):
            try:
                compiled.append((code, re.compile(_category_pattern(patterns, phrases)), named, severity))
            except re.error:
                # One bad pattern must not stop intake: fall back to the valid entries.
                valid = [p for p in patterns if _compiles(f"(?:{p})")]
                if valid or phrases:
                    compiled.append((code, re.compile(_category_pattern(valid, phrases)), named, severity))
        return compiled

    def match(self, plain: str, marked: str, target: Target | None = None) -> dict[str, int]:
        """{category: worst severity} of the entries found. `plain` is the text's normal form with names as
        written; `marked` the same with the target's names as "tgt", which {target} entries are matched on."""
        found: dict[str, int] = {}
        for code, pattern, named, severity in self.compiled(target):
            if code in found and found[code] >= severity:
                continue
            if pattern.search(marked if named else plain):
                found[code] = max(found.get(code, 0), severity)
        return found

    def flag(self, text: str, target: Target | None = None) -> tuple[list[str], int]:
        """(categories matched, worst severity or 0): the lexicon alone, without the detector's rules."""
        if self.legacy:
            plain = marked = normalise_text(text)
        else:
            tokens = canonical_tokens(text)
            plain = lexicon_form(tokens)
            marked = lexicon_form(mark(tokens, (target or Target()).name_tokens()))
        found = self.match(plain, marked, target)
        ordered = sorted(found.items(), key=lambda kv: -kv[1])
        return [code for code, _ in ordered], max(found.values(), default=0)
