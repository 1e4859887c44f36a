"""Region scorecards: Wilson intervals, small-number guards, weights, and the lagging list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from taza.programme.models import RankingSettings
from taza.programme.scorecard import (
    Component,
    Scorecard,
    _score,
    lagging_regions,
    scorecards,
    wilson,
)
from taza.programme.tests.helpers import put_report, put_target

pytestmark = pytest.mark.django_db
AFTER_2025 = date(2026, 3, 1)


def test_wilson_interval_matches_the_textbook_values():
    low, high = wilson(1, 1)
    assert round(low, 4) == 0.2065 and high == 1.0
    low, high = wilson(45, 50)
    assert (round(low, 3), round(high, 3)) == (0.786, 0.957)
    assert wilson(0, 0) == (0.0, 1.0)


def test_one_quick_success_does_not_outrank_a_large_steady_record():
    def card(successes: int, cases: int) -> Scorecard:
        made = Scorecard(
            region=None, components=[Component("measures", successes, cases, 1, True)], verdicts={}
        )
        _score(made)
        return made

    lucky, steady = card(1, 1), card(45, 50)
    assert lucky.score == 1.0 > (steady.score or 0)
    assert (steady.low or 0) > (lucky.low or 0)  # ranked by the lower bound: steady first


def test_components_under_the_minimum_cases_are_left_out_and_the_region_may_go_unranked():
    settings = RankingSettings.objects.create(
        weight_measures=Decimal(0),
        weight_citizen_reports=Decimal(1),
        weight_reporting=Decimal(0),
        min_cases=5,
    )
    cards = scorecards(AFTER_2025, 2025)
    assert all(c.rank is None and c.score is None for c in cards)  # no citizen reports at all
    citizen = next(c for c in cards[0].components if c.key == "citizen_reports")
    assert not citizen.counted and "No cases in the year so far" in citizen.note
    settings.weight_measures = Decimal(1)
    settings.save()
    cards = scorecards(AFTER_2025, 2025)
    assert [c.rank for c in cards] == list(range(1, 21))


def test_liquidated_waste_sites_feed_the_scorecard(cast):
    from taza.sites.choices import SiteSource
    from taza.sites.services import Sighting, act, record_sighting

    def sites(code: str) -> Component:
        card = next(c for c in scorecards(date.today(), date.today().year) if c.region.code == code)
        return next(c for c in card.components if c.key == "sites")

    assert sites("KZ62").cases == 0
    made = [
        record_sighting(Sighting(lat=47.78 + n * 0.01, lon=67.71, source=SiteSource.RAID))[0]
        for n in range(6)
    ]
    assert sites("KZ62").cases == 6 and sites("KZ62").successes == 0
    from taza.reports.tests.images import photo_bytes, upload

    act(made[0], "liquidate", actor=cast.analyst, proof=upload(photo_bytes()))
    found = sites("KZ62")
    assert (found.successes, found.cases, found.counted) == (1, 6, True)


def test_campaign_events_with_accepted_results_feed_the_scorecard():
    from taza.demo.campaigns import generate_campaigns

    def campaigns(code: str) -> Component:
        card = next(c for c in scorecards(AFTER_2025, 2025) if c.region.code == code)
        return next(c for c in card.components if c.key == "campaigns")

    assert campaigns("KZ75").cases == 0
    generate_campaigns(seed=4, today=AFTER_2025)
    almaty = campaigns("KZ75")  # the city with the most appeals holds the most events
    assert almaty.cases >= 5 and almaty.successes == almaty.cases and almaty.counted
    from taza.campaigns.models import EventResult

    EventResult.objects.filter(event__region__code="KZ75").update(status="returned")
    assert campaigns("KZ75").successes == 0


def test_executor_reports_in_late_count_against_on_time_reporting():
    def reporting(code: str) -> Component:
        card = next(c for c in scorecards(AFTER_2025, 2025) if c.region.code == code)
        return next(c for c in card.components if c.key == "reporting")

    before = {code: reporting(code) for code in ("KZ62", "KZ10")}
    put_report(
        13,
        region="KZ62",
        year=2025,
        period="H1",
        assessment="in_progress",
        submitted=date(2025, 7, 1),
    )  # due 10 July: in time
    put_report(
        13,
        region="KZ10",
        year=2025,
        period="H1",
        assessment="in_progress",
        submitted=date(2025, 8, 30),
    )  # late
    ulytau, abai = reporting("KZ62"), reporting("KZ10")
    assert ulytau.cases == before["KZ62"].cases and abai.cases == before["KZ10"].cases
    assert ulytau.successes == before["KZ62"].successes + 1
    assert abai.successes == before["KZ10"].successes


def test_the_lagging_list_names_the_region_and_the_measures_that_put_it_there():
    put_target(7, 2025, 10, region="KZ19")
    put_report(7, region="KZ19", year=2025, period="H1", assessment="in_progress")
    put_report(7, region="KZ19", year=2025, fact=4, assessment="not_done")
    put_report(57, region="KZ19", year=2025, period="H1", assessment="in_progress")
    put_report(57, region="KZ19", year=2025, assessment="not_done")
    found = {item.card.region.code: item for item in lagging_regions(AFTER_2025, 2025)}
    almaty_region = found["KZ19"]
    assert [number for number, _v in almaty_region.measures][:2] == [5, 7] or 7 in [
        n for n, _v in almaty_region.measures
    ]
    reasons = dict(almaty_region.measures)
    assert reasons[7].reasons[0] == "2025: 4 of 10 systems planned (40%)."
    assert reasons[57].reasons == ("Reported not done by Almaty Region.",)
    # Regions with more lagging measures come first.
    counts = [len(item.measures) for item in lagging_regions(AFTER_2025, 2025)]
    assert counts == sorted(counts, reverse=True)
