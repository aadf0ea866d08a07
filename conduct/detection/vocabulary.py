"""The words the threat rules reason with, by role: harm, the people and things harmed, intent.

Lists, not sentences: a rule in `rules` joins a role to another ("harm" followed by "a
person"), so a word added here is understood in every phrasing the rules know. Verbs list
their forms explicitly (irregular English is shorter to write than to derive).
"""


def _forms(spec: str) -> dict[str, list[str]]:
    """ "kill kills killed killing | stab stabs stabbed stabbing" -> {"kill": [...], ...}."""
    out = {}
    for group in spec.split("|"):
        words = group.split()
        if words:
            out[words[0]] = words
    return out


# --- Harm -------------------------------------------------------------------------------------

# Verbs that do violence to whoever follows them ("stab him", "torch your car").
HARM_VERBS = _forms(
    """
    kill kills killed killing | murder murders murdered murdering | stab stabs stabbed stabbing |
    shoot shoots shot shooting | hang hangs hanged hung hanging | lynch lynches lynched lynching |
    behead beheads beheaded beheading | decapitate decapitated | strangle strangles strangled strangling |
    throttle throttled | choke chokes choked choking | drown drowns drowned drowning |
    burn burns burned burnt burning | torch torches torched torching | firebomb firebombed firebombing |
    petrolbomb | bomb bombs bombed | beat beats beaten beating | batter batters battered battering |
    thump thumps thumped | punch punches punched punching | kick kicks kicked kicking |
    hurt hurts hurting | harm harms harmed harming | injure injured | maim maims maimed maiming |
    cripple crippled | rape rapes raped raping | assault assaulted | attack attacks attacked attacking |
    knife knifes knifed knifing | glass glasses glassed glassing | shank shanked | slash slashed | slit slits |
    gut gutted | butcher butchered | slaughter slaughtered | execute executed executing |
    torture tortured torturing | blind blinded | bury buried burying | smash smashed smashing |
    cave caved | snap snapped | stomp stomped | headbutt headbutted | whack whacked | deck decked |
    leather leathered | lamp lamped | chib chibbed | stone stoned | poison poisoned | skin skinned |
    string strung | drag dragged dragging | ram rammed | run ran running | hunt hunted hunting |
    break breaks broke broken breaking | cut cuts cutting | bleed bleeds bled bleeding |
    end ends | finish finished | silence silenced | eliminate eliminated | exterminate exterminated |
    acid acided | douse doused | nail nailed | crucify crucified | hammer | bash bashed bashing |
    bottle bottled | sort sorted | deal dealt | take taken took | put | teach taught | do did done |
    set | throw threw thrown | push pushed | drop dropped | tune tuned | rough roughed | fill filled |
    knock knocked knocking | floor floored | batter | blow blown | gun gunned | mow mown |
    unalive unalived | visit visited | open opened | close closed | shut | wipe wiped | fix fixed
    """
)
# Of those, the ones that are violence on their own; the rest need their particle or object
# ("sort him out", "take her out", "put them down", "teach a lesson").
PLAIN_HARM = {
    form
    for base, forms in HARM_VERBS.items()
    if base
    in {
        "kill", "murder", "stab", "shoot", "hang", "lynch", "behead", "decapitate", "strangle", "throttle",
        "choke", "drown", "burn", "torch", "firebomb", "petrolbomb", "bomb", "beat", "batter", "thump", "punch",
        "kick", "hurt", "harm", "injure", "maim", "cripple", "rape", "assault", "attack", "knife", "glass",
        "shank", "slash", "slit", "gut", "butcher", "slaughter", "execute", "torture", "blind", "smash", "stomp",
        "headbutt", "whack", "deck", "leather", "lamp", "chib", "stone", "poison", "skin", "bash", "bottle",
        "douse", "crucify", "acid", "gun", "unalive",
    }
    for form in forms
}  # fmt: skip
# Said of a person, these are violence ("X will hang", "you'll bleed", "he's going to die").
HARM_INTRANSITIVE = {
    "die", "dies", "dying", "hang", "swing", "bleed", "burn", "suffer", "rot", "perish", "drown", "disappear",
    "vanish",
}  # fmt: skip
# Done to a person ("deserves to be shot", "getting glassed", "wants his head kicking in").
HARM_PASSIVE = {
    "shot", "killed", "stabbed", "hanged", "hung", "lynched", "beaten", "battered", "glassed", "knifed", "burnt",
    "burned", "murdered", "executed", "butchered", "slaughtered", "raped", "strung", "tortured", "strangled",
    "drowned", "beheaded", "decapitated", "maimed", "crippled", "kneecapped", "torched", "firebombed", "bombed",
    "attacked", "assaulted", "hurt", "harmed", "injured", "punched", "kicked", "smashed", "leathered", "decked",
    "lamped", "stoned", "poisoned", "skinned", "gutted", "bottled", "shanked", "slashed", "whacked", "bashed",
    "gunned", "mown", "throttled", "choked", "buried", "crucified", "acided", "doused", "petrolbombed",
    "hanging", "shooting", "stabbing", "kicking", "killing", "hiding", "beating", "battering", "doing", "knifing",
    "glassing", "bleeding", "kneecapping", "lynching", "burning", "torching", "tuned", "floored", "dragged",
    "sorted", "dealt", "eliminated", "silenced", "exterminated", "finished", "taken", "put", "run", "carried",
    "kicks", "beat", "bashing", "leathering", "pasting", "thrashing", "slapped", "jumped", "mugged", "bladed",
    "chibbed", "stomped", "unalived",
}  # fmt: skip
# Injuries and beatings one "gets", "deserves" or "needs".
INJURY_NOUNS = {
    "bullet", "bullets", "kicking", "hiding", "beating", "battering", "doing", "hammering", "knife", "blade",
    "noose", "rope", "brick", "bat", "acid", "petrol", "slap", "smack", "thrashing", "pasting", "leathering",
    "hospital", "wheelchair", "coffin", "box", "grave", "bodybag", "lead", "headshot", "stabbing", "shooting",
    "lynching", "hanging", "knock", "visit", "lesson", "bomb", "machete", "firebomb", "bottle",
}  # fmt: skip
WEAPONS = {
    "knife", "knives", "blade", "blades", "machete", "sword", "axe", "gun", "guns", "shotgun", "rifle", "pistol",
    "firearm", "bullet", "bullets", "ammo", "bat", "crowbar", "hammer", "brick", "bricks", "acid", "bleach",
    "petrol", "noose", "rope", "gallows", "bomb", "device", "explosive", "explosives", "grenade", "molotov",
    "firebomb", "cleaver", "shiv", "shank", "taser", "crossbow", "lighter", "matches", "fuel", "drain",
    "cleaner", "armed",
}  # fmt: skip
BODY = {
    "head", "face", "throat", "neck", "legs", "leg", "jaw", "teeth", "eyes", "eye", "kneecaps", "knees", "back",
    "skull", "body", "brains", "brain", "heart", "chest", "gut", "guts", "ribs", "nose", "lights", "arms",
    "arm", "hands", "fingers", "spine", "windpipe", "veins",
}  # fmt: skip
DEATH = {
    "dead", "death", "die", "dies", "corpse", "coffin", "grave", "funeral", "buried", "bodybag", "dying",
    "killed", "murdered", "deceased", "morgue",
}  # fmt: skip

# --- The people and things a threat is aimed at -----------------------------------------------

SECOND_PERSON = {"you", "yourself", "yourselves", "youse", "yous", "thee"}
SECOND_POSSESSIVE = {"your", "yours", "ur", "yer"}
THIRD_PERSON = {"he", "him", "himself", "she", "her", "herself", "they", "them", "themselves", "tgt"}
THIRD_POSSESSIVE = {"his", "her", "their", "tgt"}
# Who else a message may aim at by name of office or by insult ("the mayor", "that traitor").
ROLES = {
    "mp", "mps", "mayor", "councillor", "councillors", "cllr", "member", "members", "peer", "peers", "lord",
    "lordship", "baroness", "lady", "minister", "ministers", "traitor", "traitors", "woman", "man", "girl",
    "boy", "bloke", "lad", "cow", "rat", "rats", "snake", "scum", "politician", "politicians", "candidate",
    "chair", "leader", "secretary", "mep", "msp", "ms", "am", "ma", "senator", "one", "lot",
    "bitch", "bastard", "freak", "pig", "pigs", "vermin", "cunt", "twat", "prick", "nonce", "paedo", "terrorist",
    "terrorists", "quisling", "collaborator", "collaborators", "honourable", "gentleman", "cronies",
    "staffer", "staffers", "caseworker", "caseworkers", "receptionist", "everyone", "everybody", "someone",
}  # fmt: skip
FAMILY = {
    "wife", "husband", "partner", "kids", "kid", "children", "child", "son", "sons", "daughter", "daughters",
    "boy", "boys", "girl", "girls", "lad", "mum", "mother", "mam", "dad", "father", "nan", "gran", "grandma",
    "missus", "family", "families", "baby", "babies", "sister", "brother", "bairns", "weans", "parents",
    "grandchildren", "little", "wee", "fiance", "fiancee", "girlfriend", "boyfriend", "mrs",
}  # fmt: skip
PROPERTY = {
    "house", "home", "flat", "door", "window", "windows", "car", "motor", "office", "surgery", "constituency",
    "caseworkers", "staff", "team", "receptionist", "volvo", "van", "letterbox", "garden", "shop", "cafe",
    "place", "address", "street", "brakes", "tyres", "lines", "post", "mail", "inbox", "caseworker",
    "workers", "volunteers", "bus", "route", "routine", "desk", "school",
}  # fmt: skip

# --- Who acts, and how certain --------------------------------------------------------------

FIRST_PERSON = {"i", "we", "me", "us", "myself", "ourselves", "my", "our", "mine", "ours"}
# Others invited to act: "someone should ...", "any patriots fancy ...".
OTHERS = {
    "someone", "somebody", "anyone", "anybody", "everyone", "everybody", "people", "patriots", "lads", "men",
    "man", "volunteers", "nobody", "noone", "wolf", "youse", "folk", "boys",
}  # fmt: skip

# --- Spelling -------------------------------------------------------------------------------

# Contractions and speech spellings, expanded.
CONTRACTIONS = {
    "i'll": "i will", "ill": "i will", "i'm": "i am", "im": "i am", "i'd": "i would", "i've": "i have",
    "ive": "i have", "you'll": "you will", "youll": "you will", "u'll": "you will", "ull": "you will",
    "you're": "you are", "youre": "you are", "ur": "your", "u're": "you are", "you'd": "you would",
    "youd": "you would", "you've": "you have", "youve": "you have", "we'll": "we will", "we're": "we are",
    "we'd": "we would", "we've": "we have", "weve": "we have", "he'll": "he will", "hell": "hell",
    "he's": "he is", "hes": "he is", "he'd": "he would", "she'll": "she will", "she's": "she is",
    "shes": "she is", "she'd": "she would", "they'll": "they will", "theyll": "they will",
    "they're": "they are", "theyre": "they are", "they'd": "they would", "they've": "they have",
    "it'll": "it will", "itll": "it will", "it's": "it is", "that'll": "that will", "thatll": "that will",
    "that's": "that is", "thats": "that is", "there's": "there is", "theres": "there is",
    "who's": "who is", "whos": "who is", "where's": "where is", "wheres": "where is", "what's": "what is",
    "whats": "what is", "let's": "let us", "lets": "let us", "won't": "will not", "wont": "will not",
    "can't": "can not", "cant": "can not", "cannot": "can not", "don't": "do not", "dont": "do not",
    "doesn't": "does not", "doesnt": "does not", "didn't": "did not", "didnt": "did not",
    "isn't": "is not", "isnt": "is not", "aren't": "are not", "arent": "are not", "wasn't": "was not",
    "wasnt": "was not", "shouldn't": "should not", "shouldnt": "should not", "wouldn't": "would not",
    "wouldnt": "would not", "couldn't": "could not", "couldnt": "could not", "ain't": "is not",
    "aint": "is not", "nobody'd": "nobody would", "someone's": "someone is", "somebody's": "somebody is",
    "nobody's": "nobody has", "here's": "here is", "how's": "how is", "y'all": "you all",
}  # fmt: skip
CONTRACTION_TAILS = {"ll": "will", "re": "are", "ve": "have", "d": "would", "m": "am", "nt": "not"}
SPEECH = {
    "u": "you", "ya": "you", "ye": "you", "yez": "you", "youse": "you", "yous": "you", "r": "are",
    "gonna": "going to", "gona": "going to", "gunna": "going to", "goin": "going", "gon": "going to",
    "wanna": "want to", "gotta": "got to", "shud": "should", "sumone": "someone", "sum1": "someone",
    "some1": "someone", "sumbody": "somebody", "masel": "myself", "mesel": "myself", "maself": "myself",
    "nae": "not", "no'": "not", "cannae": "can not", "canny": "can not", "wilnae": "will not", "willnae": "will not",
    "wen": "when", "propa": "proper", "til": "until", "till": "until", "cos": "because", "coz": "because",
    "tho": "though", "thru": "through", "wiv": "with", "wit": "with", "da": "the", "tha": "the", "yr": "your",
    "youself": "yourself", "urself": "yourself", "yaself": "yourself", "c": "see", "b4": "before", "2": "to",
    "4": "for", "n": "and", "ppl": "people", "wud": "would", "cud": "could", "gud": "good", "fink": "think",
    "abt": "about", "bc": "because", "pls": "please", "plz": "please", "dat": "that", "dis": "this",
    "wat": "what", "wot": "what", "coming": "coming", "comin": "coming", "doin": "doing", "gettin": "getting",
    "kickin": "kicking", "pullin": "pulling", "laffin": "laughing", "waitin": "waiting", "lookin": "looking",
    "watchin": "watching", "cummin": "coming", "fukin": "fucking", "fuckin": "fucking", "ur's": "yours",
    "thy": "your",
}  # fmt: skip

# Words never corrected into something else, and that spaced-out letters may be split into.
FUNCTION_WORDS = set(
    """
    a an the and or but if then so as at by for from in into of on off onto out over to up with without
    i me my we us our you your he him his she her they them their it its this that these those there here
    is am are was were be been being will would shall should can could may might must do does did done have
    has had not no yes all any some every each one two three first next last soon now when where who whom
    what which why how very just only also still even again ever never always once more most less least
    tonight today tomorrow week month year night day morning time times way back down round around after
    before until while about across against along through under near far away home house door car office
    well hand band shout ground grand grind building blinding blending rates rated patrol belt built
    glows rapped rapper hinged burner banged ganged stay still stuck kit bill banner pint dead gorgeous party
    polls leg break bullet
    points target blow stab hit shot ball sorted deal visit lesson close open shut head face end finish
    fix wipe nail take put set throw push drop tune fill knock floor run drag ram hunt string teach do
    lot lots man men woman women people person folk lads boy girl kid kids mum dad wife son daughter family
    make makes made go goes going gone went come comes came coming get gets got getting see saw seen
    know knew known think thought say said tell told give gave given want wanted need needs needed like
    love hope wish bet swear promise mean watch wait waiting let leave left keep kept find found show
    look looking happen happens happened bring brought fancy deserve deserves deserved should ought
    """.split()
)
OTHER_KNOWN = set(
    """
    shout shouted shouting stay stays stayed stab kind kinds kill hand hands handed hung hunger hunt still
    sting stink stint strong strung shoe shoes short shortly shop shops shore should shoulder shower shown
    shows show stack stable stabled stock stub stubbed stubs stuff beach beats beast bear beard bean bees
    brake brakes broken bread breed breeds breath breathe breathing blade blades blame bland blank blast bleat
    bled blew blind blink block blood bloody bloom blown blows blue blunt burnt burst bury busy bush bust
    hanger hangs hangar handle handy happy hard harm harp harsh hatch hate hated hates hating haul heat heads
    heard heart hearts kick kicks kicked kids kiln kilt kind king kings kiss kit kite knee knees knew knife
    knives knit knob knock knot know known pinch punch punt pound pour prick print prison punish punished
    lunch lurch lynch bunch hunch munch crunch rapid rape raped rapes rapper rate rated rather raves cruel
    glass glasses gloss grass grasp graze grave gravel stone stones store stores storm story stoke stoked
    torch torn tore torque touch tough tour tower towel throat throats threat threats three threw throw
    thrown throne through thrown drown drowned crown crowned brown frown clown clowns shoot shoots shooter
    sheet short shout snoot snout scoot shoo shook hook hooks cook cooks hooked booted booked looked
    bleed bleeding blend blessed bless burned burning burns murder murders murdered murky shotgun shotguns
    choke choked chose chosen choice voice voices vote votes voted voting voter voters hunted hunting
    killer killers killing kills filled fills billed bills willed tilled pilled skilled spilled grilled
    drilled thrilled chilled milled sort sorts sorted short snorted sported sport ports port posted
    """.split()
)

# --- Derived tables ---------------------------------------------------------------------------

HARM_FORMS = {form for forms in HARM_VERBS.values() for form in forms}
KEY_WORDS = (
    HARM_FORMS
    | HARM_INTRANSITIVE
    | HARM_PASSIVE
    | INJURY_NOUNS
    | WEAPONS
    | BODY
    | DEATH
    | {"going", "gonna", "deserves", "deserve", "someone", "somebody", "should", "throat", "myself", "lever"}
    | {"gallows", "hospital", "proper", "properly", "personally", "permanently", "watch", "enough", "laughing"}
)
KNOWN = FUNCTION_WORDS | OTHER_KNOWN | KEY_WORDS | SECOND_PERSON | SECOND_POSSESSIVE | THIRD_PERSON | ROLES
KNOWN |= FAMILY | PROPERTY | FIRST_PERSON | OTHERS | set(SPEECH) | set(SPEECH.values())
# Words a misspelling is corrected towards: the ones the rules need and a reader cannot mistake.
CORRECTABLE = sorted(
    w
    for w in (PLAIN_HARM | HARM_PASSIVE | WEAPONS | DEATH | {"deserves", "deserve", "throat", "hospital", "gallows"})
    if len(w) >= 5
)
# Misspelt with two vowels wrong ("throte", "hospitle"): only towards words no common word
# shares the consonants of ("bleeding" does with "building", "grenade" with "ground").
VOWEL_CORRECTABLE = [
    "throat", "hospital", "deserves", "deserve", "murder", "murdered", "strangle", "strangled", "machete",
    "shotgun", "gallows", "lynched", "beheaded", "decapitate", "petrolbomb", "firebomb", "strangling",
]  # fmt: skip
BY_SQUEEZE: dict[str, str] = {}
BY_CONSONANTS: dict[tuple[str, str], str] = {}


def _squeeze(word: str) -> str:
    out = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _consonants(word: str) -> str:
    return _squeeze("".join(ch for ch in word if ch not in "aeiouy"))


for _word in sorted(KEY_WORDS | SECOND_PERSON | THIRD_PERSON | FIRST_PERSON, key=len):
    BY_SQUEEZE.setdefault(_squeeze(_word), _word)
for _word in VOWEL_CORRECTABLE:
    BY_CONSONANTS.setdefault((_word[0], _consonants(_word)), _word)
# Letters spelt out with spaces are split back into these.
SEGMENT_WORDS = KNOWN - {"ill", "im", "ur", "u", "r", "n", "c", "ya", "ye"}
# A star in a word stands for letters of one of these (profanity first: "f*ck" is not "fork").
WILDCARD_WORDS = list(
    dict.fromkeys(
        [
            "fuck", "fucking", "fucker", "shit", "cunt", "twat", "bitch", "piss", "wanker", "bastard", "arse",
            "prick", *sorted(PLAIN_HARM), *sorted(HARM_PASSIVE), *sorted(DEATH), *sorted(BODY), *sorted(WEAPONS),
        ]
    )
)  # fmt: skip

# Ordinary English words one slip away from a key word: known, so never corrected (see confusables).
from conduct.detection.confusables import load as _load_confusables  # noqa: E402

CONFUSABLES = _load_confusables()
KNOWN |= CONFUSABLES
