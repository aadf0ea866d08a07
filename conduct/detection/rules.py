"""The structure of a threat: harm joined to a target, with intent or incitement.

The rules read the canonical text (`normalise.canonical_tokens`, with the complaint's
target names already replaced by the token "tgt") one sentence at a time, and fire when:

- harm is done to a target: a violent verb whose object is a person or what is theirs
  ("stab you", "torch his car", "string tgt up", "put a bullet in her"), said as intent,
  incitement, an order or a wish, not as past narrative or a report of someone else's words;
- harm is said to come to a target: the target is the subject of being harmed or of dying
  ("tgt deserves to be shot", "you'll get your head kicked in", "he won't live to see it",
  "you're dead");
- an act is called for against the target by name ("death to tgt", "hang the traitor tgt");
- menace without a violent word: knowing where the target lives, a weapon brought along,
  "shame if anything happened to them", "accidents happen", "your days are numbered".

Before the rules run, idioms that borrow the words of violence are taken out ("kill the
bill" never names a person, but "knock them dead", "break a leg", "bite the bullet" and
"dead in the water" do not harm anyone either), and figures of speech about elections
("the voters will bury you in May") are set aside.

The parts, one purpose each: `phrases` (the fragments rules are built from: who, how
certain, what harm), `harm` and `menace` (the rules), `idioms` (what is set aside); this
module runs them a sentence at a time and drops matches that are reported, past or civil.
"""

import re

from conduct.detection.harm import HARM_RULES
from conduct.detection.idioms import figurative, prepare
from conduct.detection.menace import MENACE_RULES
from conduct.detection.phrases import FIRST_PERSON_REPORT, MODAL, NEGATED, PAST, REPORTED, WEAPON

# (name, pattern, needs modality): a sentence fires a rule when the pattern matches it (and,
# where marked, the sentence is not past narrative).
RULES: list[tuple[str, str, bool]] = HARM_RULES + MENACE_RULES
_COMPILED = [(name, re.compile(pattern), modal) for name, pattern, modal in RULES]
_MODAL = re.compile(MODAL)
_NEGATED = re.compile(NEGATED)
_WEAPON_ANYWHERE = re.compile(r"\b" + WEAPON)
_PERSON_ANYWHERE = re.compile(r"\b(?:you|your|tgt|her|him|his|them|their|she|he|they)\b")
_MENACE_MOOD = re.compile(
    r"\b(?:if i were you|friendly advice|just saying|soon|next time|one of these|see you|tonight|watch)\b"
)


def sentences(text: str) -> list[str]:
    return [s.strip(" ,") for s in text.split(" . ") if s.strip(" ,")]


def _past_narrative(sentence: str, match: re.Match) -> bool:
    """The harm is told as done ("absolutely murdered him"), with nothing that makes it wished or meant."""
    verb = match.groupdict().get("verb")
    if verb and verb in PAST and not _MODAL.search(sentence):
        return True
    before = sentence[: match.start()]
    if _NEGATED.search(before) and " yet" not in sentence:
        return True
    return False


# Visits and dealings that are casework, not menace ("I'll pay you a visit about the planning appeal").
_WEAK = re.compile(r"\b(?:visit|visited|deal with|dealt with|sort|sorted|find)\b")
_CIVIL = re.compile(
    r"\b(?:about|regarding|discuss|appointment|case|casework|appeal|query|thanks|thank|please|help|meeting|"
    r"advice|application|consultation|petition|ref|reference)\b"
)


def _reported(sentence: str, match: re.Match) -> bool:
    """Someone else's threat passed on ("posted that you should be hanged", "told her he'd bring a knife")."""
    before = sentence[: match.start()]
    for report in REPORTED.finditer(before):
        between = before[report.end() :]
        if "," not in between and len(between.split()) <= 8 and not FIRST_PERSON_REPORT.search(before):
            return True
    return bool(re.match(r"\s*(?:threat|threats)\b", sentence[match.end() :]))


# MPs murdered for being MPs: named in a message to the target, a threat unless it is a tribute or a report.
_MURDERED = re.compile(r"\b(?:jo cox|david amess|amess|airey neave|ian gow|birstall|leigh on sea)\b")
_ADDRESSED = re.compile(r"\b(?:you|your|tgt|one more|next|as well|too|think on|easy|forgotten)\b")
_TRIBUTE = re.compile(
    r"\b(?:more in common|legacy|memory|memorial|tribute|thinking of|thank you|thanks|serving|rip|anniversary|vigil|"
    r"condolences|great get together|foundation|inspired|inspiration|honour)\b"
)
# Menace that is neighbourliness ("we know where you live, we are your next door neighbours").
_NEIGHBOURLY = re.compile(r"\b(?:neighbour|neighbours|next door|street party)\b")


def _murdered_mp(whole: str) -> bool:
    return bool(
        _MURDERED.search(whole)
        and _ADDRESSED.search(whole)
        and not _TRIBUTE.search(whole)
        and not REPORTED.search(whole)
    )


def fired(text: str) -> list[str]:
    """The names of the rules the canonical `text` (targets as "tgt") fires, in rule order."""
    names: list[str] = []
    whole = prepare(" " + text + " ").strip()
    for sentence in sentences(whole):
        for name, pattern, modal in _COMPILED:
            if name in names:
                continue
            for match in pattern.finditer(sentence):
                if _reported(sentence, match) or (modal and _past_narrative(sentence, match)):
                    continue
                if _WEAK.search(match.group(0)) and _CIVIL.search(sentence):
                    continue
                if figurative(sentence, match):
                    continue
                if name in ("menace", "implied_menace") and _NEIGHBOURLY.search(whole):
                    continue
                names.append(name)
                break
    if not names and _murdered_mp(whole):
        names.append("murdered_mp")
    if not names and _WEAPON_ANYWHERE.search(whole) and _PERSON_ANYWHERE.search(whole):
        if _MENACE_MOOD.search(whole) and not REPORTED.search(whole):
            names.append("weapon")
    return names
