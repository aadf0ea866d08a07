"""Changing the login linked to a member is its own permission, which officers hold."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "officer": ["view_memberloginchange", "change_member_login"],
    "auditor": ["view_memberloginchange"],
}


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for codename in codenames:
            group.permissions.add(Permission.objects.get(content_type__app_label="complaints", codename=codename))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0015_member_login_change")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
