"""Text as the detector reads it: one canonical spelling whatever the writer did to it.

`canonical_tokens` undoes what people do to get past a word filter and what they do by
accident: letters spaced out ("h a n g", "k.i.l.l"), repeated ("haaaang"), swapped for
look-alike digits and symbols ("h4ng", "k1ll", "h@ng", "$tab", "k*ll") and the key words
misspelt ("stabb", "hunged"). It expands contractions and the spellings of speech ("i'll",
"gonna", "ur", "u") so that rules and lexicon phrases are written once, and keeps sentence
and clause boundaries as "." and "," tokens. It knows nothing of threats: the word lists
it corrects towards come from `vocabulary`.
"""

import re
import unicodedata
from functools import lru_cache

from conduct.detection import vocabulary as v

# Pictures that stand for a weapon or for death are read as the word.
_EMOJI = {
    "🔪": " knife ",
    "🗡": " knife ",
    "🔫": " gun ",
    "💣": " bomb ",
    "🪓": " an axe ",
    "🔥": " fire ",
    "🧪": " acid ",
    "🪦": " grave ",
    "⛽": " petrol ",
    "🏠": " house ",
    "🏡": " house ",
    "🌳": " tree ",
    "☠": " skull ",
    "🪢": " noose ",
    "⚰": " coffin ",
    "🩸": " blood ",
}
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "“": '"', "”": '"'})
# Look-alike characters inside a word that has letters ("h4ng", "sh00t", "he@d", "$tab").
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
_LEET_CHARS = re.compile(r"[0134578@$!|]")
# Not disguised: times, ordinals, amounts and road names keep their digits.
_KEEP_DIGITS = re.compile(
    r"^(?:\d+(?:st|nd|rd|th|s|am|pm|k|m|bn|mph|p|ft|km|mm|cm|ml|kg|lb|yo|yrs|hrs|mins|x|g)|[ABM]\d{1,4}|\d+[.,:]?\d*)$"
)
_WORD_CHUNK = re.compile(r"[a-z]")
# Letters spelt out one at a time with a dot, dash, star or underscore between them: "k.i.l.l".
_DOTTED = re.compile(r"^(?:[a-z0-9@$][.\-_*·]){2,}[a-z0-9@$][.\-_*·]?$")
_SPLIT = re.compile(r"(\s+)")
# Boundaries kept as tokens; the other punctuation goes (apostrophes, brackets and stars stay for now).
_BOUNDARY = re.compile(r"(?<!\d)[.:](?!\d)|[!?;\n…]+|\.{2,}|\s[-–—]+\s")
_COMMA = re.compile(r"[,\"()]")
_DROP = re.compile(r"[^a-z0-9'\[\]*.,\s]")
_RUN3 = re.compile(r"([a-z])\1{2,}")
_RUN2 = re.compile(r"([a-z])\1+")


_NON_WORD = re.compile(r"[^\w\[\]]+")


def normalise_text(text: str) -> str:
    """Case-folded, compatibility-normalised words separated by single spaces (no disguise undone).

    The plain normal form: texts' signatures for campaigns, and the lexicon as it matched
    before the detector (`Lexicon(legacy=True)`).
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def squeeze(word: str) -> str:
    """The word with every run of one letter written once: "kiiilll" and "kill" are both "kil"."""
    return _RUN2.sub(r"\1", word)


def _unleet(chunk: str) -> str:
    core = chunk.strip(".,!?;:'\"()")
    if not _WORD_CHUNK.search(core.casefold()) or _KEEP_DIGITS.match(core) or not _LEET_CHARS.search(core):
        return chunk
    out = []
    for i, ch in enumerate(chunk):
        if ch in _LEET:
            before = chunk[i - 1] if i else ""
            after = chunk[i + 1] if i + 1 < len(chunk) else ""
            if ch == "!" and not (before.isalpha() and after.isalpha()):
                out.append(ch)  # an exclamation mark, not an i
                continue
            if ch in "$@" and not after.isalnum() and not before.isalpha():
                out.append(ch)
                continue
            out.append(_LEET[ch])
        else:
            out.append(ch)
    return "".join(out)


def _chunk(chunk: str) -> str:
    """One whitespace-separated chunk with mentions, dotted spellings and look-alikes undone."""
    if chunk[:1] in "@#" and len(chunk) > 1 and chunk[1].isalpha():
        chunk = chunk[1:]
    if _DOTTED.match(chunk.casefold()):
        chunk = re.sub(r"[.\-_*·]", "", chunk)
    return _unleet(chunk)


@lru_cache(maxsize=4096)
def _segment(joined: str) -> tuple[str, ...] | None:
    """Split letters that were spelt out with spaces back into known words ("iwill" -> "i will")."""
    n = len(joined)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for end in range(1, n + 1):
        for start in range(max(0, end - 14), end):
            if best[start] is not None and joined[start:end] in v.SEGMENT_WORDS:
                candidate = (*best[start], joined[start:end])
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[n]


def _joined(run: list[str]) -> str:
    """Single letters put back together, split into known words where they were several ("iwill")."""
    trail = run[-1][1:]
    joined = "".join(t[0] for t in run)
    words = _segment(joined) if joined not in v.SEGMENT_WORDS else None
    return (" ".join(words) if words else joined) + trail


def _join_group(tokens: list[str], minimum: int) -> list[str]:
    result: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        single = len(token.rstrip(".,!?;:")) == 1 and token[0].isalpha()
        if single:
            run.append(token)
        if run and (not single or len(token) > 1):  # a word, or "n." with its full stop, ends the run
            result.extend([_joined(run)] if len(run) >= minimum else run)
            run = []
        if not single and token:
            result.append(token)
    return result


def _join_spaced_letters(text: str) -> str:
    """ "s t a b her" -> "stab her"; "k i l l  l l e w e l l y n" -> "kill llewellyn"."""
    groups = re.split(r"( {2,}|\t|\n)", text)
    out = []
    for group in groups:
        if not group or group.isspace():
            out.append(group)
            continue
        tokens = group.split(" ")
        # Words spelt out with wider gaps between them: every short word of the group is joined ("i s").
        minimum = 2 if len(groups) > 1 and all(len(t.rstrip(".,!?;:")) == 1 for t in tokens if t) else 3
        out.append(" ".join(_join_group(tokens, minimum)))
    return "".join(out)


def _fold_repeats(token: str) -> str:
    """ "haaaang" -> "hang", "soooon" -> "soon", "kiiiilll" -> "kill"."""
    if not _RUN3.search(token):
        return token
    two = _RUN3.sub(r"\1\1", token)
    if two in v.KNOWN:
        return two
    one = _RUN3.sub(r"\1", token)
    if one in v.KNOWN:
        return one
    return v.BY_SQUEEZE.get(squeeze(token), one)


def _wildcard(token: str) -> str:
    """ "k*ll" -> "kill", "r*pe" -> "rape": a star stands for one or two letters of a known word."""
    core = token.replace("*", "")
    if not core:
        return ""
    pattern = re.compile("^" + "".join("[a-z]{1,2}" if c == "*" else re.escape(c) for c in token) + "$")
    for word in v.WILDCARD_WORDS:
        if pattern.match(word):
            return word
    return core


def _damerau1(a: str, b: str) -> bool:
    """True when b is one insertion, deletion, substitution or swap away from a."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


_VOWELS = re.compile(r"[aeiouy]+")


def _consonants(word: str) -> str:
    return squeeze(_VOWELS.sub("", word))


@lru_cache(maxsize=65536)
def correct(token: str) -> str:
    """A misspelt key word put right ("stabb" -> "stab", "hunged" -> "hanged", "throte" -> "throat").

    Only words the detector looks for are corrected towards, only from words it does not
    know, and only when one letter is off (or, for longer words, the consonants agree).
    """
    if token in v.KNOWN or len(token) < 3 or not token.isalpha():
        return token
    squeezed = v.BY_SQUEEZE.get(squeeze(token))
    if squeezed:
        return squeezed
    if len(token) >= 6:
        near = [w for w in v.CORRECTABLE if abs(len(w) - len(token)) <= 1 and w[0] == token[0] and _damerau1(token, w)]
        if near:
            # "deservs" is "deserves" rather than "deserve": the word that ends as the token does.
            return max(near, key=lambda w: (w[-1] == token[-1], -abs(len(w) - len(token))))
        match = v.BY_CONSONANTS.get((token[0], _consonants(token)))
        if match and abs(len(match) - len(token)) <= 2:
            return match
    return token


def _expand(token: str) -> list[str]:
    """Contractions and speech spellings as the words they stand for."""
    if token in v.CONTRACTIONS:
        return v.CONTRACTIONS[token].split()
    if "'" in token:
        base, _, tail = token.partition("'")
        if tail == "s":
            return [base] if base else []
        if tail in v.CONTRACTION_TAILS:
            return [base, *v.CONTRACTION_TAILS[tail].split()] if base else v.CONTRACTION_TAILS[tail].split()
        token = token.replace("'", "")
        if token in v.CONTRACTIONS:
            return v.CONTRACTIONS[token].split()
    return [token] if token else []


def canonical_tokens(text: str) -> list[str]:
    """The words of `text`, casefolded and with disguises and misspellings undone; "." ends a
    sentence and "," a clause. Bracketed placeholders such as "[slur]" stay whole."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    for picture, word in _EMOJI.items():
        if picture in text:
            text = text.replace(picture, word)
    # Look-alikes are undone before case is folded, so that road names (A22) keep their digits.
    text = "".join(part if part.isspace() or not part else _chunk(part) for part in _SPLIT.split(text)).casefold()
    text = _join_spaced_letters(text)
    text = _BOUNDARY.sub(" . ", text)
    text = _COMMA.sub(" , ", text)
    text = text.replace("-", " ").replace("/", " ")
    text = _DROP.sub(" ", text)
    text = re.sub(r"(?<=[a-z])\.(?=[a-z])", "", text)  # "e.g", left from dotted words
    text = re.sub(r"(?<=\d)[.,:](?=\d)", "", text)  # 17.4, 5,000, 14:32: one number
    text = text.replace(".", " . ").replace(",", " , ")
    tokens: list[str] = []
    for raw in text.split():
        raw = raw.strip("'")
        if not raw:
            continue
        if raw in ".,":
            if tokens and tokens[-1] not in ".,":
                tokens.append(raw)
            elif tokens and raw == "." and tokens[-1] == ",":
                tokens[-1] = "."
            continue
        if "*" in raw:
            raw = _wildcard(raw)
        for word in _expand(raw):
            if word.startswith("["):
                tokens.append(word)
                continue
            word = _fold_repeats(word)
            word = correct(word)
            mapped = v.SPEECH.get(word)
            tokens.extend(mapped.split() if mapped else [word])
    while tokens and tokens[-1] in ".,":
        tokens.pop()
    return tokens


def lexicon_form(tokens: list[str]) -> str:
    """The canonical words without boundaries, as lexicon phrases are matched against."""
    return " ".join(t for t in tokens if t not in ".,")
