"""Per-district rollups, kept apart from the per-region ones the country's figures sum."""

import django.db.models.deletion
from django.db import migrations, models


def mark_every_day_dirty(apps, schema_editor):
    """Mark every day that has rollups dirty, so the next refresh fills the districts'."""
    rollup = apps.get_model("reports", "ReportRollup")
    dirty = apps.get_model("reports", "DirtyDay")
    days = rollup.objects.values_list("day", flat=True).distinct()
    dirty.objects.bulk_create([dirty(day=day) for day in days], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("reports", "0005_followers"),
    ]

    operations = [
        migrations.CreateModel(
            name="DistrictRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0)),
                ("new", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("in_progress", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("disputed", models.PositiveIntegerField(default=0)),
                ("closed", models.PositiveIntegerField(default=0)),
                ("rejected", models.PositiveIntegerField(default=0)),
                ("overdue", models.PositiveIntegerField(default=0)),
                ("ever_disputed", models.PositiveIntegerField(default=0)),
                ("h00", models.PositiveIntegerField(default=0)),
                ("h01", models.PositiveIntegerField(default=0)),
                ("h02", models.PositiveIntegerField(default=0)),
                ("h03", models.PositiveIntegerField(default=0)),
                ("h04", models.PositiveIntegerField(default=0)),
                ("h05", models.PositiveIntegerField(default=0)),
                ("h06", models.PositiveIntegerField(default=0)),
                ("h07", models.PositiveIntegerField(default=0)),
                ("h08", models.PositiveIntegerField(default=0)),
                ("h09", models.PositiveIntegerField(default=0)),
                ("h10", models.PositiveIntegerField(default=0)),
                ("h11", models.PositiveIntegerField(default=0)),
                ("h12", models.PositiveIntegerField(default=0)),
                ("h13", models.PositiveIntegerField(default=0)),
                ("h14", models.PositiveIntegerField(default=0)),
                ("h15", models.PositiveIntegerField(default=0)),
                ("h16", models.PositiveIntegerField(default=0)),
                ("h17", models.PositiveIntegerField(default=0)),
                ("day", models.DateField()),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reports.servicecategory",
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="geo.district",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="geo.region",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["region", "day"], name="reports_dis_region__11627b_idx"),
                    models.Index(fields=["day"], name="reports_dis_day_7f89f6_idx"),
                ],
            },
        ),
        migrations.RunPython(mark_every_day_dirty, migrations.RunPython.noop),
    ]
