"""Indexes for the auditors' sanction register (GET /api/audit/sanctions/).

The register is read newest first, a page at a time; its status and in-force filters
are read off the ordering index itself, "in force on D" has its own index, and the
rule and category filters read a rule's or category's sanctions off the join tables.
"""

from django.db import migrations, models

THROUGH_INDEXES = [
    ("sanction_rules_rule_idx", "complaints_sanction_rules", "rule_id"),
    ("sanction_categories_category_idx", "complaints_sanction_categories", "category_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_appeal_confirmation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="sanction",
            index=models.Index(
                fields=["-imposed_on", "-id", "status", "starts_on", "ends_on", "revoked_on"],
                name="sanction_register_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="sanction", name="sanction_register_order_idx"),
        migrations.AddIndex(
            model_name="sanction",
            index=models.Index(
                condition=~models.Q(status="pending"),
                fields=["starts_on", "ends_on", "revoked_on"],
                name="sanction_in_force_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="sanction",
            index=models.Index(
                condition=models.Q(departed_from_guidance=True),
                fields=["-imposed_on", "-id"],
                name="sanction_departed_idx",
            ),
        ),
        # Django creates the many-to-many tables (and their (sanction, x) indexes) itself;
        # these are the (x, sanction) indexes the register's rule and category filters read.
        *[
            migrations.RunSQL(
                f"CREATE INDEX {name} ON {table} ({column}, sanction_id)",
                f"DROP INDEX {name}",
            )
            for name, table, column in THROUGH_INDEXES
        ],
    ]
