"""The two call-log layouts shipped with the engine, and who may see and add mappings and files in the admin.

`asterisk-cdr`: the CDR export of Asterisk and FreePBX (columns calldate, src, duration,
disposition, userfield...). `office-phone-uk`: a UK office phone system's call history
(Caller ID, Call Start as dd/mm/yyyy hh:mm, Duration as h:mm:ss, Direction, Result, Notes).
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

MAPPINGS = [
    {
        "name": "asterisk-cdr",
        "description": "Asterisk / FreePBX CDR export (CSV with a header row)",
        "caller_column": "src",
        "start_column": "calldate",
        "start_format": "%Y-%m-%d %H:%M:%S",
        "time_zone": "Europe/London",
        "duration_column": "duration",
        "duration_unit": "seconds",
        "direction_column": "",
        "status_column": "disposition",
        "note_column": "userfield",
    },
    {
        "name": "office-phone-uk",
        "description": "UK office phone system call history (day/month/year times, h:mm:ss durations)",
        "caller_column": "Caller ID",
        "start_column": "Call Start",
        "start_format": "%d/%m/%Y %H:%M",
        "time_zone": "Europe/London",
        "duration_column": "Duration",
        "duration_unit": "clock",
        "direction_column": "Direction",
        "status_column": "Result",
        "note_column": "Notes",
    },
]

GRANTS = {
    "officer": ["view_evidencemapping", "add_evidencemapping", "view_evidencefile"],
    "auditor": ["view_evidencemapping", "view_evidencefile"],
}


def forwards(apps, schema_editor):
    EvidenceMapping = apps.get_model("complaints", "EvidenceMapping")
    for fields in MAPPINGS:
        EvidenceMapping.objects.get_or_create(name=fields["name"], defaults=fields)
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


def backwards(apps, schema_editor):
    apps.get_model("complaints", "EvidenceMapping").objects.filter(name__in=[m["name"] for m in MAPPINGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0018_evidence_sources")]
    operations = [migrations.RunPython(forwards, backwards)]
