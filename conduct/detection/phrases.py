"""The words and phrases the threat rules are built from: who is harmed, how certain, and what harm.

Regular-expression fragments over the canonical text (`normalise.canonical_tokens`, the
complaint's target names as the token "tgt"): a rule in `harm` or `menace` joins them
("a harm verb, then a victim"), so a word added here is understood by every rule.
"""

import re

from conduct.detection import vocabulary as v


def alt(words) -> str:
    return "(?:" + "|".join(sorted({re.escape(w) for w in words}, key=lambda w: (-len(w), w))) + ")"


W = r"[a-z0-9\[\]]+"  # one word (never a boundary)


def gap(n: int) -> str:
    """Up to n words, none of them the subject of another clause."""
    return rf"(?:(?!(?:i|we|you|he|she|they|it|tgt)\b){W} ){{0,{n}}}?"


# --- Who ---------------------------------------------------------------------------------------

# "her" is an object only when no noun follows it ("stab her", "stab her tonight"), otherwise
# a possessive ("her office"), which needs one of the nouns of what is hers.
_AFTER_OBJECT = (
    r"(?=$| [.,]| (?:and|or|but|for|when|in|at|on|to|tonight|today|tomorrow|soon|quietly|properly|proper|once|"
    r"permanently|up|out|off|down|over|under|myself|personally|too|next|first|then|now|already|again|like|with|"
    r"before|after|if|until|while|where|from|by|as|so|just|alive|dead|good|senseless|badly|slowly|right|yet|"
    r"the|a|an|this|that|every|some|one|what|herself|outside|inside|back|into|through|behind|across|ever|"
    r"for|i|we|you|they|he|she|tgt|lol|mate|love|pal|x|s)\b)"
)
PRONOUN_OBJECT = rf"(?:(?:you|ye|him|them|tgt)\b|her{_AFTER_OBJECT})"
POSSESSIVE = r"(?:your|yer|his|her|their|tgt)"
# What belongs to a person: their family, home, office, car, body.
OWNED = alt(v.FAMILY | v.PROPERTY | v.BODY)
ROLE_NOUN = alt(v.ROLES - {"one", "lot", "everyone", "everybody", "someone", "ms", "am", "ma", "chair"})
ROLE = (
    rf"(?:(?:the|that|this|those|these|every|each|our|your|a|some|any|all) (?:{W} ){{0,2}}?{ROLE_NOUN}\b"
    rf"|(?:the|every|each|all|both) (?:lot|one) of (?:them|you|us)|every one of (?:them|you)|everyone in it)"
)
OWNED_THING = rf"{POSSESSIVE} (?:{W} ){{0,2}}?{OWNED}\b"
VICTIM = rf"(?:{OWNED_THING}|{PRONOUN_OBJECT}|{ROLE})"
# The subject of harm: the target, what is theirs, or the second person ("your" often stands for "you're").
SUBJECT = rf"(?:you|your|ye|he|she|they|tgt|{OWNED_THING}|(?:the|that|this) (?:{W} )?{ROLE_NOUN})"
# Small words allowed between a verb and its victim ("break both of them", "stab you right in").
FILLER = r"(?:(?:both|all|every|each|one|of|right|properly|proper|personally|myself|again|too|so|now|just|then|"
FILLER += r"fucking|bloody|effing|slowly|quietly|soon|first|little|wee|fat|smug|stupid|lying|traitor|traitorous) )"

# --- How certain -------------------------------------------------------------------------------

MODAL = (
    r"\b(?:will|would|shall|should|going to|want to|wants to|need to|needs to|need|needs|deserve|deserves|ought|"
    r"must|hope|hoping|wish|let us|if|next time|one day|one of these|soon|yet|can not wait|about to|gotta|got to|"
    r"has to|have to|time to|someone|somebody|anyone|who|whoever|intend|intends|plan|planning|promise|swear|"
    r"love to see|like to see|cannot wait)\b"
)
NEGATED = r"\b(?:never|not|nobody|noone|no one|would not|will not)\s(?:" + W + r" ){0,2}$"
REPORTED = re.compile(
    r"\b(?:threat|threats|threatened|threatening|threatens|posted|tweeted|wrote|reported|claimed|screenshotted|"
    r"messaged|said|says|(?<!just )saying|told|tells|accused|alleged|quoted)\b"
)
FIRST_PERSON_REPORT = re.compile(r"\b(?:i|we) (?:have )?(?:told|said|warned|promised)\b")

# --- Harm ----------------------------------------------------------------------------------------

PAST = {
    f
    for forms in v.HARM_VERBS.values()
    for f in forms
    if f.endswith("ed") or f in {"shot", "hung", "burnt", "beaten", "broke", "broken", "strung", "ran", "took", "did"}
}
PLAIN = alt(
    (v.PLAIN_HARM | {"beat", "beats", "beating", "jump", "mug"}) - {"gut", "gutted", "attack", "attacks", "attacked"}
)
WEAPON = (
    r"(?:knife|knives|blade|blades|machete|sword|gun|guns|shotgun|rifle|pistol|firearm|bullet|bullets|ammo|"
    r"crowbar|brick|bricks|acid|bleach|petrol|noose|gallows|device|explosive|explosives|grenade|molotov|firebomb|"
    r"cleaver|taser|crossbow|drain cleaner|lighter fluid|armed|flammable|bodybag|body bag|"
    r"(?:a|an|the|my|with|baseball|cricket|some|big|claw|sledge|lump) "
    r"(?:axe|bomb|hammer|bat|rope|baseball bat|bottle of \w+))\b"
)
INJURY = (
    r"(?:bullet|bullets|kicking|hiding|beating|battering|doing|thrashing|pasting|leathering|knife|blade|brick|"
    r"bat|acid|noose|rope|slap|smack|headshot|good hiding|what is coming|what s coming|hers|his|theirs|yours|"
    r"broken (?:jaw|nose|neck|legs|leg|arms|arm|ribs|back|skull|bones))\b"
)
PASSIVE = alt(
    v.HARM_PASSIVE
    - {"taken", "put", "run", "carried", "finished", "sorted", "dealt", "doing", "beat", "kicks", "slapped"}
    - {"hanging", "shooting", "stabbing", "killing", "burning", "torching", "bleeding", "kicking", "beating"}
)
PASSIVE_PHRASES = (
    r"(?:put down|taken out|sorted out|dealt with|done in|finished off|run over|carried out|strung up|kicked in|"
    r"smashed in|caved in|beaten up|knocked out|wiped out|blown up|set alight|set on fire|taken care of|"
    r"run off the road|beaten to death|kicked to death|stabbed to death|shot dead|jumped|mugged|done over|"
    r"(?:thrown|pushed|dropped|tipped) (?:off|from|under|in front of|down)|"
    r"(?:thrown|pushed|dropped) (?:in|into) the (?:river|canal|sea|thames|mersey|clyde|taff|tyne|docks))"
)
# Where the target ends up.
DESTINATION = (
    r"(?:in (?:a|an|the) (?:box|body bag|bodybag|coffin|grave|ground|morgue|ambulance|wheelchair|river|canal|mersey|"
    r"hospital|boot|ditch|urn|incinerator|water|sea|channel|dock|docks)"
    r"|in hospital|six feet under|face down|feet first|on a stretcher|carried out|"
    r"up in flames|out of (?:our|his|her|their|your) misery|out of the picture|(?:a )?pool of (?:\w+ )?blood|"
    r"pushing up daisies|sleeping with the fishes|concrete boots)"
)
