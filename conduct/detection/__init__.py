"""Threat detection: the lexicon officers keep, and rules that read a threat's structure.

- `normalise`: the canonical text (disguises, misspellings and contractions undone);
- `targets`: who the evidence is aimed at (a complaint's target names and pronouns);
- `lexicon`: officers' phrases and patterns, with the `{target}` placeholder;
- `rules`: harm joined to a target with intent or incitement, menace, calls to act
  (built from `phrases`; the rules in `harm` and `menace`; idioms set aside by `idioms`);
- `detector`: both together, one answer per (text, target), cached.

conduct imports no other domain app: the complaint's targets arrive as a `Target`, and
a changed lexicon is announced with `conduct.signals.lexicon_changed`.
"""

from conduct.detection.detector import THREAT, Detector
from conduct.detection.lexicon import Entry, Lexicon
from conduct.detection.normalise import canonical_tokens, normalise_text
from conduct.detection.targets import Target

__all__ = ["THREAT", "Detector", "Entry", "Lexicon", "Target", "canonical_tokens", "normalise_text"]
