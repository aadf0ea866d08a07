"""Officers edit the indicator lexicon; panel members and auditors may read it."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "officer": ["view", "add", "change", "delete"],
    "panel": ["view"],
    "auditor": ["view"],
}


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("conduct")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, verbs in GRANTS.items():
        group = Group.objects.get(name=name)
        for verb in verbs:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="conduct", codename=f"{verb}_indicatorphrase"))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_evidence_signature"),
        ("complaints", "0002_roles"),
        ("conduct", "0004_indicator_defaults"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
