"""Rules of menace: threats that name no violent act, and weapons brought along.

Knowing where the target lives, "shame if anything happened to them", "your days are
numbered", a weapon brought along with someone to use it on.
"""

from conduct.detection import vocabulary as v
from conduct.detection.phrases import (
    OWNED_THING,
    POSSESSIVE,
    SUBJECT,
    VICTIM,
    WEAPON,
    W,
    alt,
    gap,
)

# Menace that names no act at all: the target watched, followed, timed; their family, car or home
# known; a countdown; a conditional that ends in "you will not be safe"; "the house is next".
_PEOPLE_AND_THINGS = (
    r"(?:car|motor|house|home|flat|kids|children|son|daughter|lad|girl|wife|husband|partner|family|office|routine|"
    r"address|street|mam|mum|dad|parents|school|gym|dog|cat|horse|staff|interns|driver|movements)"
)
IMPLIED = [
    rf"\b(?:i|we) (?:have |had )?(?:seen|saw|watched|followed|clocked|spotted|photographed|timed|found) "
    rf"(?:{POSSESSIVE}|where {POSSESSIVE}) (?:{W} ){{0,2}}?{_PEOPLE_AND_THINGS}\b",
    r"\b(?:i|we) (?:have |had )?(?:followed|timed|clocked) (?:you|her|him|them|tgt|it)\b",
    rf"\bfollow(?:ed|ing)? (?:you|her|him|them|tgt) (?:{W} ){{0,3}}?home\b",
    rf"\b(?:i|we) (?:{W} )?know (?:exactly )?(?:where|what time|when) (?:{W} ){{0,2}}?"
    rf"(?:it|she|he|they) (?:is|are|s)? ?"
    rf"(?:parked|parks|lives|sleeps|leaves|goes)",
    rf"\b(?:i|we) (?:{W} )?know (?:your|his|her|their|tgt s?) (?:{W} )?(?:gym|coffee order|order|school|kids school|"
    rf"reg|number plate|shifts|timetable|walk home)",
    r"\bcheck (?:your|the|her|his|their) (?:wheel nuts|brakes|tyres|brake lines)",
    r"\bcount(?:ing)? (?:your|her|his|their|the) days(?! off)\b",
    r"\bnot long now\b",
    r"\b(?:might|will|could|would) be (?:your|her|his|their|tgt s) last\b",
    r"\b(?:will not|would not|never) see (?:the new year|christmas|another|next|the next)",
    r"\b(?:will|would) not be safe\b|\bnot (?:be )?safe in (?:this|your|the) (?:town|city|area|constituency|street)",
    r"\bit (?:will not|would not|is not going to) (?:just )?be (?:the |rubbish|words|paint)",
    r"\bnext time it (?:will not|would not|is not going to) (?:just )?be\b",
    r"\bstops being politics\b",
    r"\b(?:the|your|her|his|their) (?:house|home|office|car|kids|family|wife|husband|surgery) (?:is|are) next\b",
    r"\b(?:your|her|his|their) turn\b(?= [.,]|$)",
    r"\b(?:when|if|once|wait till|wait until|see if) (?:i|we) (?:ever )?(?:catch|get hold of|get my hands on) "
    r"(?:you|her|him|them|tgt)\b",
    r"\b(?:find out|learn|see|remember) (?:exactly )?what happens to\b",
    r"\b(?:got|has got|have got|is got|s got) it coming\b",
    r"\b(?:you|they|the lads|the boys|we) (?:all )?know the rest\b",
    r"\b(?:the lads|the boys|some people|my mates) (?:have been|are|were|been) asking (?:after|about) "
    r"(?:you|her|him|them|tgt)",
    rf"\b(?:you|they|she|he|tgt|{OWNED_THING}) (?:are|is) (?:all )?fair game\b",
    r"\b(?:someone|somebody) (?:is going to|will|is gonna) get to (?:you|her|him|them|tgt)\b",
    r"\b(?:you are|she is|he is|tgt is|they are) (?:at the )?top of (?:the|my|our) list\b",
    r"\b(?:splash|bottle|drop|squirt|jar|cup|bit|dose|bucket) of (?:\w+ )?acid\b",
    r"\bwonder who is (?:watching|behind|outside|waiting|following)",
    r"\bmade it (?:very |so |too |really )?easy for (?:us|me)\b",
    r"\beasy to (?:mount the (?:kerb|pavement)|run (?:you|her|him|them|tgt) (?:over|down)|get to (?:you|her|him))",
    rf"\b(?:security|police|polis|bodyguards?|locks?|cameras|panic button) (?:{W} )?(?:will not|would not|can not) "
    r"(?:help|save|stop)",
    r"\bmore than (?:placards|leaflets|a petition|banners|words|signs|a placard)\b",
    r"\bnot (?:be )?bringing (?:a petition|placards|leaflets|banners)\b",
    r"\bwill not enjoy (?:it|the experience|what)",
    rf"\b(?:attend|attending|turn up at|turning up at|visit|visiting) {POSSESSIVE} (?:home|house|front door)\b",
    r"\bno cameras\b|\bone way in and one way out\b",
    r"\bhope (?:you|she|he|they|tgt) can swim\b|\bhelp (?:you|her|him|them) in\b",
    r"\b(?:sharpening|loading|oiling|saving|keeping) (?:something|one|a bullet|it) for (?:you|her|him|them|tgt)\b",
    r"\b(?:your|her|his|their) stab vest\b",
    rf"\b(?:another|next|the last) (?:mp|councillor|politician|member) (?:{W} )?(?:done in|got done|killed|stabbed|"
    r"murdered|dead|that got|who got)",
    r"\b(?:get|gets|got) (?:himself|herself|yourself|themselves) (?:a |some )?bodyguards?\b",
    r"\bcareful what (?:you|she|he|they|tgt) (?:eat|drink|eats|drinks)\b",
    r"\b(?:rat poison|novichok|arsenic|antifreeze|ricin|cyanide)\b(?=.*\b(?:you|your|tgt|her|him)\b)",
    r"\b(?:till|until|before) (?:someone|somebody) (?:is|gets|s) hurt\b",
    r"\b(?:would|will|be) (?:a )?(?:real )?(?:shame|pity)(?= [.,]|$)",
    r"\b(?:getting|get|about to get|going to get) (?:very |really )?(?:dangerous|nasty|ugly|messy|painful)\b",
    r"\b(?:canal|river|water|lake|reservoir|sea) is (?:very )?(?:deep|cold)\b",
    r"\bbe found (?:under|in (?:a|the)|floating|face down|dead|hanging)\b",
]

MENACE_RULES: list[tuple[str, str, bool]] = [
    ("implied_menace", "|".join(IMPLIED), False),
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
        rf"in|across|behind|again|from|after|at the back|round the back|by (?:your|her|his|the) (?:car|door|gate))"
        rf"|\b(?:i|we) (?:am|are) waiting (?:across|outside|in|behind|for you)"
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
        rf"|\bmarked (?:man|woman|men)\b|\bhit list|\btarget on (?:your|her|his|their) back"
        rf"|\bknow what hit (?:you|her|him|them)\b|\bsay your prayers|\bmake (?:your )?peace with"
        rf"|\b(?:last|final) warning|\b(?:we|i) (?:am|are) watching (?:you|her|him|them|tgt)\b"
        rf"|\bbeing watched\b|\bnot be around (?:much|for) (?:longer|long)|\b(?:find|found|finding) "
        rf"(?:your|her|his|their|the|tgt) body\b|\bexpect visitors|\bdo (?:us|the world|the country|everyone) "
        rf"(?:all )?a favour and (?:{W} ){{0,3}}?(?:kill|shoot|stab|hang|end|get rid|take out|off)"
        rf"|\bgot eyes on (?:you|her|him|them|tgt)\b|\bwith (?:a )?broken {alt(v.BODY)}"
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
