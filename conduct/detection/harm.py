"""Rules of harm: a violent act done to the target, harm said to come to them, an act called for against them.

Each rule is (name, pattern, needs modality): a sentence fires it when the pattern
matches and, where marked, the sentence is not past narrative ("absolutely murdered him").
"""

from conduct.detection import vocabulary as v
from conduct.detection.phrases import (
    DESTINATION,
    FILLER,
    INJURY,
    OWNED_THING,
    PASSIVE,
    PASSIVE_PHRASES,
    PLAIN,
    POSSESSIVE,
    PRONOUN_OBJECT,
    ROLE,
    ROLE_NOUN,
    SUBJECT,
    VICTIM,
    WEAPON,
    W,
    alt,
    gap,
)

HARM_RULES: list[tuple[str, str, bool]] = [
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
        rf"|\b(?:throw|push|put|hold|drop|tip|chuck|lob|dump|toss)(?:s|ing)? {VICTIM} "
        rf"(?:{W} )?(?:over the side|under|off|in front)"
        rf"|\b(?:throw|push|chuck|lob|dump|toss)(?:s|ing)? {VICTIM} (?:in|into) (?:the|a) "
        rf"|\bneeds? (?:dragging|taking out|sorting out|seeing to|putting down|shutting up for good)\b"
        rf"|\bdrop(?:ping)? {VICTIM} where"
        rf"|\b(?:tune|tuned|tuning|fill|filled|filling) {VICTIM} (?:up|in)\b"
        rf"|\bknock(?:s|ed|ing)? {VICTIM} (?:spark |clean |right )?out\b|\bknock(?:ing|ed)? (?:{W} )?{OWNED_THING}"
        rf"|\b(?:break|breaks|breaking|snap|snapping|smash|smashing|cave|caving|kick|kicking|punch|punching|bash|"
        rf"bashing|stamp on|stamping on|stomp on|rip|tear|cut|slit|slice|blow|knock|batter|crack|split|burst|"
        rf"rearrange|gouge|twist|chop|stove|kick in|smash in|bash in|cave in) "
        rf"(?:every bone in )?{POSSESSIVE} (?:{W} ){{0,2}}?{alt(v.BODY)}"
        rf"|\bbreak (?:both|all) of (?:them|your|his|her)"
        rf"|\bclos(?:e|ing) {POSSESSIVE} eyes (?:permanently|for good|forever|for ever)"
        rf"|\bshut(?:ting)? {VICTIM} up (?:for good|permanently|forever|for ever|once and for all)"
        rf"|\bhunt(?:ing)? {VICTIM} down|\bhunt down {VICTIM}"
        rf"|\bmake {VICTIM} (?:pay|bleed|suffer|regret)"
        rf"|\b(?:giv(?:e|es|ing)|given) {VICTIM} (?:a |an )?(?:{W} )?{INJURY}"
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
        rf"|\b{WEAPON} (?:in|into|through|to|at|across) (?:the|{POSSESSIVE}) (?:{W} )?{alt(v.BODY)}",
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
        rf"are to|can|is about to|would) (?:{W} )?{alt(v.HARM_INTRANSITIVE | {'pay'})}\b",
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
        rf"\b(?:need|needs|wants|want|deserves?) {POSSESSIVE} (?:{W} )?{alt(v.BODY)} "
        r"(?:cutting|slitting|slicing|smashing|breaking|kicking|caving|bashing|punching|stamping on|snapping)\b",
        False,
    ),
    # Acts called for against the target.
    ("act_against_target", r"(?:^|[.,] )die (?:tgt|you)\b", False),
    ("act_against_target", rf"\bdeath to {VICTIM}|\bdeath to (?:all |every |the )?(?:{W} )?{ROLE_NOUN}", False),
    (
        "act_against_target",
        rf"(?:^|[.,] )(?:{W} ){{0,2}}?(?:kill|stab|hang|lynch|shoot|burn|torch|behead|rape|murder|string up|"
        rf"hang up) {VICTIM}",
        False,
    ),
]
