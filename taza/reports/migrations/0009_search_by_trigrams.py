"""Index the words of reports' descriptions and addresses for the console's search.

A search for a word is ``ILIKE '%word%'``, which no ordinary index serves: at 300,000
reports PostgreSQL read them all. Trigram indexes (pg_trgm, shipped with PostgreSQL)
serve it. SQLite, the embedded default, has no such index and needs none at its size.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS reports_report_description_trgm "
    "ON reports_report USING gin (description gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS reports_report_address_trgm "
    "ON reports_report USING gin (address gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS reports_report_description_trgm",
    "DROP INDEX IF EXISTS reports_report_address_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_internal_notes_and_assignees")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
