"""Ship the "Respect and Unity" code, version 1, as data: categories, rules, the
sanction ladder and the published guidance matrix."""
import datetime as dt

from django.db import migrations

LOW, MEDIUM, HIGH, CRITICAL = 1, 2, 3, 4

# code, name, default severity, discriminatory
CATEGORIES = [
    ("threat_of_violence", "Threat of violence", CRITICAL, False),
    ("antisemitism", "Antisemitism", HIGH, True),
    ("racism", "Racism", HIGH, True),
    ("islamophobia", "Islamophobia", HIGH, True),
    ("misogyny", "Misogyny", HIGH, True),
    ("homophobia", "Homophobia", HIGH, True),
    ("transphobia", "Transphobia", HIGH, True),
    ("disablism", "Disablism", HIGH, True),
    ("harassment", "Harassment and intimidation", MEDIUM, False),
    ("doxxing", "Doxxing (publishing personal information)", HIGH, False),
    ("abusive_language", "Abusive language", LOW, False),
    ("other", "Other conduct", LOW, False),
]

# number, title, text, category
RULES = [
    (1, "No threats of violence",
     "Members must never threaten, incite or celebrate violence against any person, in person, online or by any "
     "other means.", "threat_of_violence"),
    (2, "No antisemitism",
     "Members must not engage in antisemitic conduct, including conspiracy theories about Jewish people, holding "
     "Jewish people collectively responsible for the actions of a state, or questioning their loyalty.",
     "antisemitism"),
    (3, "No racism",
     "Members must not engage in conduct that is racist or that demeans people because of their race, colour, "
     "nationality or ethnic origin.", "racism"),
    (4, "No Islamophobia",
     "Members must not engage in conduct that expresses hostility or prejudice towards Muslims or Islam.",
     "islamophobia"),
    (5, "No misogyny or sexism",
     "Members must not engage in conduct that demeans, belittles or intimidates people because of their sex.",
     "misogyny"),
    (6, "No homophobia",
     "Members must not engage in conduct that is hostile to people because of their sexual orientation.",
     "homophobia"),
    (7, "No transphobia",
     "Members must not engage in conduct that is hostile to people because of their gender identity.",
     "transphobia"),
    (8, "No disablism",
     "Members must not engage in conduct that demeans people because of disability.", "disablism"),
    (9, "No harassment or intimidation",
     "Members must not harass, bully or intimidate any person, including by repeated or coordinated messages "
     "intended to force them from office or from the party.", "harassment"),
    (10, "Respect privacy",
     "Members must not publish or share another person's private information (address, telephone, workplace or "
     "family details) without consent.", "doxxing"),
    (11, "Debate with respect",
     "Members must not use abusive, insulting or degrading language towards any person, including fellow members "
     "and elected representatives.", "abusive_language"),
    (12, "Uphold the party's standards",
     "Members must not act in a way that is grossly detrimental to the party or that brings it into disrepute.",
     "other"),
]

# code, name, level, max_duration_days, fixed_term, needs_full_panel, bars_rejoining
LADDER = [
    ("no_further_action", "No further action", 0, None, False, False, False),
    ("reminder", "Reminder of conduct", 1, None, False, False, False),
    ("formal_warning", "Formal warning", 2, None, False, False, False),
    ("conditions", "Conditions (apology, removal of content, mandatory training)", 3, None, False, False, False),
    ("suspension_office", "Suspension from office or candidacy", 4, 365, True, True, False),
    ("suspension_membership", "Suspension of membership", 5, 365, True, True, False),
    ("expulsion", "Expulsion", 6, None, False, True, True),
]

# severity -> (range with no prior sanction, with one, with two or more), as ladder levels
GUIDANCE = {
    LOW: ((0, 1), (1, 2), (2, 3)),
    MEDIUM: ((1, 3), (2, 4), (3, 5)),
    HIGH: ((2, 5), (3, 5), (4, 6)),
    CRITICAL: ((5, 6), (5, 6), (6, 6)),
}
PRIORS = ("none", "one", "several")


def forwards(apps, schema_editor):
    CodeVersion = apps.get_model("conduct", "CodeVersion")
    Category = apps.get_model("conduct", "Category")
    Rule = apps.get_model("conduct", "Rule")
    SanctionType = apps.get_model("conduct", "SanctionType")
    GuidanceEntry = apps.get_model("conduct", "GuidanceEntry")

    version = CodeVersion.objects.create(version=1, title="Respect and Unity", in_force_from=dt.date(2016, 6, 1))
    categories = {}
    for code, name, severity, discriminatory in CATEGORIES:
        categories[code] = Category.objects.create(
            code=code, name=name, default_severity=severity, discriminatory=discriminatory
        )
    for number, title, text, category in RULES:
        cat = categories[category]
        Rule.objects.create(
            code_version=version, code=f"RU{number}", number=number, title=title, text=text, category=cat,
            severity=cat.default_severity,
        )
    by_level = {}
    for code, name, level, max_days, fixed, full_panel, bars in LADDER:
        by_level[level] = SanctionType.objects.create(
            code=code, name=name, level=level, max_duration_days=max_days, fixed_term=fixed,
            needs_full_panel=full_panel, bars_rejoining=bars,
        )
    rows = []
    for cat in categories.values():
        for severity, ranges in GUIDANCE.items():
            for prior, (low, high) in zip(PRIORS, ranges):
                rows.append(GuidanceEntry(
                    category=cat, severity=severity, prior_record=prior,
                    min_sanction=by_level[low], max_sanction=by_level[high],
                ))
    GuidanceEntry.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    for model in ("GuidanceEntry", "Rule", "SanctionType", "Category", "CodeVersion"):
        apps.get_model("conduct", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("conduct", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
