"""Flagging text with the indicator lexicon: categories and a severity per item."""

import re
import unicodedata
from dataclasses import dataclass

from conduct.models import IndicatorPhrase

_NON_WORD = re.compile(r"[^\w\[\]]+")


def normalise_text(text: str) -> str:
    """Case-folded, compatibility-normalised words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


@dataclass
class Lexicon:
    """One compiled regular expression per category, with the category's worst severity."""

    patterns: list[tuple[str, re.Pattern, int]]

    @classmethod
    def load(cls) -> "Lexicon":
        by_category: dict[str, tuple[list[str], int]] = {}
        for entry in IndicatorPhrase.objects.filter(active=True).select_related("category"):
            if entry.kind == IndicatorPhrase.Kind.PATTERN:
                part = f"(?:{entry.text})"
            else:
                part = r"(?<![\w\[])" + re.escape(normalise_text(entry.text)) + r"(?![\w\]])"
            parts, severity = by_category.get(entry.category.code, ([], 0))
            parts.append(part)
            by_category[entry.category.code] = (parts, max(severity, entry.effective_severity))
        compiled = []
        for code, (parts, severity) in sorted(by_category.items(), key=lambda kv: -kv[1][1]):
            try:
                compiled.append((code, re.compile("|".join(parts)), severity))
            except re.error:
                # One bad pattern must not stop intake: fall back to the valid entries.
                valid = [p for p in parts if _compiles(p)]
                if valid:
                    compiled.append((code, re.compile("|".join(valid)), severity))
        return cls(compiled)

    def flag(self, text: str) -> tuple[list[str], int]:
        """(categories matched, worst severity or 0 when nothing matched)."""
        normalised = normalise_text(text)
        categories, severity = [], 0
        for code, pattern, sev in self.patterns:
            if pattern.search(normalised):
                categories.append(code)
                severity = max(severity, sev)
        return categories, severity


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
        return True
    except re.error:
        return False
