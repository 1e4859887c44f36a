"""The demo plan reports reproduce the lagging regions the Prime Minister named."""

from datetime import date

import pytest

from taza.demo.programme import generate_programme
from taza.programme.models import ExecutorReport, MeasureTarget
from taza.programme.scorecard import lagging_regions

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 21)


def test_the_demo_makes_almaty_region_ulytau_and_abai_lag_on_the_named_measures():
    made = generate_programme(seed=3, today=TODAY)
    assert made > 1000
    assert MeasureTarget.objects.filter(source="demo", year=2025).exists()
    lagging = {
        item.card.region.code: {n for n, _v in item.measures} for item in lagging_regions(TODAY)
    }
    assert {7, 57} <= lagging["KZ19"]  # irrigation and water saving; grants and NGO funding
    assert {3, 5, 13} <= lagging["KZ62"]  # water digitalisation; green inventory; fandomats
    assert {6, 48} <= lagging["KZ10"]  # green infrastructure; cultural events
    # Everything it wrote has an audit entry, and running it again adds nothing.
    from taza.audit.models import AuditEntry

    demo = ExecutorReport.objects.filter(source="demo")
    assert (
        AuditEntry.objects.filter(
            reason="Demo data set", content_type__model="executorreport"
        ).count()
        == demo.count()
    )
    assert generate_programme(seed=3, today=TODAY) == 0
    assert ExecutorReport.objects.filter(source="demo").count() == made
    # No report is dated after the day it was made for.
    assert not demo.filter(submitted_at__date__gt=TODAY).exists()
