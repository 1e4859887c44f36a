"""Serve the console's open queue and its word search from indexes at national size.

The open queue, nearest deadline first, reads 50 rows of a partial index instead of
sorting every open report. The word search is ``UPPER(column) LIKE UPPER('%word%')``
(Django's ``icontains``), which the trigram indexes of 0009, built on the bare columns,
never served: at 300,000 reports PostgreSQL read every row (170 ms for a count). They
are rebuilt on ``upper(column)``, the expression the query uses (0.2 ms). SQLite, the
embedded default, takes the partial index and needs no trigrams.
"""

from django.db import migrations, models

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "DROP INDEX IF EXISTS reports_report_description_trgm",
    "DROP INDEX IF EXISTS reports_report_address_trgm",
    "CREATE INDEX IF NOT EXISTS reports_report_description_upper_trgm "
    "ON reports_report USING gin (upper(description::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS reports_report_address_upper_trgm "
    "ON reports_report USING gin (upper(address::text) gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS reports_report_description_upper_trgm",
    "DROP INDEX IF EXISTS reports_report_address_upper_trgm",
    "CREATE INDEX IF NOT EXISTS reports_report_description_trgm "
    "ON reports_report USING gin (description gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS reports_report_address_trgm "
    "ON reports_report USING gin (address gin_trgm_ops)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_assigned_crew")]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("state__in", ["new", "accepted", "in_progress", "disputed"])),
                fields=["deadline_at", "created_at", "id"],
                name="open_reports_by_deadline",
            ),
        ),
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
