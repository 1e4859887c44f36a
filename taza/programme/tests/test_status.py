"""The status rules of docs/programme.md, one test per rule, and the indicator forecast."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from taza.geo.models import Region
from taza.programme.models import Indicator, IndicatorValue, Measure
from taza.programme.status import (
    IndicatorStatus,
    MeasureStatus,
    PlanSnapshot,
    due_date,
    indicator_verdict,
    periods_of,
)
from taza.programme.tests.helpers import all_regions_report, put_report, put_target

pytestmark = pytest.mark.django_db

AFTER_2025 = date(2026, 3, 1)  # the 2025 annual reports are due on 10 January 2026


def verdict(number: int, region: str | None = None, as_of: date = AFTER_2025) -> Any:
    snap = PlanSnapshot.load(as_of)
    region_id = Region.objects.get(code=region).pk if region else None
    return snap.verdict(Measure.objects.get(number=number), region_id)


def test_reporting_periods_and_their_due_dates():
    measure = Measure.objects.get(number=4)  # 2025 to 2027, yearly
    assert periods_of(measure)[:3] == [(2025, "H1"), (2025, "Y"), (2026, "H1")]
    assert due_date(2025, "H1") == date(2025, 7, 10)
    assert due_date(2025, "Y") == date(2026, 1, 10)
    assert periods_of(Measure.objects.get(number=53)) == [(2026, "Y")]  # one-off in 2026


def test_a_measure_removed_from_control_says_when_and_why():
    found = verdict(45)
    assert found.status == MeasureStatus.REMOVED
    assert "2025-02-26" in found.reasons[0]
    assert not found.assessable


def test_a_measure_that_has_not_started_is_on_track_and_not_held_against_anyone():
    found = verdict(53, "KZ62")  # green school, 2026
    assert found.status == MeasureStatus.ON_TRACK
    assert not found.assessable
    assert "2027-01-10" in found.reasons[0]


def test_a_missing_report_for_the_latest_period_is_not_reported():
    found = verdict(6, "KZ62")
    assert found.status == MeasureStatus.NOT_REPORTED
    assert "No report for 2025 from Ulytau Region" in found.reasons[0]


def test_nationally_every_region_must_report_and_the_missing_ones_are_named():
    all_regions_report(10, 2025, "H1", assessment="in_progress")
    all_regions_report(10, 2025, "Y")
    Measure.objects.get(number=10).reports.filter(region__code="KZ62", period="Y").delete()
    found = verdict(10)
    assert found.status == MeasureStatus.NOT_REPORTED
    assert found.reasons == ("No report for 2025 from Ulytau Region.",)


def test_a_fact_below_the_regional_target_puts_the_measure_at_risk_with_the_figures():
    put_target(6, 2025, 1000, region="KZ62")
    put_report(6, region="KZ62", year=2025, period="H1", assessment="in_progress")
    put_report(6, region="KZ62", year=2025, fact=700)
    found = verdict(6, "KZ62")
    assert found.status == MeasureStatus.AT_RISK
    assert found.reasons[0] == "2025: 700 of 1,000 seedlings planned (70%)."


def test_a_fact_that_meets_the_target_is_on_track_and_says_so():
    put_target(6, 2025, 1000, region="KZ62")
    put_report(6, region="KZ62", year=2025, period="H1", assessment="in_progress")
    put_report(6, region="KZ62", year=2025, fact=1000)
    found = verdict(6, "KZ62")
    assert found.status == MeasureStatus.ON_TRACK
    assert "2025: 1,000 of 1,000 seedlings planned: met." in found.reasons


def test_a_target_with_no_fact_reported_is_at_risk():
    put_target(6, 2025, 1000, region="KZ62")
    put_report(6, region="KZ62", year=2025, period="H1", assessment="in_progress")
    put_report(6, region="KZ62", year=2025, assessment="in_progress")
    assert verdict(6, "KZ62").status == MeasureStatus.AT_RISK


def test_an_executor_reporting_not_done_puts_the_measure_at_risk():
    put_report(13, region="KZ62", year=2025, period="H1", assessment="in_progress")
    put_report(13, region="KZ62", year=2025, assessment="not_done")
    found = verdict(13, "KZ62")
    assert found.status == MeasureStatus.AT_RISK
    assert found.reasons == ("Reported not done by Ulytau Region.",)


def test_a_returned_report_does_not_count_and_a_submitted_one_is_marked_as_awaiting_review():
    put_report(13, region="KZ62", year=2025, period="H1", assessment="in_progress")
    put_report(13, region="KZ62", year=2025, status="returned")
    assert verdict(13, "KZ62").status == MeasureStatus.NOT_REPORTED
    put_report(13, region="KZ10", year=2025, period="H1", assessment="in_progress")
    put_report(13, region="KZ10", year=2025, status="submitted")
    found = verdict(13, "KZ10")
    assert found.status == MeasureStatus.ON_TRACK
    assert "Some of these reports still await an analyst's review." in found.reasons


def test_a_report_sent_after_the_day_in_question_is_not_seen_on_that_day():
    put_report(13, region="KZ62", year=2025, period="H1", assessment="in_progress")
    put_report(13, region="KZ62", year=2025, submitted=date(2026, 2, 20))
    assert verdict(13, "KZ62", as_of=date(2026, 2, 1)).status == MeasureStatus.NOT_REPORTED
    assert verdict(13, "KZ62", as_of=date(2026, 3, 1)).status == MeasureStatus.ON_TRACK


def test_a_one_off_measure_past_its_deadline_without_completion_is_overdue():
    found = verdict(5, "KZ62", as_of=date(2026, 2, 1))  # green-space inventory, 2025
    assert found.status == MeasureStatus.OVERDUE
    assert "2025-12-31" in found.reasons[0] and "Ulytau Region" in found.reasons[0]


def test_a_one_off_measure_reported_done_by_every_executor_is_done():
    put_report(5, region="KZ62", year=2025)
    assert verdict(5, "KZ62").status == MeasureStatus.DONE
    assert verdict(5).status == MeasureStatus.OVERDUE  # the other 19 regions have not


def test_a_one_off_measure_before_its_deadline_is_on_track():
    found = verdict(53, "KZ62", as_of=date(2026, 5, 1))
    assert found.status == MeasureStatus.ON_TRACK


def test_a_recurring_measure_whose_window_closed_is_done_when_met_and_overdue_when_not():
    # Measure 27 is the 2024–2025 academic year: a one-off due 30 June 2025.
    put_report(27, region="KZ62", year=2025, assessment="done")
    assert verdict(27, "KZ62").status == MeasureStatus.DONE
    # Measure 4 ran 2025–2027 with national targets of 5, 7 and 9 projects.
    at_the_end = date(2028, 2, 1)
    for year, fact in ((2027, 9),):
        put_report(4, body="MEPR", year=year, period="H1", assessment="in_progress")
        put_report(4, body="MEPR", year=year, fact=fact)
    all_regions_report(4, 2027, "H1", assessment="in_progress")
    all_regions_report(4, 2027, "Y")
    assert verdict(4, as_of=at_the_end).status == MeasureStatus.DONE
    Measure.objects.get(number=4).reports.filter(body__code="MEPR", period="Y").update(
        fact_value=Decimal(6)
    )
    found = verdict(4, as_of=at_the_end)
    assert found.status == MeasureStatus.OVERDUE
    assert "2027: 6 of 9" in found.reasons[0]


def test_the_national_fact_is_the_ministrys_when_given_otherwise_the_sum_of_the_regions():
    put_target(6, 2025, 100, region="KZ62")
    put_target(6, 2025, 100, region="KZ10")
    snap = PlanSnapshot.load(AFTER_2025)
    measure = Measure.objects.get(number=6)
    put_report(6, region="KZ62", fact=60)
    put_report(6, region="KZ10", fact=90)
    snap = PlanSnapshot.load(AFTER_2025)
    rows = snap.in_scope(measure, None)
    assert snap.fact(rows, None, 2025) == Decimal(150)
    assert snap.target(measure, None, 2025) == Decimal(200)
    put_report(6, body="MIO", fact=1234)
    snap = PlanSnapshot.load(AFTER_2025)
    assert snap.fact(snap.in_scope(measure, None), None, 2025) == Decimal(1234)


# -- indicators -------------------------------------------------------------------------


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def national(code: str) -> list[IndicatorValue]:
    return list(IndicatorValue.objects.filter(indicator__code=code, region=None))


def test_recycling_met_its_2024_plan_but_the_trend_falls_short_of_2029():
    found = indicator_verdict(indicator("D1-RECYCLED-MSW"), national("D1-RECYCLED-MSW"))
    assert found.status == IndicatorStatus.MET
    assert found.forecast == Decimal("35.2")  # 25.87 + 1.87 × 5
    assert found.ratio == Decimal("0.80")  # 1.87 a year against the 2.33 needed


def test_satisfaction_fell_below_plan_and_is_off_track():
    found = indicator_verdict(indicator("D3-SATISFACTION"), national("D3-SATISFACTION"))
    assert found.status == IndicatorStatus.OFF_TRACK
    assert found.ratio is not None and found.ratio < 0
    assert "51.8" in found.reasons[0]


def test_an_indicator_without_facts_has_no_data():
    found = indicator_verdict(indicator("D2-STUDENTS-ENGAGED"), national("D2-STUDENTS-ENGAGED"))
    assert found.status == IndicatorStatus.NO_DATA


def test_proeko_is_compared_by_count_when_the_share_is_not_given():
    found = indicator_verdict(indicator("D2-PROEKO"), national("D2-PROEKO"))
    assert found.status == IndicatorStatus.MET
    assert "38,744" in found.reasons[0]


def test_below_plan_but_on_pace_is_on_track_and_lower_is_better_is_honoured():
    ind = indicator("D2-STUDENTS-ENGAGED")
    values = [
        *national("D2-STUDENTS-ENGAGED"),
        IndicatorValue(indicator=ind, year=2024, kind="fact", value=Decimal(14)),
        IndicatorValue(indicator=ind, year=2025, kind="fact", value=Decimal("19.5")),
    ]
    # 5.5 a year against (40 - 14) / 5 = 5.2 needed: ratio 1.06.
    found = indicator_verdict(ind, values)
    assert found.status == IndicatorStatus.ON_TRACK
    assert found.ratio == Decimal("1.06")
    ind.higher_is_better = False  # then 19.5 against a plan of 20 meets it
    assert indicator_verdict(ind, values).status == IndicatorStatus.MET


def test_a_single_fact_below_plan_is_off_track_with_no_trend_claimed():
    ind = indicator("D2-STUDENTS-ENGAGED")
    values = [
        *national("D2-STUDENTS-ENGAGED"),
        IndicatorValue(indicator=ind, year=2024, kind="fact", value=Decimal(10)),
    ]
    found = indicator_verdict(ind, values)
    assert found.status == IndicatorStatus.OFF_TRACK
    assert "no trend" in found.reasons[-1]
