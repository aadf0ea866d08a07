import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0013: PostgreSQL will not alter a table with row changes pending in the same transaction."""

    dependencies = [("complaints", "0013_referral_complaint_filled")]

    operations = [
        migrations.AlterField(
            model_name="policereferral",
            name="complaint",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="police_referrals", to="complaints.complaint"
            ),
        ),
    ]
