from django.db import migrations, models


def fill(apps, schema_editor):
    """A referral made on a case belongs to that case's complaint, and covers the case's threat items."""
    PoliceReferral = apps.get_model("complaints", "PoliceReferral")
    Evidence = apps.get_model("complaints", "Evidence")
    for referral in PoliceReferral.objects.select_related("case"):
        referral.complaint_id = referral.case.complaint_id
        referral.save(update_fields=["complaint"])
        referral.evidence.set(
            Evidence.objects.filter(case_id=referral.case_id, threat=True, created_at__lte=referral.recorded_at)
        )
    # Items flagged before the clock had its own column were flagged on upload.
    Evidence.objects.filter(threat=True, threat_since__isnull=True).update(threat_since=models.F("created_at"))
    Evidence.objects.update(machine_threat=models.F("threat"), machine_categories=models.F("categories"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0012_police_clock_and_classification")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
