"""The staff roles of API.md as groups with model permissions, so the admin respects them."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    ("conduct", ["codeversion", "category", "rule", "sanctiontype", "guidanceentry"]),
    ("members", ["region", "constituency", "member", "identity"]),
    ("complaints", ["complaint", "case", "evidence", "caseevent", "response", "decision", "sanction", "appeal",
                    "interimsuspension", "policereferral", "campaign", "conflictdeclaration"]),
]
ROLES = {
    "officer": {
        "view": VIEW_ALL,
        "add": [("complaints", ["case", "conflictdeclaration"]), ("members", ["member", "identity"])],
        "change": [("complaints", ["complaint", "case"]), ("members", ["member", "identity"]),
                   ("conduct", ["rule"])],
        "delete": [("members", ["identity"]), ("complaints", ["conflictdeclaration"])],
    },
    "panel": {
        "view": [("conduct", VIEW_ALL[0][1]), ("members", ["member", "constituency", "region"]),
                 ("complaints", ["complaint", "case", "evidence", "caseevent", "response", "decision", "sanction",
                                 "appeal", "campaign"])],
        "change": [("complaints", ["case"])],
    },
    "auditor": {
        "view": VIEW_ALL + [("audit", ["auditevent"])],
    },
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for verb, targets in grants.items():
            for app_label, models in targets:
                for model in models:
                    perms.append(Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{verb}_{model}"))
        group.permissions.set(perms)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0001_initial"),
        ("conduct", "0002_respect_and_unity_v1"),
        ("members", "0001_initial"),
        ("complaints", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
