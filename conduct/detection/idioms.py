"""Idioms and figures of speech that borrow the words of violence, set aside before the rules run.

"Kill the bill" never names a person, but "knock them dead", "break a leg", "bite the
bullet" and "dead in the water" do not harm anyone either: `prepare` takes them out of the
text. Elections, debates and careers are where people are buried, slaughtered and crushed
only in words: `figurative` tells a rule's match that is one of those.
"""

import re

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


def prepare(text: str) -> str:
    """The canonical text with idioms taken out (each leaves a "~", so no rule joins across it)."""
    text = _IDIOMS.sub(" ~ ", text)
    return re.sub(r" +", " ", text)


def figurative(sentence: str, match: re.Match) -> bool:
    """Violence in words only: a harm word of the kind elections use, with an election or debate beside it."""
    if not FIGURATIVE_HARM.search(match.group(0)):
        return False
    before = sentence[: match.start()].split()[-6:]
    after = sentence[match.end() :].split()[:8]
    return bool(FIGURATIVE_CONTEXT.search(" ".join([*before, match.group(0), *after])))
