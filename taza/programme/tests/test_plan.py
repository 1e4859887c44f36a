"""The shipped plan is the seed's plan: every measure, deadline, executor and value."""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from taza.bodies.models import Body
from taza.programme.build_plan import (
    PLAN_FILE,
    build_from,
    dump,
    parse_deadline,
    split_executors,
)
from taza.programme.choices import ReportSource
from taza.programme.models import (
    Direction,
    ExecutorReport,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureTarget,
)
from taza.programme.plan import load_plan
from taza.programme.seed import one_line, read_seed

SHARED = Path(
    os.environ.get("TAZA_SHARED_DIR", Path(__file__).resolve().parents[3].parent / "shared")
)
SEED = SHARED / "seeds" / "003_78137aa8f79b4987.txt"
PROGRESS_2025 = SHARED / "seeds" / "002_ebe7a5a48bb5596c.txt"

needs_seed = pytest.mark.skipif(
    not SEED.exists(), reason="the seed documents are not beside the repo"
)


@pytest.fixture(scope="module")
def seed():
    return read_seed(SEED)


@needs_seed
def test_the_shipped_plan_is_exactly_what_the_seed_and_the_review_give():
    assert dump(build_from(SEED)) == PLAN_FILE.read_text(encoding="utf-8")


@needs_seed
def test_the_seed_has_three_directions_and_sixty_measures(seed):
    assert [d.number for d in seed.directions] == [1, 2, 3]
    assert [m.number for m in seed.measures] == list(range(1, 61))
    assert all(len(m.cells) == 5 for m in seed.measures)
    assert {m.direction for m in seed.measures if m.number <= 22} == {1}
    assert {m.direction for m in seed.measures if 23 <= m.number <= 39} == {2}
    assert {m.direction for m in seed.measures if m.number >= 40} == {3}


@needs_seed
@pytest.mark.django_db
def test_every_measure_in_the_database_carries_the_seeds_wording(seed):
    stored = {m.number: m for m in Measure.objects.prefetch_related("executors__body")}
    assert len(stored) == 60
    assert Direction.objects.count() == 3
    for item in seed.measures:
        measure = stored[item.number]
        name, form, deadline, executors, _progress = item.cells
        assert measure.name_ru == one_line(name)
        assert measure.deadline_wording == one_line(deadline)
        assert measure.executors_wording == one_line(executors)
        # The form is the seed's, except where the cell holds targets instead (flagged).
        assert measure.form_ru in (one_line(form), "")
        if not measure.form_ru:
            assert any("form" in note for note in measure.notes), item.number
        assert measure.name_kk and measure.name_en, item.number
        lead = [e for e in measure.executors.all() if e.is_lead]
        assert len(lead) == 1
        assert lead[0].wording == one_line(executors).split(",")[0].strip()


@needs_seed
@pytest.mark.django_db
def test_the_four_indicators_and_all_their_yearly_values_come_from_the_seed(seed):
    indicators = {i.code: i for i in Indicator.objects.all()}
    assert set(indicators) == {
        "D1-RECYCLED-MSW",
        "D2-STUDENTS-ENGAGED",
        "D2-PROEKO",
        "D3-SATISFACTION",
    }
    wording = {d.number: d.indicators_text for d in seed.directions}
    progress_2025 = PROGRESS_2025.read_text(encoding="utf-8")
    values = IndicatorValue.objects.filter(region=None).select_related("indicator__direction")
    counts = dict.fromkeys(indicators, 0)
    for value in values:
        counts[value.indicator.code] += 1
        source = (
            progress_2025 if value.source == "002" else wording[value.indicator.direction.number]
        )
        assert value.quote in re.sub(r"\s+", " ", source), value.quote
        numbers = [
            Decimal(n.replace(" ", "").replace(",", "."))
            for n in re.findall(r"\d[\d ]*(?:,\d+)?", value.quote)
        ]
        if value.value is not None:
            assert value.value in numbers, (value.quote, value.value)
        if value.count is not None:
            assert Decimal(value.count) in numbers, (value.quote, value.count)
    assert counts == {
        "D1-RECYCLED-MSW": 8,  # 2023 fact, 2024 plan and fact, 2025–2029 plans
        "D2-STUDENTS-ENGAGED": 6,  # 2024–2029 plans
        "D2-PROEKO": 7,  # 2024 fact, 2025–2029 plans, 2025 fact from the progress report
        "D3-SATISFACTION": 8,
    }
    proeko_2027 = IndicatorValue.objects.get(indicator__code="D2-PROEKO", year=2027, kind="plan")
    assert (proeko_2027.value, proeko_2027.count) == (Decimal("9.000"), 71610)


@pytest.mark.django_db
def test_measure_24_keeps_both_2025_figures_flagged_and_uses_the_first():
    measure = Measure.objects.get(number=24)
    assert any("2025 is listed twice" in note for note in measure.notes)
    targets = dict(
        MeasureTarget.objects.filter(measure=measure, region=None).values_list("year", "value")
    )
    assert targets == {
        2024: Decimal(77),
        2025: Decimal(81),
        2026: Decimal(89),
        2027: Decimal(93),
        2028: Decimal(97),
        2029: Decimal(100),
    }


@pytest.mark.django_db
def test_quantitative_targets_deadlines_and_executors_are_structured():
    measures = {m.number: m for m in Measure.objects.prefetch_related("executors__body")}
    targets = {
        (t.measure.number, t.year): t.value
        for t in MeasureTarget.objects.filter(region=None).select_related("measure")
    }
    assert [targets[(4, y)] for y in (2025, 2026, 2027)] == [5, 7, 9]
    assert [targets[(26, y)] for y in (2026, 2027, 2028, 2029)] == [125] * 4
    assert targets[(8, 2029)] == 6
    assert (measures[4].first_year, measures[4].last_year) == (2025, 2027)
    assert measures[14].deadline_kind == "relative"
    assert measures[14].due == date(2024, 12, 31)  # two months after 31 October 2024
    assert measures[16].due == date(2025, 4, 30)
    assert measures[40].deadline_kind == "quarterly"
    assert (measures[30].deadline_kind, measures[30].due) == ("academic_year", date(2028, 6, 30))
    assert measures[45].removed_on == date(2025, 2, 26)
    assert "21-07/02-716" in measures[45].removed_note_ru
    agreed = {e.body.code: e.by_agreement for e in measures[39].executors.all()}
    assert agreed == {"ADGS": True, "ACADEMY-PA": True}
    groups = {e.body.code: e.by_agreement for e in measures[41].executors.all()}
    assert groups["MIO"] is False and groups["NGOS"] is groups["MUSEUMS"] is True
    assert [e.body.code for e in measures[12].executors.all()] == ["AKIMAT-KZ75", "MEPR", "MKI"]


@needs_seed
def test_every_abbreviation_in_the_plans_footnote_is_a_known_body(seed):
    codes = {
        b["abbr"][1]
        for b in __import__("json").loads(
            (
                Path(__file__).resolve().parents[2] / "bodies" / "data" / "national_bodies.json"
            ).read_text()
        )["bodies"]
    }
    assert set(seed.abbreviations) <= codes


@pytest.mark.parametrize(
    ("wording", "kind", "first", "last", "due"),
    [
        ("ежегодно", "annual", 2024, 2029, "2029-12-31"),
        ("ежегодно, на постоянной основе", "annual", 2024, 2029, "2029-12-31"),
        ("2027 – 2029 годы, ежегодно", "annual", 2027, 2029, "2029-12-31"),
        ("ежеквартально", "quarterly", 2024, 2029, "2029-12-31"),
        ("2025 год", "year", 2025, 2025, "2025-12-31"),
        ("апрель\n2025 год", "month", 2025, 2025, "2025-04-30"),
        ("декабрь 2024 года", "month", 2024, 2024, "2024-12-31"),
        ("2024 – 2025 учебный год", "academic_year", 2024, 2025, "2025-06-30"),
        ("до 2029 года", "until", 2024, 2029, "2029-12-31"),
        (
            "в течение двух месяцев со дня утверждения настоящей Концепции",
            "relative",
            2024,
            2024,
            "2024-12-31",
        ),
        ("2025 год – 5, 2026 год – 7,\n2027 год – 9", "annual", 2025, 2027, "2027-12-31"),
    ],
)
def test_deadline_wordings_are_read_into_structure(wording, kind, first, last, due):
    parsed = parse_deadline(wording, first=2024, last=2029, approved=date(2024, 10, 31))
    assert (parsed["kind"], parsed["first_year"], parsed["last_year"], parsed["due"]) == (
        kind,
        first,
        last,
        due,
    )


def test_an_unreadable_deadline_or_unknown_executor_stops_the_build():
    with pytest.raises(ValueError, match="Cannot read the deadline"):
        parse_deadline("когда-нибудь", first=2024, last=2029, approved=date(2024, 10, 31))
    with pytest.raises(ValueError, match="Unknown executor"):
        split_executors("МЭПР, Министерство чудес")


@pytest.mark.django_db
def test_the_published_reports_are_imported_once_and_loading_again_changes_nothing():
    published = ExecutorReport.objects.filter(source=ReportSource.PUBLISHED)
    # 2024 notes of measures running in 2024, less measure 20 whose note is empty.
    national_2024 = published.filter(year=2024, region=None)
    assert national_2024.count() == Measure.objects.filter(first_year__lte=2024).count() - 1
    assert not national_2024.filter(measure__number=20).exists()
    abai = published.get(measure__number=6, region__code="KZ10", year=2024)
    assert (abai.fact_value, abai.assessment) == (Decimal(63670), "done")
    jambyl = published.get(measure__number=6, region__code="KZ31", year=2024)
    assert (jambyl.fact_value, jambyl.assessment) == (Decimal(176600), "not_done")
    regional_plans_14 = published.filter(measure__number=14, year=2024)
    assert regional_plans_14.filter(assessment="done").count() == 16
    assert set(
        regional_plans_14.filter(assessment="not_done").values_list("region__code", flat=True)
    ) == {
        "KZ63",
        "KZ35",
        "KZ75",
        "KZ71",
    }
    before = (ExecutorReport.objects.count(), MeasureTarget.objects.count())
    from taza.audit.models import AuditEntry

    entries = AuditEntry.objects.count()
    load_plan()
    assert (ExecutorReport.objects.count(), MeasureTarget.objects.count()) == before
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_every_executor_of_the_plan_is_a_body_with_three_names():
    for body in Body.objects.filter(measures__isnull=False).distinct():
        assert body.name_kk and body.name_ru and body.name_en, body.code
