"""The console's queries have the indexes that serve them at national size."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reports_report'"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'reports_report' AND sql IS NOT NULL"
            )
        return dict(cursor.fetchall())


def test_the_open_queue_is_read_in_deadline_order_from_a_partial_index():
    definition = _indexes()["open_reports_by_deadline"].lower()
    assert "deadline_at" in definition and "where" in definition and "'disputed'" in definition


def test_the_word_search_is_served_by_trigrams_on_the_expression_it_uses():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's; SQLite scans, at its size")
    found = _indexes()
    # Django's icontains is UPPER(column) LIKE UPPER(%s): the index must be on upper().
    for column in ("address", "description"):
        definition = found[f"reports_report_{column}_upper_trgm"].lower()
        assert "gin_trgm_ops" in definition
        assert f"upper(({column})::text)" in definition or f"upper({column})" in definition
    assert "reports_report_address_trgm" not in found
