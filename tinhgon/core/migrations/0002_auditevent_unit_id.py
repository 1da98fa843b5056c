"""AuditEvent.unit becomes a plain unit id: same column (unit_id), same values, no foreign key.

Written by hand: the autodetector would drop the column and add a new one, losing every row's
unit. Here the foreign key constraint is dropped in place, then the field is renamed to the name
its column already has, so neither step moves data.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="unit",
            field=models.BigIntegerField(
                blank=True, db_column="unit_id", db_index=True, null=True, verbose_name="unit"
            ),
        ),
        migrations.RenameField(model_name="auditevent", old_name="unit", new_name="unit_id"),
        migrations.AlterField(
            model_name="auditevent",
            name="unit_id",
            field=models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="unit"),
        ),
    ]
