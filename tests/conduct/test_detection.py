"""The threat detector: threats by angle, hard negatives, disguises, {target} phrases, and its measured figures."""

import json

import pytest

from conduct.detection import THREAT, Detector, Target, canonical_tokens, classifier
from conduct.detection.evaluation import DEV, EXTRA_DEV, HELDOUT, baseline, load, measure, split
from conduct.detection.lexicon import Lexicon
from conduct.models import Category, IndicatorPhrase

pytestmark = pytest.mark.django_db

LUCY = Target.of(["Lucy", "Lucy Ward", "Ward"], ["she", "her"])
OWEN = Target.of(["Owen", "Owen Hart"], ["he", "him"])


@pytest.fixture
def detector():
    return Detector.load()


def threat(detector, text, target=LUCY) -> bool:
    return THREAT in detector.flag(text, target)[0]


THREATS = [
    ("named", "Lucy Ward will be dragged out of her surgery and beaten half to death", LUCY),
    ("named", "Owen Hart, I'm going to put you in the ground", OWEN),
    ("pronoun", "string her up outside the town hall and let everyone watch", LUCY),
    ("pronoun", "he'll get a right good kicking when he shows his face in Wigan", OWEN),
    ("you", "I will stab you Lucy, I swear it", LUCY),
    ("incitement", "Someone should string Lucy up for what she did today", LUCY),
    ("incitement", "somebody needs to sort Hart out once and for all", OWEN),
    ("incitement", "£50 to whoever glasses Hart at the count", OWEN),
    ("deserves", "Ward deserves a bullet", LUCY),
    ("conditional", "vote for the cuts and you'll be leaving the chamber in a box", LUCY),
    ("euphemism", "accidents happen on dark lanes, Lucy", LUCY),
    ("euphemism", "Owen's days are numbered", OWEN),
    ("family", "nice kids Owen. shame if anything happened to them", OWEN),
    ("home", "I know where you live Lucy", LUCY),
    ("home", "petrol through your letterbox tonight", LUCY),
    ("arson", "we're going to torch your office", LUCY),
    ("acid", "someone should throw acid in her face", LUCY),
    ("weapon", "I'll be at your surgery on Friday with a knife", LUCY),
    ("hanging", "hang the traitor Hart from the nearest lamppost", OWEN),
    ("death_to", "DEATH TO LUCY WARD", LUCY),
    ("sexual", "someone should rape that councillor", LUCY),
    ("wish_incitement", "really hope someone takes Hart out at his next surgery", OWEN),
    ("veiled", "sleep tight Lucy, we know your routine", LUCY),
]


@pytest.mark.parametrize(("angle", "text", "target"), THREATS, ids=[f"{a}:{t[:30]}" for a, t, _ in THREATS])
def test_threats_are_caught_from_every_angle(detector, angle, text, target):
    assert threat(detector, text, target), detector.explain(text, target)


HARD_NEGATIVES = [
    "Kill the bill! Lucy, please vote against it on Tuesday",
    "We'll hang the banner at the stall on Saturday, Lucy",
    "I'd die for this party, honestly. Lucy you've given us hope",
    "The party got slaughtered in the polls this week Lucy",
    "Lucy, she killed it at hustings last night",
    "Lucy please shoot me an email with the surgery times",
    "Break a leg at the hustings tonight Lucy!!",
    "Knock them dead at the debate tonight Lucy!",
    "I could murder a pint after that canvass, Lucy",
    "Lucy, bite the bullet and back the rail electrification",
    "That policy is dead in the water and you know it, Lucy",
    "Hang on a minute Lucy, didn't you say the opposite last year?",
    "Lucy, my neighbour threatened to burn my house down. Please help",
    "Someone posted that you should be hanged, Lucy. I've reported it to the police",
    "I hope the voters bury you in May, Lucy",
    "Lucy you are a useless lying disgrace and should resign",
    "Lucy, the bus cuts are killing the villages",
    "Lucy I'll pay you a visit next week about the planning appeal, thanks",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_stay_clean(detector, text):
    assert not threat(detector, text), detector.explain(text, LUCY)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("h a n g  h e r", "hang her"),
        ("k.i.l.l her", "kill her"),
        ("haaaaang her", "hang her"),
        ("kiiiiilllll her", "kill her"),
        ("h4ng her", "hang her"),
        ("k1ll her", "kill her"),
        ("h@ng her", "hang her"),
        ("$tab her", "stab her"),
        ("k*ll her", "kill her"),
        ("i'll stabb her", "i will stab her"),
        ("she deservs to be hunged", "she deserves to be hanged"),
        ("ur gonna get it", "your going to get it"),
        ("s t a b her . i w i l l", "stab her . i will"),
    ],
)
def test_disguises_and_misspellings_are_undone(written, read):
    assert " ".join(canonical_tokens(written)) == read


@pytest.mark.parametrize(
    "text",
    [
        "h a n g  h e r",
        "H4NG HER",
        "haaaang her",
        "$tab Lucy",
        "k.i.l.l the mayor",
        "sh00t her in the he@d",
        "im gonna kil u lucy",
        "lucy deservs to be hunged",
        "s t a b  l u c y",
    ],
)
def test_disguised_threats_are_caught(detector, text):
    assert threat(detector, text), detector.explain(text, LUCY)


@pytest.mark.parametrize("text", ["Better luck next time Lucy", "Our business rates are a disgrace, Lucy"])
def test_ordinary_words_are_not_corrected_into_violence(detector, text):
    assert not threat(detector, text), detector.explain(text, LUCY)


# --- The lexicon and its {target} placeholder ------------------------------------------------------


def lexicon_only() -> Detector:
    return Detector.load(structure=False)


def test_the_shipped_string_up_phrases_became_one_target_phrase():
    threat_entries = IndicatorPhrase.objects.filter(category__code=THREAT)
    assert threat_entries.filter(text="string {target} up").exists()
    assert not threat_entries.filter(text__in=["string her up", "string him up", "string them up"]).exists()


@pytest.mark.parametrize("text", ["Someone should string Lucy up", "string her up", "STRING LUCY WARD UP!!"])
def test_a_target_phrase_catches_the_targets_names_and_pronouns(text):
    assert THREAT in lexicon_only().flag(text, LUCY)[0]


def test_a_target_phrase_matches_only_the_pronouns_set_on_the_complaint():
    assert THREAT not in lexicon_only().flag("string her up", OWEN)[0]
    assert THREAT in lexicon_only().flag("string him up", OWEN)[0]
    # With no pronouns set, any of he, she and they stands for the target.
    assert THREAT in lexicon_only().flag("string her up", Target.of(["Owen"], []))[0]


def test_an_officers_target_phrase_flags_in_its_category_with_its_severity():
    harassment = Category.objects.get(code="harassment")
    IndicatorPhrase.objects.create(category=harassment, text="{target} out", severity=3)
    categories, severity = lexicon_only().flag("L u c y   o u t", LUCY)
    assert ("harassment" in categories, severity) == (True, 3)
    assert lexicon_only().flag("Lucy out", Target()) == ([], 0)


def test_the_demos_missed_threat_is_caught_at_critical_severity(detector):
    categories, severity = detector.flag("Someone should string Lucy up for what she did today.", LUCY)
    assert categories[0] == THREAT and severity == 4
    assert baseline().flag("Someone should string Lucy up for what she did today.", LUCY) == ([], 0)


def test_answers_are_cached_per_text_and_target(detector):
    detector.flag("string Lucy up", LUCY)
    detector.flag("string Lucy up", LUCY)
    detector.flag("string Lucy up", OWEN)
    assert len(detector._flags) == 2


# --- Measured on the evaluation set --------------------------------------------------------------


def test_on_the_development_set_the_figures_measured_hold():
    """Measured by bench/detect_eval.py: recall 1.000, precision 1.000 (the rules were written against it)."""
    found = measure(Detector.load(), load(DEV))
    assert len(load(DEV)) == 419
    assert found.recall >= 1.00, [r["text"] for r in found.misses]
    assert found.precision >= 1.00, [r["text"] for r in found.false_alarms]


def test_on_the_development_set_the_detector_beats_the_shipped_lexicon():
    assert measure(baseline(), load(DEV)).recall < 0.25 < measure(Detector.load(), load(DEV)).recall


def test_the_extra_development_set_splits_the_same_way_every_time():
    tune, check = split(load(EXTRA_DEV))
    assert (len(tune), len(check)) == (246, 254)
    assert (sum(r["label"] == "threat" for r in tune), sum(r["label"] == "threat" for r in check)) == (109, 121)


def test_on_the_check_half_of_the_extra_development_set_the_figures_measured_hold():
    """Never tuned on. Measured by bench/detect_eval.py: detector recall 0.653, precision 0.898; the rules and
    lexicon alone 0.397 and 0.889; the classifier alone 0.438 and 0.946. The floors are those rounded down."""
    check = split(load(EXTRA_DEV))[1]
    found = measure(Detector.load(), check)
    assert found.recall >= 0.65 and found.precision >= 0.89
    rules_only = measure(Detector.load(learned=False), check)
    learned_only = measure(Detector(Lexicon([]), structure=False), check)
    assert rules_only.recall >= 0.39 and learned_only.recall >= 0.43
    assert found.recall > max(rules_only.recall, learned_only.recall)


def test_the_classifier_is_small_and_rebuilds_to_the_committed_model():
    assert classifier.PATH.stat().st_size < 1_000_000
    committed = json.loads(classifier.PATH.read_text(encoding="utf-8"))
    assert classifier.build() == committed


def test_on_the_held_out_set_the_figures_measured_once_at_the_end_hold():
    """Measured once, when the detector was final (bench/detect_eval.py): recall 0.840 and precision 0.926
    (100 of 119 threats caught, 8 false alarms); the rules and lexicon alone 0.731 and 0.946, the classifier
    alone 0.504 and 0.952, the lexicon as shipped 0.059 and 0.700. The floors are those figures rounded down."""
    rows = load(HELDOUT)
    found, old = measure(Detector.load(), rows), measure(baseline(), rows)
    assert (len(rows), found.tp + found.fn) == (281, 119)
    assert found.recall >= 0.84 and found.precision >= 0.92
    assert old.recall < 0.10 and found.recall > old.recall
