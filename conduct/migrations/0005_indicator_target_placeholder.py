"""The shipped threat entries name the complaint's target with {target} where that reads better.

"string her up", "string him up" and "string them up" become one "string {target} up",
which also catches "string Lucy up"; the patterns that listed pronouns name {target}
instead. The hanging pattern matched "hang" anywhere before "you": it flagged "Hang on a
minute, didn't you say...", "can you hang the posters?" and reports of someone else's
threat; it now needs the target hanged or said to hang.
"""

from django.db import migrations

THREAT = "threat_of_violence"
REMOVED = [
    ("phrase", "string her up"),
    ("phrase", "string him up"),
    ("phrase", "string them up"),
]
ADDED = [("phrase", "string {target} up")]
CHANGED = [
    (
        "pattern",
        r"\bhang(ed|ing|s)?\b.*\b(you|her|him|them)\b|\b(you|her|him|they|she|he)\b.*\bhang\b",
        r"\bhang(s|ing)? {target}\b|\b{target} (should|will|must|deserves to|needs to|is going to|are going to) "
        r"hang\b(?! (the|a|an|our|your|some|up|on|around|about|out|in|back|together)\b)",
    ),
    (
        "pattern",
        r"\b(kill|shoot|stab|burn|behead|lynch) (you|her|him|them)\b",
        r"\b(kill|shoot|stab|burn|behead|lynch) {target}\b",
    ),
    (
        "pattern",
        r"\b(i|we) (will|ll|are going to|gonna) (find|kill|hurt|get|shoot|stab) (you|her|him)\b",
        r"\b(i|we) (will|ll|are going to|am going to|gonna) (find|kill|hurt|get|shoot|stab) {target}\b",
    ),
    (
        "pattern",
        r"\bwe know where (you|she|he) (live|lives|work|works)\b|\bwe know where your (office|house|home)\b",
        r"\b(i|we) know where ({target}|she|he) (live|lives|work|works)\b|\b(i|we) know where your (office|house|home)\b",
    ),
]


def _swap(apps, removed, added, changed):
    Category = apps.get_model("conduct", "Category")
    IndicatorPhrase = apps.get_model("conduct", "IndicatorPhrase")
    threat = Category.objects.filter(code=THREAT).first()
    if threat is None:
        return
    for kind, text in removed:
        IndicatorPhrase.objects.filter(category=threat, kind=kind, text=text).delete()
    for kind, text in added:
        IndicatorPhrase.objects.get_or_create(category=threat, kind=kind, text=text)
    for kind, old, new in changed:
        if not IndicatorPhrase.objects.filter(category=threat, kind=kind, text=new).exists():
            IndicatorPhrase.objects.filter(category=threat, kind=kind, text=old).update(text=new)


def forwards(apps, schema_editor):
    _swap(apps, REMOVED, ADDED, CHANGED)


def backwards(apps, schema_editor):
    _swap(apps, ADDED, REMOVED, [(kind, new, old) for kind, old, new in CHANGED])


class Migration(migrations.Migration):
    dependencies = [("conduct", "0004_indicator_defaults")]
    operations = [migrations.RunPython(forwards, backwards)]
