"""Whether an item type can be moved between units becomes data (it was the constant
rebalance.NOT_MOVABLE): a field, and the seeded connection's bandwidth marked not movable. The
version makes edits of an item type conditional, like the app's other rows."""

from django.db import migrations, models

# What the seed (0002) marks as bought for the place, never carried.
NOT_MOVABLE = ["bandwidth"]


def mark_not_movable(apps, schema_editor):
    ItemType = apps.get_model("equipment", "ItemType")
    ItemType.objects.filter(code__in=NOT_MOVABLE).update(movable=False)


def unmark(apps, schema_editor):
    # Backwards: the default again (what the rows were before), then the column goes away.
    ItemType = apps.get_model("equipment", "ItemType")
    ItemType.objects.filter(code__in=NOT_MOVABLE).update(movable=True)


class Migration(migrations.Migration):
    dependencies = [
        ("equipment", "0004_rebalance_runs"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemtype",
            name="movable",
            field=models.BooleanField(
                default=True,
                help_text="Untick for what is bought for the place and cannot be carried to another unit (a connection's bandwidth): rebalancing never transfers it.",
                verbose_name="can be moved between units",
            ),
        ),
        migrations.AddField(
            model_name="itemtype",
            name="version",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(mark_not_movable, unmark),
    ]
