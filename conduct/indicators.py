"""Flagging text with the indicator lexicon: categories and a severity per item."""

import re
import unicodedata
from dataclasses import dataclass, field

from conduct.models import IndicatorPhrase

_NON_WORD = re.compile(r"[^\w\[\]]+")
# A phrase matches whole words: not inside a word, nor inside a [bracketed] placeholder.
_PHRASE_BEFORE = r"(?<![\w\[])"
_PHRASE_AFTER = r"(?![\w\]])"
# Results kept per Lexicon (one batch): abuse waves repeat the same texts many times over.
_CACHE_LIMIT = 50_000


def normalise_text(text: str) -> str:
    """Case-folded, compatibility-normalised words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def _category_pattern(patterns: list[str], phrases: list[str]) -> str:
    """One alternation for a category: its patterns, then all its phrases between one pair of word guards.

    Guarding the phrases once rather than each phrase alone matches the same texts (the
    engine backtracks into the next phrase when one fails its guard) several times faster.
    """
    parts = [f"(?:{p})" for p in patterns]
    if phrases:
        alternatives = "|".join(re.escape(p) for p in sorted(set(phrases)))
        parts.append(f"{_PHRASE_BEFORE}(?:{alternatives}){_PHRASE_AFTER}")
    return "|".join(parts)


@dataclass
class Lexicon:
    """One compiled regular expression per category, with the category's worst severity."""

    patterns: list[tuple[str, re.Pattern, int]]
    _flags: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls) -> "Lexicon":
        by_category: dict[str, tuple[list[str], list[str], int]] = {}
        for entry in IndicatorPhrase.objects.filter(active=True).select_related("category"):
            patterns, phrases, severity = by_category.get(entry.category.code, ([], [], 0))
            if entry.kind == IndicatorPhrase.Kind.PATTERN:
                patterns.append(entry.text)
            else:
                phrases.append(normalise_text(entry.text))
            by_category[entry.category.code] = (patterns, phrases, max(severity, entry.effective_severity))
        compiled = []
        for code, (patterns, phrases, severity) in sorted(by_category.items(), key=lambda kv: -kv[1][2]):
            try:
                compiled.append((code, re.compile(_category_pattern(patterns, phrases)), severity))
            except re.error:
                # One bad pattern must not stop intake: fall back to the valid entries.
                valid = [p for p in patterns if _compiles(f"(?:{p})")]
                if valid or phrases:
                    compiled.append((code, re.compile(_category_pattern(valid, phrases)), severity))
        return cls(compiled)

    def flag(self, text: str) -> tuple[list[str], int]:
        """(categories matched, worst severity or 0 when nothing matched)."""
        found = self._flags.get(text)
        if found is None:
            found = self._match(normalise_text(text))
            if len(self._flags) >= _CACHE_LIMIT:
                self._flags.clear()
            self._flags[text] = found
        categories, severity = found
        return list(categories), severity

    def _match(self, normalised: str) -> tuple[tuple[str, ...], int]:
        categories, severity = [], 0
        for code, pattern, sev in self.patterns:
            if pattern.search(normalised):
                categories.append(code)
                severity = max(severity, sev)
        return tuple(categories), severity


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
        return True
    except re.error:
        return False
