"""Who a complaint's evidence is aimed at: its target's names and pronouns, as the detector reads them."""

from dataclasses import dataclass

from conduct.detection import vocabulary as v
from conduct.detection.normalise import _damerau1, canonical_tokens

TOKEN = "tgt"
PRONOUN_FORMS = {
    "she": ("she", "her", "hers", "herself"),
    "her": ("she", "her", "hers", "herself"),
    "he": ("he", "him", "his", "himself"),
    "him": ("he", "him", "his", "himself"),
    "they": ("they", "them", "their", "theirs", "themselves"),
    "them": ("they", "them", "their", "theirs", "themselves"),
}
# With no pronouns set on the complaint, a {target} phrase matches any of these.
ANY_PRONOUN = ("he", "him", "she", "her", "they", "them")
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "cllr", "councillor", "mayor", "lord", "lady", "baroness", "sir"}
_TITLES |= {"dame", "mx", "prof", "professor", "minister"}


@dataclass(frozen=True)
class Target:
    """The names and pronouns of whoever a complaint's evidence is aimed at (hashable: results are cached by it)."""

    names: tuple[str, ...] = ()
    pronouns: tuple[str, ...] = ()

    @classmethod
    def of(cls, names=(), pronouns=()) -> "Target":
        clean_names = tuple(sorted({" ".join(str(n).split()) for n in names or () if str(n).strip()}))
        clean_pronouns = tuple(sorted({str(p).strip().casefold() for p in pronouns or () if str(p).strip()}))
        return cls(clean_names, clean_pronouns)

    def name_tokens(self) -> list[tuple[str, ...]]:
        """Each name as canonical words, and each part of a longer name that is not an ordinary word, longest first."""
        found = set()
        for name in self.names:
            words = tuple(w for w in canonical_tokens(name) if w not in ".,")
            if not words:
                continue
            found.add(words)
            for word in words:
                if len(word) >= 2 and word not in v.KNOWN and word not in _TITLES:
                    found.add((word,))
        return sorted(found, key=lambda w: (-len(w), w))

    def pronoun_words(self) -> tuple[str, ...]:
        """Every form of the pronouns set on the complaint (all of he, she and they when none are set)."""
        if not self.pronouns:
            return ANY_PRONOUN
        forms = []
        for p in self.pronouns:
            forms.extend(PRONOUN_FORMS.get(p, (p,)))
        return tuple(dict.fromkeys(forms))


def mark(tokens: list[str], names: list[tuple[str, ...]]) -> list[str]:
    """The tokens with every mention of a target name (a title before it included) as the one token "tgt".

    A name part of five letters or more also matches a misspelling one letter off ("tollund").
    """
    if not names:
        return tokens
    singles = {n[0] for n in names if len(n) == 1}
    fuzzy = [s for s in singles if len(s) >= 5]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for name in names:
            if tuple(tokens[i : i + len(name)]) == name:
                if out and out[-1] in _TITLES:
                    out.pop()
                if not (out and out[-1] == TOKEN):
                    out.append(TOKEN)
                i += len(name)
                break
        else:
            token = tokens[i]
            if fuzzy and len(token) >= 5 and token not in v.KNOWN and any(_damerau1(token, s) for s in fuzzy):
                if out and out[-1] in _TITLES:
                    out.pop()
                if not (out and out[-1] == TOKEN):
                    out.append(TOKEN)
            else:
                out.append(token)
            i += 1
    return out
