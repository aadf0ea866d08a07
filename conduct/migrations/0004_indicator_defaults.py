"""The shipped indicator lexicon: phrases and patterns per category (officers edit it)."""
from django.db import migrations

PHRASES = {
    "threat_of_violence": [
        ("pattern", r"\bhang(ed|ing|s)?\b.*\b(you|her|him|them)\b|\b(you|her|him|they|she|he)\b.*\bhang\b"),
        ("phrase", "gallows"),
        ("phrase", "string her up"), ("phrase", "string him up"), ("phrase", "string them up"),
        ("pattern", r"\b(deserves?|ought|needs?) to be (shot|killed|hanged|stabbed|beaten)\b"),
        ("pattern", r"\b(i|we) (will|ll|are going to|gonna) (find|kill|hurt|get|shoot|stab) (you|her|him)\b"),
        ("pattern", r"\bwatch (your|her|his) back\b"),
        ("pattern", r"\bwe know where (you|she|he) (live|lives|work|works)\b|\bwe know where your (office|house|home)\b"),
        ("pattern", r"\b(kill|shoot|stab|burn|behead|lynch) (you|her|him|them)\b"),
        ("phrase", "you will regret it"),
    ],
    "antisemitism": [
        ("phrase", "pulls her strings"), ("phrase", "pulls his strings"), ("phrase", "pull the strings"),
        ("phrase", "foreign power"), ("phrase", "control the press"), ("phrase", "controls the press"),
        ("phrase", "control the media"), ("phrase", "the lobby pays"), ("phrase", "zionist lobby"),
        ("phrase", "rothschild"), ("phrase", "dual loyalty"),
    ],
    "racism": [("phrase", "go back to where you came from"), ("phrase", "[racist slur]"), ("phrase", "[racial slur]")],
    "islamophobia": [("phrase", "[islamophobic slur]"), ("phrase", "muslim invasion")],
    "misogyny": [
        ("phrase", "back to the kitchen"), ("phrase", "hysterical woman"), ("phrase", "[sexist slur]"),
        ("phrase", "stop crying"), ("phrase", "your tears"), ("phrase", "make me a sandwich"),
    ],
    "homophobia": [("phrase", "[homophobic slur]")],
    "transphobia": [("phrase", "[transphobic slur]")],
    "disablism": [("phrase", "[disablist slur]")],
    "harassment": [
        ("phrase", "resign now"), ("phrase", "never be left in peace"), ("phrase", "traitor"),
        ("phrase", "every day until you quit"), ("phrase", "get out of our party"), ("phrase", "scum"),
        ("phrase", "deselect her"), ("phrase", "deselect him"), ("phrase", "staged the walkout"),
    ],
    "doxxing": [
        ("pattern", r"\b(her|his|their) (home )?address is\b"), ("phrase", "here is her address"),
        ("phrase", "here is his address"),
    ],
    "abusive_language": [
        ("phrase", "disgrace"), ("phrase", "liar"), ("phrase", "pathetic stunt"), ("phrase", "[profanity]"),
        ("phrase", "embarrassment"), ("phrase", "idiot"), ("phrase", "moron"),
    ],
}


def forwards(apps, schema_editor):
    Category = apps.get_model("conduct", "Category")
    IndicatorPhrase = apps.get_model("conduct", "IndicatorPhrase")
    rows = []
    for code, entries in PHRASES.items():
        category = Category.objects.get(code=code)
        for kind, text in entries:
            rows.append(IndicatorPhrase(category=category, kind=kind, text=text))
    IndicatorPhrase.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    apps.get_model("conduct", "IndicatorPhrase").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("conduct", "0003_indicator_lexicon")]
    operations = [migrations.RunPython(forwards, backwards)]
