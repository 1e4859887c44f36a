"""Check results: refused when impossible, flagged when implausible, counted once.

Caught when reported twice, counted only once accepted; totals for any period and
territory, and their export.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from taza.campaigns.choices import ResultStatus
from taza.campaigns.models import EventResult
from taza.campaigns.services import (
    CampaignError,
    ResultInput,
    register,
    review_result,
    submit_result,
)
from taza.campaigns.tests.helpers import make_over, new_event
from taza.campaigns.totals import to_csv, to_xlsx, totals
from taza.conftest import make_user
from taza.geo.models import Region
from taza.reports.tests.images import photo_bytes, upload

pytestmark = pytest.mark.django_db

GOOD = ResultInput(
    participants=120,
    volunteers=45,
    tonnes_collected=Decimal("3.5"),
    tonnes_plastic=Decimal("0.4"),
    tonnes_metal=Decimal("0.1"),
    hectares_cleaned=Decimal("12.5"),
    trees_planted=300,
)


def held(organiser: Any, **changes: Any) -> Any:
    return make_over(new_event(organiser, **changes))


def test_a_plausible_result_is_submitted_without_flags_and_counted_once_accepted(cast):
    event = held(cast.executor)
    result = submit_result(event, GOOD, actor=cast.executor)
    assert (result.status, result.flags) == (ResultStatus.SUBMITTED, [])
    assert totals().figures["participants"] == 0
    assert totals().awaiting_review == 1
    review_result(result, actor=cast.analyst, accept=True)
    figures = totals().figures
    assert figures["participants"] == 120 and figures["volunteers"] == 45
    assert figures["tonnes_collected"] == Decimal("3.500")
    assert figures["tonnes_recycled"] == Decimal("0.500")
    assert figures["hectares_cleaned"] == Decimal("12.50")
    assert figures["trees_planted"] == 300 and figures["events"] == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"volunteers": 121}, "cannot be more of them"),
        ({"participants": 0, "volunteers": 0}, "at least one participant"),
        ({"tonnes_plastic": Decimal("5")}, "More waste cannot be recycled"),
        ({"tonnes_collected": Decimal("-1")}, "cannot be negative"),
        ({"trees_planted": 10**10}, "too large"),
    ],
)
def test_impossible_figures_are_refused(cast, changes, message):
    event = held(cast.executor)
    data = ResultInput(**{**GOOD.__dict__, **changes})
    with pytest.raises(CampaignError, match=message):
        submit_result(event, data, actor=cast.executor)
    assert not EventResult.objects.exists()


def test_implausible_figures_are_flagged_not_summed_silently(cast):
    event = held(cast.executor, capacity=10)
    region_ha = Region.objects.get(code="KZ71").area_km2 * 100
    data = ResultInput(
        participants=40,
        volunteers=10,
        tonnes_collected=Decimal("60"),  # 1.5 t each
        hectares_cleaned=Decimal(str(round(region_ha * 10))),  # more than Astana's whole area
        trees_planted=5000,  # 125 each
    )
    result = submit_result(event, data, actor=cast.executor)
    text = " ".join(result.flags)
    assert len(result.flags) == 4
    assert "1500 kg of waste per participant" in text
    assert "more than the whole area of" in text
    assert "more than 50 each" in text
    assert "40 participants at an event with 10 places" in text
    with pytest.raises(CampaignError, match="say why you accept"):
        review_result(result, actor=cast.analyst, accept=True)
    review_result(result, actor=cast.analyst, accept=False, comment="Проверьте тонны и гектары")
    assert totals().figures["tonnes_collected"] == 0


def test_fewer_participants_than_people_who_came_is_flagged(cast):
    from taza.campaigns.services import confirm_attendance

    event = new_event(cast.executor)
    people = [make_user(f"came{n}") for n in range(3)]
    for person in people:
        register(event, user=person)
    make_over(event)
    confirm_attendance(
        event, list(event.registrations.values_list("pk", flat=True)), actor=cast.executor
    )
    result = submit_result(event, ResultInput(participants=2, volunteers=2), actor=cast.executor)
    assert result.flags == ["Fewer participants (2) than registered people who came (3)."]


def test_the_same_event_reported_twice_is_caught(cast):
    first = held(cast.executor)
    result = submit_result(first, GOOD, actor=cast.executor)
    review_result(result, actor=cast.analyst, accept=True)
    # Sending again for the same event: refused once accepted.
    with pytest.raises(CampaignError, match="already reported and accepted"):
        submit_result(first, GOOD, actor=cast.executor)
    # The same figures for a second event at the same place and day: flagged.
    twin = held(cast.executor, title="Сенбілік (повтор)")
    twin_result = submit_result(twin, GOOD, actor=cast.executor)
    assert any(
        f"event №{first.pk}" in flag and "reported twice" in flag for flag in twin_result.flags
    )
    assert EventResult.objects.count() == 2


def test_only_the_organiser_reports_and_only_after_the_event(cast):
    event = new_event(cast.executor)
    with pytest.raises(CampaignError, match="after the event has ended"):
        submit_result(event, GOOD, actor=cast.executor)
    make_over(event)
    with pytest.raises(PermissionDenied):
        submit_result(event, GOOD, actor=cast.citizen)
    with pytest.raises(PermissionDenied):
        review_result(
            submit_result(event, GOOD, actor=cast.executor), actor=cast.executor, accept=True
        )


def test_photos_are_cleaned_like_report_photos(cast):
    event = held(cast.executor)
    data = ResultInput(**{**GOOD.__dict__, "photos": [upload(photo_bytes())]})
    result = submit_result(event, data, actor=cast.executor)
    assert result.photos.count() == 1
    with pytest.raises(CampaignError, match="not a photo"):
        submit_result(
            event,
            ResultInput(**{**GOOD.__dict__, "photos": [io.BytesIO(b"not an image at all")]}),
            actor=cast.executor,
        )


def test_totals_by_period_territory_and_month_and_the_exports(cast):
    astana = held(cast.executor)
    review_result(submit_result(astana, GOOD, actor=cast.executor), actor=cast.analyst, accept=True)
    ulytau = held(cast.executor, lat=47.78, lon=67.71, title="Жезқазған сенбілігі")  # Jezkazgan
    small = ResultInput(participants=30, volunteers=30, tonnes_collected=Decimal("1"))
    review_result(
        submit_result(ulytau, small, actor=cast.executor), actor=cast.analyst, accept=True
    )
    everything = totals()
    assert everything.figures["participants"] == 150
    assert [r.code for r, _f in everything.by_region] == ["KZ71", "KZ62"]
    assert totals(region=Region.objects.get(code="KZ62")).figures["participants"] == 30
    assert totals(until=date(2020, 1, 1)).figures["events"] == 0
    assert sum(f["participants"] for _m, f in everything.by_month) == 150
    rows = list(csv.reader(io.StringIO(to_csv(everything))))
    assert rows[0][:3] == ["Region", "events", "participants"]
    assert rows[-1][:3] == ["Total", "2", "150"]
    sheet = load_workbook(io.BytesIO(to_xlsx(everything))).worksheets[0]
    assert sheet.cell(sheet.max_row, 3).value == 150


def test_the_demo_reproduces_the_seeds_2025_totals():
    from taza.demo.campaigns import MARCH_OF_PARKS_2025, WORLD_CLEANUP_DAY_2025, generate_campaigns

    generate_campaigns(seed=7, today=date(2026, 11, 21))
    year = totals(since=date(2025, 1, 1), until=date(2025, 12, 31)).figures
    assert year["events"] == 1294
    assert year["participants"] == 6_900_000
    assert year["tonnes_collected"] == Decimal("844000.000")
    assert year["hectares_cleaned"] == Decimal("1100000.00")
    assert year["trees_planted"] == 2_900_000
    wcd = totals(
        since=date(2025, 1, 1), until=date(2025, 12, 31), campaign_kind="world_cleanup_day"
    )
    parks = totals(since=date(2025, 1, 1), until=date(2025, 12, 31), campaign_kind="march_of_parks")
    assert wcd.figures["participants"] == WORLD_CLEANUP_DAY_2025
    assert parks.figures["participants"] == MARCH_OF_PARKS_2025
    # And none of the demo figures would have been flagged.
    assert generate_campaigns(seed=7) == 0
