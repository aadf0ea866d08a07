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
"""

import re

from conduct.detection import vocabulary as v


def _alt(words) -> str:
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
OWNED = _alt(v.FAMILY | v.PROPERTY | v.BODY)
ROLE_NOUN = _alt(v.ROLES - {"one", "lot", "everyone", "everybody", "someone", "ms", "am", "ma", "chair"})
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

# --- Idioms that borrow the words of violence --------------------------------------------------

IDIOMS = [
    r"kill(?:s|ed|ing)? (?:\w+ )?(?:two birds|time|with kindness)",
    r"dressed to kill",
    r"make a killing",
    r"(?:could|would) (?:kill|murder) (?:for )?(?:a|an|some) \w+",
    r"murder(?:ing)? a (?:pint|cuppa|curry|brew|tea|coffee|beer|kebab|drink|burger|bacon)",
    r"killing (?:it|me|us|my|our)",
    r"kill (?:it|off)\b",
    r"knock(?:s|ed|ing)? (?:them|em|him|her|you|tgt|the \w+) dead",
    r"break(?:s|ing)? a leg",
    r"break(?:s|ing)? (?:the )?(?:ice|news|bank|record|deadlock|silence|law|rules|mould|cycle|promise|habit)",
    r"bite the bullet",
    r"take (?:a|the) bullet for",
    r"(?:the )?bullet (?:points?|list)",
    r"magic bullet",
    r"silver bullet",
    r"(?:like|cost|costs) a bomb",
    r"the bomb\b",
    r"knife edge",
    r"shot (?:in the arm|in the foot)",
    r"(?:be|get|got) shot of",
    r"shot themselves",
    r"(?:long|big|good|best|cheap|parting) shot",
    r"shoot (?:the breeze|from the hip|the messenger|yourselves in the foot|me (?:an|a) \w+)",
    r"shoot(?:ing)? for the (?:moon|stars)",
    r"take (?:a|another) stab",
    r"stab in the dark",
    r"bat an eyelid",
    r"(?:off|right off) (?:the|my|his|her|your|our) (?:own )?bat",
    r"go(?:es|ing)? to bat",
    r"rope(?:d)? (?:in|into)",
    r"the ropes",
    r"money to burn",
    r"burn(?:ing)? the midnight oil",
    r"burning (?:question|issue|ambition|desire)",
    r"burn(?:ed|t)? out",
    r"(?:starting|smoking) gun",
    r"jump(?:ed|ing)? the gun",
    r"(?:stick|stuck|sticking) to (?:your|our|my|his|her|their) guns",
    r"big guns",
    r"under (?:the gun|fire)",
    r"dead (?:cat|on arrival|in the water|heat|end|loss|cert|certain|right|serious|good|easy|keen|tired|proud|set|"
    r"against|funny|chuffed|wood|duck|ringer|of night|simple|clever|lucky|cute|gorgeous|quiet|slow|wrong|sure)",
    r"dead and buried",
    r"drop dead",
    r"over my dead body",
    r"hang(?:s|ing)? (?:on|in there|out|about|around|fire|tight|up|back|together|loose|fire)\b",
    r"hang(?:s|ing)? (?:the|a|our|your|some|my|his|her|their) (?:\w+ )?(?:banner|banners|poster|posters|bunting|"
    r"flag|flags|picture|pictures|rosette|rosettes|sign|signs|lights|washing|coat|decorations|leaflets|placard|"
    r"placards|board|boards|photo|photos|painting)",
    r"hung (?:parliament|jury|council)",
    r"string(?:s|ing)? (?:\w+ )?along",
    r"strung out",
    r"cut(?:s|ting)? (?:\w+ )?(?:off|out|slack|a deal|corners|ties|the ribbon|short)",
    r"blow(?:n|s|ing)? (?:\w+ )?away",
    r"blown up out of",
    r"(?:kick|kicked|kicking|kicks|boot|booted|throw|thrown|threw|chuck|chucked|turf|turfed) (?:\w+ ){0,2}?out\b",
    r"kick(?:ing|ed|s)? the can",
    r"kick(?:ed|ing)? off\b",
    r"take (?:\w+ )?(?:down a peg|apart)",
    r"taken apart",
    r"put out to pasture",
    r"(?:killer|knockout) (?:blow|question|line|app|point|argument|punch)",
    r"(?:the|a) (?:final|killer|knockout) nail",
    r"nail(?:s)? in (?:the|your|his|her|their) coffin",
    r"smash(?:ed|ing)? (?:it|the (?:target|debate|record|glass ceiling))",
    r"punch(?:ing|es)? (?:well )?above",
    r"(?:throw|threw|thrown) (?:\w+ )?under (?:the|a) bus",
    r"rough (?:sleeper|sleepers|sleeping|justice)",
    r"beat (?:the|them|him|her|you|tgt) (?:at|in) (?:the )?(?:polls|election|ballot|vote|count|debate)",
    r"(?:heat|bus lane|damp|prices|bills|rent|this) (?:is|are) killing",
    r"(?:i am|i m|am) dying",
    r"i would die for",
    r"die for (?:this|the|our) (?:party|cause|country|movement|team)",
    r"to die for",
    r"(?:death|death threats|threats) (?:threat|threats)",
    r"death (?:threats|threat|toll|penalty|of)",
    r"hang(?:s|ing)? (?:your|his|her|their|our|my) heads? in shame",
    r"hang(?:s|ing|ed)? (?:\w+ )?out to dry",
    r"(?:a )?knife in the back",
    r"stab(?:bed|bing|s)? (?:\w+ )?in the back",
    r"i could (?:\w+ )?(?:kill|murder|strangle|throttle) (?:you|him|her|them|tgt)",
    r"dead to (?:me|us)",
    r"(?:dead|finished) (?:man|woman|duck)? ?(?:politically|electorally)",
]
_IDIOMS = re.compile(r"\b(?:" + "|".join(IDIOMS) + r")(?![a-z])")
# Elections, debates and careers: where people are buried, slaughtered and crushed only in words.
FIGURATIVE_CONTEXT = re.compile(
    r"\b(?:voters?|ballot|ballot box|polls?|polling|election|elections|by election|in may|majority|landslide|"
    r"debate|debates|hustings|pmqs|committee|interview|the count|selection|leadership|career|twitter|tv|telly|"
    r"question time|newsnight|argument|arguments|chamber|press|headlines|seat|tories|tory|labour|reform|snp|"
    r"nats|greens|lib dems|libdems|conservatives|government|opposition|plaid|ukip|dup|politically|electorally|"
    r"deselect\w*|the whip)\b"
)
FIGURATIVE_HARM = re.compile(
    r"\b(?:bur(?:y|ied|ies|ying)|slaughter(?:ed|ing|s)?|murder(?:ed|ing|s)?|crucif(?:y|ied|ies)|smash(?:ed|ing|es)?|"
    r"batter(?:ed|ing|s)?|hammer(?:ed|ing|s)?|beat(?:en|ing|s)?|thrash(?:ed|ing)?|destroy(?:ed|ing|s)?|"
    r"annihilat\w*|demolish\w*|floor(?:ed|ing)?|deck(?:ed)?|flatten\w*|crush\w*|wipe(?:d)? out|kicking|"
    r"hammering|pasting|thrashing|hiding|beating|battering|drubbing|bloody nose|dead)\b"
)

# --- The rules ---------------------------------------------------------------------------------

_PAST = {
    f
    for forms in v.HARM_VERBS.values()
    for f in forms
    if f.endswith("ed") or f in {"shot", "hung", "burnt", "beaten", "broke", "broken", "strung", "ran", "took", "did"}
}
PLAIN = _alt(
    (v.PLAIN_HARM | {"beat", "beats", "beating", "jump", "mug"}) - {"gut", "gutted", "attack", "attacks", "attacked"}
)
WEAPON = (
    r"(?:knife|knives|blade|blades|machete|sword|gun|guns|shotgun|rifle|pistol|firearm|bullet|bullets|ammo|"
    r"crowbar|brick|bricks|acid|bleach|petrol|noose|gallows|device|explosive|explosives|grenade|molotov|firebomb|"
    r"cleaver|taser|crossbow|drain cleaner|lighter fluid|armed|flammable|bodybag|body bag|"
    r"(?:a|an|the|my|with|baseball|cricket|some|big) (?:axe|bomb|hammer|bat|rope|baseball bat|bottle of \w+))\b"
)
INJURY = (
    r"(?:bullet|bullets|kicking|hiding|beating|battering|doing|thrashing|pasting|leathering|knife|blade|brick|"
    r"bat|acid|noose|rope|slap|smack|headshot|good hiding|what is coming|what s coming|hers|his|theirs|yours|"
    r"broken (?:jaw|nose|neck|legs|leg|arms|arm|ribs|back|skull|bones))\b"
)
PASSIVE = _alt(
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
    r"hospital|boot|ditch|urn|incinerator)|in hospital|six feet under|face down|feet first|on a stretcher|carried out|"
    r"up in flames|out of (?:our|his|her|their|your) misery|out of the picture|(?:a )?pool of (?:\w+ )?blood|"
    r"pushing up daisies|sleeping with the fishes|concrete boots)"
)

# (name, pattern, needs modality): a sentence fires a rule when the pattern matches it (and,
# where marked, the sentence is not past narrative).
RULES: list[tuple[str, str, bool]] = [
    # Harm done to a target.
    ("harm_to_target", rf"\b(?P<verb>{PLAIN}) {FILLER}{{0,2}}{VICTIM}", True),
    ("harm_to_target", rf"\bburn(?:s|ed|t|ing)? (?:{W} )?(?:down|out)? ?{VICTIM}", True),
    (
        "phrasal_harm",
        rf"\b(?:sort(?:s|ed|ing)?|sorting) {VICTIM} out|\bsort(?:s|ed|ing)? out {VICTIM}"
        rf"|\bdeal(?:s|t|ing)? with {VICTIM}"
        rf"|\b(?:take|takes|taking|took|taken) {VICTIM} (?:{W} )?out\b|\b(?:take|taking|takes) out {VICTIM}"
        rf"|\bput(?:s|ting)? {VICTIM} (?:down|{DESTINATION})|\bputting {VICTIM} (?:down|{DESTINATION})"
        rf"|\bteach(?:es|ing)? {VICTIM} (?:a|an|the) (?:{W} ){{0,2}}?lesson"
        rf"|\b(?:do|does|did|doing) {VICTIM} in\b|\bfinish(?:es|ed|ing)? {VICTIM} off\b"
        rf"|\bend(?:s|ing)? {PRONOUN_OBJECT}(?: [.,]|$| for good| once| permanently| tonight| now| today)"
        rf"|\b(?:string|strung|stringing|strings) {FILLER}{{0,2}}{VICTIM} up|\bstrung up"
        rf"|\brun(?:s|ning)? {VICTIM} (?:over|off the road|down)|\bran {VICTIM} (?:over|off the road)"
        rf"|\bset(?:ting)? fire to {VICTIM}|\bset(?:ting)? {VICTIM} (?:on fire|alight|ablaze)"
        rf"|\bset(?:ting)? (?:the |my )?(?:them|dogs|hounds|lads) on {VICTIM}"
        rf"|\bthrow(?:ing|s)? (?:{W} ){{0,3}}?acid (?:at|in|on|over) {VICTIM}"
        rf"|\bacid (?:in|on|at|over) {VICTIM}"
        rf"|\btar and feather {VICTIM}"
        rf"|\b(?:throw|push|put|hold|drop|tip)(?:s|ing)? {VICTIM} (?:{W} )?(?:over the side|under|off|in front)"
        rf"|\bdrop(?:ping)? {VICTIM} where"
        rf"|\b(?:tune|tuned|tuning|fill|filled|filling) {VICTIM} (?:up|in)\b"
        rf"|\bknock(?:s|ed|ing)? {VICTIM} (?:spark |clean |right )?out\b|\bknock(?:ing|ed)? (?:{W} )?{OWNED_THING}"
        rf"|\b(?:break|breaks|breaking|snap|snapping|smash|smashing|cave|caving|kick|kicking|punch|punching|bash|"
        rf"bashing|stamp on|stamping on|stomp on|rip|tear|cut|slit|slice|blow|knock|batter|crack|split|burst|"
        rf"rearrange|gouge|twist|chop|stove|kick in|smash in|bash in|cave in) "
        rf"(?:every bone in )?{POSSESSIVE} (?:{W} ){{0,2}}?{_alt(v.BODY)}"
        rf"|\bbreak (?:both|all) of (?:them|your|his|her)"
        rf"|\bclos(?:e|ing) {POSSESSIVE} eyes (?:permanently|for good|forever|for ever)"
        rf"|\bshut(?:ting)? {VICTIM} up (?:for good|permanently|forever|for ever|once and for all)"
        rf"|\bhunt(?:ing)? {VICTIM} down|\bhunt down {VICTIM}"
        rf"|\bmake {VICTIM} (?:pay|bleed|suffer|regret)"
        rf"|\bgiv(?:e|es|ing) {VICTIM} (?:a |an )?(?:{W} )?{INJURY}"
        rf"|\bgiv(?:e|es|ing) {VICTIM} what (?:she|he|they|you) (?:deserves?|has got coming|have got coming)"
        rf"|\bpay(?:ing)? {VICTIM} a (?:{W} )?visit|\bpaid {VICTIM} a (?:{W} )?visit"
        rf"|\b(?:put|putting|puts) (?:a|an|the|my|one) (?:{W} )?{WEAPON} (?:in|into|through|between) {VICTIM}"
        rf"|\b{WEAPON} (?:in|into|through|to|at) {VICTIM}"
        rf"|\b(?:take|takes|taking|took) it out on {VICTIM}"
        rf"|\bend of {PRONOUN_OBJECT}"
        rf"|\b(?:end|ending|take|taking) {POSSESSIVE} (?:{W} )?(?:life|lives)\b"
        rf"|\b(?:put (?:an end|a stop)|see|deal|take care|get rid|do away|finish) (?:to |with |of )?{VICTIM} "
        rf"(?:{W} )?(?:permanently|for good|once and for all|for ever|forever)"
        rf"|\bdrag(?:ging|s)? {VICTIM} out\b"
        rf"|\bbur(?:y|ying) {VICTIM} (?:{W} )?(?:literally|alive|six feet|in the woods|in a field|in the garden|"
        rf"in the ground)"
        rf"|\bcut(?:ting)? {VICTIM} (?:up|open|to pieces|to ribbons)\b|\bdo(?:ing)? {VICTIM} over\b"
        rf"|\b(?:lay|laying|spark|sparking|flatten|flattening|hospitalise|hospitalize|kneecap|molest|stamp on|"
        rf"stomp on|fill|pump) {VICTIM}(?: out| full of lead| with lead)?"
        rf"|\bblow(?:ing)? up {VICTIM}|\bblow(?:ing)? {VICTIM} up\b"
        rf"|\bbeat(?:s|ing|en)? (?:{VICTIM} )?(?:senseless|unconscious|to death|to a pulp|black and blue|half to death|"
        rf"the shit out|the living daylights|the crap out|within an inch)|\bbeat(?:ing)? up {VICTIM}"
        rf"|\bbeat(?:ing|s)? {VICTIM} up\b"
        rf"|\b{WEAPON} (?:in|into|through|to|at|across) (?:the|{POSSESSIVE}) (?:{W} )?{_alt(v.BODY)}",
        True,
    ),
    # Harm that comes to a target.
    (
        "harm_comes_to_target",
        rf"\b{SUBJECT} {gap(4)}(?:will|would|shall|should|must|needs?|ought|deserves?|wants?|going|getting|"
        rf"gets|get|is due|has got|have got)\b (?:{W} ){{0,5}}?(?:{PASSIVE}|{PASSIVE_PHRASES})\b",
        False,
    ),
    (
        "harm_comes_to_target",
        rf"\b{SUBJECT} {gap(3)}(?:will|shall|should|must|needs? to|ought to|deserves? to|going to|is to|"
        rf"are to|can|is about to|would) (?:{W} )?{_alt(v.HARM_INTRANSITIVE | {'pay'})}\b",
        False,
    ),
    (
        "harm_comes_to_target",
        rf"\b{SUBJECT} {gap(3)}(?:will|would|should|must|needs?|ought to|deserves?|wants?|going to|"
        rf"is going to|getting|gets|get|is due|has got|have got)\b (?:{W} ){{0,2}}?(?:a |an |the |some |his |her |"
        rf"their |your |what )?(?:{W} )?{INJURY}",
        False,
    ),
    (
        "harm_comes_to_target",
        rf"\b{SUBJECT} {gap(4)}(?:will|would|should|going|goes|go|gonna|end up|ends up|be)\b"
        rf"(?: {W}){{0,5}}? {DESTINATION}",
        False,
    ),
    (
        "harm_comes_to_target",
        rf"\b{SUBJECT} {gap(3)}(?:will|are|is|would|shall)? ?(?:not|never) (?:{W} ){{0,2}}?"
        rf"(?:live|survive|make it home|make it out|make it through|get home|go home|be going home|be breathing|"
        rf"breathe|be walking|walk again|walk away|walk out|be found|wake up|see christmas|see the next|"
        rf"see another|last the)\b",
        False,
    ),
    (
        "harm_comes_to_target",
        rf"\b(?:you|your|he|she|they|tgt|{ROLE}) (?:is |are |will be |is going to be |going to be |be |as good as )?"
        rf"(?:a )?(?:dead|dead meat|dead man|dead woman|dead men|done for)\b",
        False,
    ),
    (
        "harm_comes_to_target",
        rf"\b{SUBJECT} {gap(2)}(?:will|is going to|going to|are going to) (?:{W} )?get it\b",
        False,
    ),
    (
        "harm_comes_to_target",
        rf"\b(?:need|needs|wants|want|deserves?) {POSSESSIVE}? ?(?:{W} )?(?:head )?"
        r"(?:kicking in|kicked in|smashing in|caving in|taking out|hanging|shooting|stabbing|putting down|a kicking)\b",
        False,
    ),  # fmt: skip
    (
        "harm_comes_to_target",
        rf"\b(?:need|needs|wants|want|deserves?) {POSSESSIVE} (?:{W} )?{_alt(v.BODY)} "
        r"(?:cutting|slitting|slicing|smashing|breaking|kicking|caving|bashing|punching|stamping on|snapping)\b",
        False,
    ),
    # Acts called for against the target.
    ("act_against_target", rf"\bdeath to {VICTIM}|\bdeath to (?:all |every |the )?(?:{W} )?{ROLE_NOUN}", False),
    (
        "act_against_target",
        rf"(?:^|[.,] )(?:{W} ){{0,2}}?(?:kill|stab|hang|lynch|shoot|burn|torch|behead|rape|murder|string up|"
        rf"hang up) {VICTIM}",
        False,
    ),
    # Menace without a word of violence.
    (
        "menace",
        rf"\b(?:i|we) (?:{W} )?(?:know|knew|found out|have found|found) (?:exactly )?(?:where|which|what|when) "
        rf"(?:{W} ){{0,3}}?(?:you|your|he|she|they|tgt|his|her|their|the|that)\b"
        rf"|\b(?:i|we) (?:{W} )?know (?:your|his|her|their|tgt) (?:{W} )?(?:routine|address|movements|face|"
        rf"schedule|car|kids|children|wife|husband|family|house|number plate|reg)"
        rf"|\b(?:i|we) (?:have|has) (?:got )?(?:the|your|his|her|their) (?:home )?address"
        rf"|\bfind(?:ing)? out where (?:{W} )?(?:you|tgt|he|she|they) (?:lives|live|sleeps|sleep|works|work|parks|"
        rf"park|drinks|goes|go|stays|stay)"
        rf"|\bswing for (?:you|her|him|them|tgt)\b|\btick tock|\b(?:your|her|his|their|tgt) card is marked"
        rf"|\bstart(?:ing)? with (?:you|her|him|them|tgt)\b(?=.*\b(?:hang|hanging|kill|shoot|stab|burn|lynch|"
        rf"string|rope|noose|bullet|gallows)\b)|\b(?:hang|hanging|kill|shoot|stab|burn|lynch|string|rope|noose|"
        rf"bullet|gallows)\b.*\b(?:start(?:ing)? with|first up|first in line) (?:you|her|him|them|tgt)\b"
        rf"|\b(?:watch|see|watching|seeing) (?:{VICTIM}|her) (?:{W} )?"
        rf"(?:burn|die|bleed|hang|suffer|swing|rot|choke|drown|"
        rf"scream)\b|\bsee what happens to {VICTIM}|\b(?:do not|never) start (?:your|the|her|his) (?:car|engine)"
        rf"|\bnot (?:to|for a|here to|coming to) (?:talk|chat)\b|\bcome alone\b"
        rf"|\b(?:grab|get|fetch|bring|find) (?:the|a|some|your|our) (?:rope|ropes|noose|petrol|torches|pitchforks)"
        rf"|\b(?:better|should|will need|needs?) (?:get|have|hire|find) (?:a|some) (?:bodyguard|bodyguards|"
        rf"stab vest|bulletproof)|\b(?:bullet|rope|noose|hanging|death|shooting) (?:is|would be) too good for"
        rf"|\b(?:anything|something) (?:bad |nasty |terrible |awful )?(?:to )?happen(?:ed|s|ing)? to {VICTIM}"
        rf"|\b(?:shame|pity) (?:if|about) (?:{W} ){{0,6}}?(?:happened|happen|happens|fall|fell|accident|brake|"
        rf"come home|lines|didn|did not|was to|were to|went missing|go missing|burnt|burned|caught fire|got hurt|"
        rf"get hurt|hurt|disappeared|vanished|something|anything)"
        rf"|\b(?:awful|terrible|shame|pity|tragic|sad) if (?:{W} ){{0,2}}?(?:anything|something|she|he|they|tgt|"
        rf"you|your|his|her)\b"
        rf"|\baccidents (?:happen|can happen|do happen|will happen)|\bhave accidents|\b(?:have|had|has) an accident"
        rf"|\b(?:have|had|has|having) a (?:{W} ){{0,2}}?fall\b|\bbrakes? (?:fail|failing|lines?)"
        rf"|\bcheck (?:underneath|under) (?:it|the car|your car|her car|his car)"
        rf"|\bcareful (?:{W} ){{0,2}}?(?:on your way|on the way|walking|locking up|going home|getting home|when you)"
        rf"|\bwatch (?:your|his|her|their|yer) back|\bsleep tight|\benjoy (?:{W} ){{0,3}}?while (?:it lasts|you can|"
        rf"she can|he can|they can|you still)|\byour (?:last|final) (?:conference|surgery|day|christmas|birthday|"
        rf"election|campaign|summer|term)|\bwill be (?:her|his|your|their) last\b"
        rf"|\bdays are numbered|\bborrowed time|\b(?:your|her|his|their) turn next|\b(?:you are|you re) next\b"
        rf"|\bbe (?:your|her|his|their) turn\b|\byou (?:have|has) been warned|\bwere not warned"
        rf"|\bnobody would hear|\bno one would hear|\beasy to get close|\bwhat the list is for"
        rf"|\bknock on the door (?:{W} ){{0,2}}?(?:will not|would not|never) forget"
        rf"|\bwill not help you|\b(?:what|whats) (?:you|she|he|they) (?:have|has|ve|s)? ?got coming"
        rf"|\bget (?:what is|whats|what s) coming|\bgo the same way|\bend up like the"
        rf"|\ba lesson (?:{W} ){{0,2}}?(?:will not|would not|never) (?:get up|forget|recover)"
        rf"|\b(?:i|we) will see to it|\b(?:i|we) will be (?:the one )?(?:watching|waiting) (?:{W} )?(?:for you|outside|"
        rf"in|across|behind|again)|\b(?:i|we) (?:am|are) waiting (?:across|outside|in|behind|for you)"
        rf"|\bwaiting (?:in|outside|across) (?:your|her|his|their|the road|the street)"
        rf"|\bmore than (?:watch|look|talk)|\bi (?:have )?watched\b|\bbeen past (?:your|her|his|their) (?:house|"
        rf"home|flat|office)|\bnot driving past|\bwhat we have got planned|\bwhat we have planned"
        rf"|\bunder my wheels|\bnext (?:it is|its|time it is) (?:your|her|his) (?:face|head|turn|kids|family)"
        rf"|\b(?:i|we) (?:am|are) coming for (?:you|her|him|them|tgt)|\b(?:i|we) will find (?:you|her|him|them|tgt)"
        rf"(?! (?:a|an|the|some|another|out)\b)|\bcount on it|\bmark my words (?:{W} ){{0,6}}?(?:will|gonna)"
        rf"|\bthe rest of (?:your|her|his|their) (?:very )?short life|\bstay (?:off|away|out) (?:{W} )?or (?:else|"
        rf"you will|i will)|\bor else\b|\b(?:first|1st) aid kit|\blone wolf|\bdo what needs doing"
        rf"|\bknow what to do|\bwear masks|\bbring something heavy|\bfinish the job|\bname your price"
        rf"|\bwho is in\b.*\b(?:petrol|torches|bat|bats)|\bpublic service if|\bpay good money to anyone"
        rf"|\btop of my list|\bneed(?:s)? taking out|\bpull(?:ing)? the (?:trigger|lever)"
        rf"|\b(?:will|would) (?:be )?(?:ash|ashes|rubble|cinders|burnt out)\b|\bpetrol (?:through|in|on)"
        rf"|\bbrick through|\bthrough (?:your|her|his|their) (?:letterbox|window)"
        rf"|\bthe (?:first|next) (?:one )?(?:we|i|they) (?:{W} )?(?:hang|kill|shoot|stab|string up|burn|lynch|get)"
        rf"|\b(?:hanging|swinging|hung|strung up|dangling) from (?:a|the) (?:{W} )?(?:tree|lamppost|rope|gallows|"
        rf"bridge|flagpole|noose|beam|crane|lamp post)"
        rf"|\b{SUBJECT} {gap(1)}(?:will|is going to|going to) be (?:swinging|hanging|bleeding|dying|burning|lying)\b"
        rf"|\b(?:hope|wish|pray|praying|hoping) (?:that )?{SUBJECT} (?:{W} )?(?:die|dies|dying|gets? (?:killed|shot|"
        rf"stabbed|murdered|hurt|raped|beaten|lynched|hanged|hung|run over|knifed|glassed|acid))\b"
        rf"|\b(?:lock|locking) (?:your|the) doors?\b|\b(?:be|coming|come) round (?:yours|your (?:house|place|flat|"
        rf"home))|\bget (?:your|his|her|their) affairs in order|\bsleep with one eye open"
        rf"|\blook(?:ing)? over (?:your|her|his|their) shoulder|\bleast expect it|\bsee it coming"
        rf"|\bknow what happens to (?:traitors|people like|grasses|snitches|those who|anyone who)"
        rf"|\bknow where to find (?:you|her|him|them|tgt)\b|\byour (?:time is|card is) (?:up|coming|marked)"
        rf"|\bmarked (?:man|woman|men)\b|\bhit list|\btarget on (?:your|her|his|their) back|\bcount your days"
        rf"|\bknow what hit (?:you|her|him|them)\b|\bsay your prayers|\bmake (?:your )?peace with"
        rf"|\b(?:last|final) warning|\b(?:we|i) (?:am|are) watching (?:you|her|him|them|tgt)\b"
        rf"|\bbeing watched\b|\bnot be around (?:much|for) (?:longer|long)|\b(?:find|found|finding) "
        rf"(?:your|her|his|their|the|tgt) body\b|\bexpect visitors|\bdo (?:us|the world|the country|everyone) "
        rf"(?:all )?a favour and (?:{W} ){{0,3}}?(?:kill|shoot|stab|hang|end|get rid|take out|off)"
        rf"|\bgot eyes on (?:you|her|him|them|tgt)\b|\bwith (?:a )?broken {_alt(v.BODY)}"
        rf"|\bbring(?:ing)? (?:a |the |some |your |our )?(?:{W} )?(?:rope|ropes|bats?|axes?|hammers?|knives|noose|"
        rf"petrol|torches|pitchforks|weapons)\b"
        rf"|\b(?:what|like|same as|way|end up like) (?:happened (?:to|in) )?"
        rf"(?:jo cox|david amess|birstall|leigh on sea)"
        rf"|\b(?:jo cox|david amess|amess|cox) got\b"
        rf"|\bhead on a (?:spike|stick|pike|plate|pole)"
        rf"|\b(?:getting|get|expect|expecting) a (?:{W} )?(?:visit|call|knock) from (?:us|me|the lads|some|my)"
        rf"|\bnot (?:be )?a (?:nice|friendly|social|pleasant) (?:one|visit|call|chat)"
        rf"|\b(?:hope|better|hoping|check|make sure) (?:{W} ){{0,4}}?(?:insured|fire exits?|smoke alarms?|fire alarms?|"
        rf"fire extinguishers?|life insurance|will made)\b"
        rf"|\btell (?:him|her|them|{OWNED_THING}) to (?:be careful|watch (?:his|her|their) (?:step|back)|watch out|"
        rf"keep (?:his|her|their) head down|look over)"
        rf"|\b(?:i|we) (?:am |are |will be |will )?(?:coming|come|going|turning up|calling) (?:round |over )?"
        rf"to (?:your|her|his|their|tgt) (?:house|home|flat|door|front door)"
        rf"|\b{WEAPON} (?:{W} ){{0,2}}?(?:for|with) (?:you|her|him|them|tgt|(?:your|her|his|their) name on it)\b",
        False,
    ),
    # A weapon brought along, with intent and someone to use it on.
    (
        "weapon",
        rf"\b(?:i|we|i am|we are|i will|we will) (?:{W} ){{0,5}}?(?:bring|bringing|brought|got|have|carry|"
        rf"carrying|be|come|coming|at|with|supply|tie|tied|building|ready|armed|waiting|sharpening|sharpened|loading|"
        rf"loaded|oiling|oiled|bought|buying|ordered|keep|keeping|kept)\b(?: {W}){{0,8}}? {WEAPON}"
        rf"|\b{WEAPON} (?:{W} ){{0,4}}?(?:is|are) (?:ready|tied|loaded|sharpened|waiting)"
        rf"|\b(?:there is|there will be|going to be) (?:{W} ){{0,2}}?{WEAPON} (?:in|at|through|under) {POSSESSIVE}",
        False,
    ),
]
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
    if verb and verb in _PAST and not _MODAL.search(sentence):
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


def _figurative(sentence: str, match: re.Match) -> bool:
    """Violence in words only: a harm word of the kind elections use, with an election or debate beside it."""
    if not FIGURATIVE_HARM.search(match.group(0)):
        return False
    before = sentence[: match.start()].split()[-6:]
    after = sentence[match.end() :].split()[:8]
    return bool(FIGURATIVE_CONTEXT.search(" ".join([*before, match.group(0), *after])))


def _prepare(text: str) -> str:
    text = _IDIOMS.sub(" ~ ", text)
    return re.sub(r" +", " ", text)


def fired(text: str) -> list[str]:
    """The names of the rules the canonical `text` (targets as "tgt") fires, in rule order."""
    names: list[str] = []
    whole = _prepare(" " + text + " ").strip()
    for sentence in sentences(whole):
        for name, pattern, modal in _COMPILED:
            if name in names:
                continue
            for match in pattern.finditer(sentence):
                if _reported(sentence, match) or (modal and _past_narrative(sentence, match)):
                    continue
                if _WEAK.search(match.group(0)) and _CIVIL.search(sentence):
                    continue
                if _figurative(sentence, match):
                    continue
                names.append(name)
                break
    if not names and _WEAPON_ANYWHERE.search(whole) and _PERSON_ANYWHERE.search(whole):
        if _MENACE_MOOD.search(whole) and not REPORTED.search(whole):
            names.append("weapon")
    return names
