"""Facts of measures that Taza measures itself, read from the domains' registries.

Measure 2 ("more automated air-quality posts, with their data online") is judged by the
air registry: the automatic posts whose data was online on the last day of the year
(yesterday, the last whole day, for the year in progress), per region. The verdict uses
an executor's reported fact first, as for every measure, and the registry's when none
was reported; the measure's page shows the registry's figures beside the reports.

Measure 49 ("fire-prevention work in protected zones and nature reserves") is judged on
the prevention events its executors report; the year's fires seen from space in the
protected areas and forests are shown beside them (``outcome_table``), not scored: fewer
fires is what the work is for, but a dry summer or a wet one says as much.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from taza.air.querysets import automatic_posts_online, automatic_posts_registered
from taza.databank.querysets import recycled_share_by_year, regional_series
from taza.geo.models import Region
from taza.hazards.querysets import FireNumbers, fire_numbers

# Measure number -> a function of a day giving {region id: fact}.
MEASURED: dict[int, Callable[[date], dict[int, int]]] = {2: automatic_posts_online}


def registry_fact(number: int, region_id: int | None, year: int, as_of: date) -> Decimal | None:
    """Return the registry's fact of a measure for a year and a region (None: the country)."""
    source = MEASURED.get(number)
    if source is None:
        return None
    day = min(date(year, 12, 31), as_of - timedelta(days=1))
    if day < date(year, 1, 1):
        return None
    counts = source(day)
    value = sum(counts.values()) if region_id is None else counts.get(region_id, 0)
    return Decimal(value)


def registry_table(number: int, regions: list[Region], today: date) -> list[dict[str, Any]]:
    """Return the registry's figures of a measured measure by region, for its page.

    For measure 2: the automatic posts in service, those online yesterday, per region; empty
    for a measure Taza does not measure itself.
    """
    source = MEASURED.get(number)
    if source is None:
        return []
    online = source(today - timedelta(days=1))
    registered = automatic_posts_registered()
    return [
        {"region": r, "online": online.get(r.pk, 0), "registered": registered.get(r.pk, 0)}
        for r in regions
        if registered.get(r.pk) or online.get(r.pk)
    ]


# Indicator code -> (the country's series {year: percent}, the regions' {region id: {year: %}}).
COMPUTED: dict[
    str, tuple[Callable[[], dict[int, Any]], Callable[[], dict[int, dict[int, Any]]]]
] = {
    "D1-RECYCLED-MSW": (recycled_share_by_year, regional_series),
}


def computed_rows(code: str, plan_values: list[Any]) -> list[dict[str, Any]]:
    """Return an indicator's yearly figures computed from the data bank, beside the plan's.

    Each row: the year, the computed per cent with its tonnes, the plan's stated fact and
    plan for that year, and the difference from the stated fact (computed − stated).
    """
    source = COMPUTED.get(code)
    if source is None:
        return []
    stated = {(v.year, v.kind): v.value for v in plan_values}
    rows = []
    for year, share in source[0]().items():
        fact = stated.get((year, "fact"))
        computed = share.percent
        rows.append(
            {
                "year": year,
                "computed": computed,
                "recycled": share.recycled,
                "generated": share.generated,
                "fact": fact,
                "plan": stated.get((year, "plan")),
                "difference": None if fact is None or computed is None else computed - fact,
            }
        )
    return rows


def computed_regions(
    code: str, regions: list[Region], years: list[int]
) -> list[tuple[Region, list[Any]]]:
    """Return each region's computed figure of an indicator for each year (None: no data)."""
    source = COMPUTED.get(code)
    if source is None:
        return []
    series = source[1]()
    return [(r, [series[r.pk].get(y) for y in years]) for r in regions if r.pk in series]


# Measure number -> a function of a period giving the outcome shown beside the reports.
OUTCOMES: dict[int, Callable[[date, date], list[FireNumbers]]] = {
    49: lambda since, until: fire_numbers(since, until, by="area"),
}


def outcome_table(number: int, today: date) -> list[FireNumbers]:
    """Return this year's outcome of a measure, for its page (empty for most measures)."""
    source = OUTCOMES.get(number)
    return source(today.replace(month=1, day=1), today) if source else []
