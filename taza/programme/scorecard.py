"""Region scorecards, the ranking of regions and the list of lagging regions.

Each component is a share of successes among cases (measures on track among the
region's measures, citizen reports resolved on time among those resolved, executor
reports in on time among those due). A share from few cases says little, so:

* a component with fewer cases than ``RankingSettings.min_cases`` does not count;
* each share carries its 95% Wilson score interval;
* the score is the weighted mean of the counted shares, its interval the weighted
  mean of their bounds, and regions are ranked by the interval's lower bound, so a
  region with one quick success cannot top the table.

The formula and weights are shown on the scorecard page and in docs/programme.md.

Each card also carries the region's recycled share of municipal waste, computed from
the waste cadastre (the Concept's first target indicator), and its wildfires of the year
from the hazards domain (measure 49): shown beside the score, not part of it — a share of
tonnes has no Wilson interval, and the number of fires says more about the summer than
about the akimat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taza.campaigns.totals import results_per_region
from taza.databank.querysets import Share, regional_series
from taza.geo.models import Region
from taza.hazards.querysets import FireNumbers, fire_numbers
from taza.programme.models import RankingSettings
from taza.programme.status import (
    GOOD,
    LAGGING,
    MeasureStatus,
    PlanSnapshot,
    Verdict,
)
from taza.reports.models import Report
from taza.sites.indicators import liquidated_per_region

Z = 1.96
COMPONENTS = {
    "measures": gettext_lazy("Plan measures on track or done"),
    "citizen_reports": gettext_lazy("Citizen reports resolved on time"),
    "reporting": gettext_lazy("Executor reports submitted on time"),
    "sites": gettext_lazy("Waste sites liquidated"),
    "campaigns": gettext_lazy("Campaign events with accepted results"),
}


def wilson(successes: int, cases: int, z: float = Z) -> tuple[float, float]:
    """Return the Wilson score interval for a share; (0, 1) when there are no cases."""
    if cases == 0:
        return 0.0, 1.0
    share = successes / cases
    denominator = 1 + z * z / cases
    centre = (share + z * z / (2 * cases)) / denominator
    spread = z * math.sqrt(share * (1 - share) / cases + z * z / (4 * cases * cases))
    spread /= denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)


@dataclass
class Component:
    key: str
    successes: int
    cases: int
    weight: float
    counted: bool
    note: str = ""

    @property
    def label(self) -> str:
        return str(COMPONENTS[self.key])

    @property
    def share(self) -> float | None:
        return self.successes / self.cases if self.cases else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.successes, self.cases)


@dataclass
class Scorecard:
    region: Region
    components: list[Component]
    verdicts: dict[int, Verdict]
    score: float | None = None
    low: float | None = None
    high: float | None = None
    rank: int | None = None
    lagging: list[int] = field(default_factory=list)
    not_reported: list[int] = field(default_factory=list)
    # The latest year up to the scorecard's with a waste cadastre for the region.
    recycled: Share | None = None
    recycled_year: int | None = None
    fires: FireNumbers | None = None  # first seen in the year, up to as_of

    def count(self, status: str) -> int:
        return sum(1 for v in self.verdicts.values() if v.status == status)

    @property
    def done(self) -> int:
        return self.count(MeasureStatus.DONE)

    @property
    def on_track(self) -> int:
        return self.count(MeasureStatus.ON_TRACK)


def _citizen_reports(year: int, as_of: date) -> dict[int, tuple[int, int]]:
    """Per region: (resolved on time, resolved) among reports resolved in the year."""
    start = timezone.make_aware(datetime(year, 1, 1))
    end = min(timezone.make_aware(datetime(year + 1, 1, 1)), _end_of(as_of))
    rows = (
        Report.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
        .values("region_id")
        .annotate(resolved=Count("pk"), on_time=Count("pk", filter=Q(resolved_late=False)))
        .order_by()
    )
    return {row["region_id"]: (row["on_time"], row["resolved"]) for row in rows}


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


def _reporting(snap: PlanSnapshot, year: int) -> dict[int, tuple[int, int]]:
    """Per region: (in on time, due) among its akimat's reports due in the year up to as_of."""
    counts: dict[int, list[int]] = {}
    akimats = {body.pk for body in snap.akimats.values()}
    for owed in snap.obligations(date(year, 1, 1), min(date(year, 12, 31), snap.as_of)):
        if owed.region_id is None or owed.body_id not in akimats:
            continue
        tally = counts.setdefault(owed.region_id, [0, 0])
        tally[1] += 1
        if owed.report is not None and owed.report.submitted_at <= owed.due:
            tally[0] += 1
    return {region_id: (t[0], t[1]) for region_id, t in counts.items()}


def scorecards(as_of: date, year: int | None = None) -> list[Scorecard]:
    """Every region's scorecard, ranked; unranked regions (too few cases) come last."""
    year = year or as_of.year
    settings = RankingSettings.current()
    weights = {
        "measures": float(settings.weight_measures),
        "citizen_reports": float(settings.weight_citizen_reports),
        "reporting": float(settings.weight_reporting),
        "sites": float(settings.weight_sites),
        "campaigns": float(settings.weight_campaigns),
    }
    snap = PlanSnapshot.load(as_of)
    citizen = _citizen_reports(year, as_of)
    campaign_results = results_per_region(year, as_of + timedelta(days=1))
    sites = liquidated_per_region(year, as_of)
    reporting = _reporting(snap, year)
    recycled = regional_series()
    fires = {
        n.region.pk: n
        for n in fire_numbers(date(year, 1, 1), min(date(year, 12, 31), as_of))
        if n.region is not None
    }
    cards = []
    for region in snap.regions:
        verdicts = snap.verdicts(region.pk)
        assessed = [v for v in verdicts.values() if v.assessable]
        good = sum(1 for v in assessed if v.status in GOOD)
        resolved_on_time, resolved = citizen.get(region.pk, (0, 0))
        on_time, due = reporting.get(region.pk, (0, 0))
        components = [
            _component("measures", good, len(assessed), weights, settings.min_cases),
            _component("citizen_reports", resolved_on_time, resolved, weights, settings.min_cases),
            _component("reporting", on_time, due, weights, settings.min_cases),
            _component("sites", *sites.get(region.pk, (0, 0)), weights, settings.min_cases),
            _component(
                "campaigns",
                *campaign_results.get(region.pk, (0, 0)),
                weights,
                settings.min_cases,
            ),
        ]
        card = Scorecard(region, components, verdicts, fires=fires.get(region.pk))
        known = [y for y in recycled.get(region.pk, {}) if y <= year]
        if known:
            card.recycled_year = max(known)
            card.recycled = recycled[region.pk][card.recycled_year]
        card.lagging = sorted(n for n, v in verdicts.items() if v.status in LAGGING)
        card.not_reported = sorted(
            n for n, v in verdicts.items() if v.status == MeasureStatus.NOT_REPORTED
        )
        _score(card)
        cards.append(card)
    ranked = sorted(
        (c for c in cards if c.low is not None),
        key=lambda c: (-(c.low or 0), -(c.score or 0), c.region.code),
    )
    for position, card in enumerate(ranked, start=1):
        card.rank = position
    return ranked + sorted((c for c in cards if c.low is None), key=lambda c: c.region.code)


def _component(
    key: str, successes: int, cases: int, weights: dict[str, float], min_cases: int
) -> Component:
    counted = cases >= max(min_cases, 1) and weights[key] > 0
    note = ""
    if weights[key] <= 0:
        note = _("Left out: its weight is zero.")
    elif cases == 0:
        note = _("No cases in the year so far: nothing of this kind was due or done.")
    elif cases < max(min_cases, 1):
        note = _("Too few cases (%(cases)s; at least %(min)s needed).") % {
            "cases": cases,
            "min": min_cases,
        }
    return Component(key, successes, cases, weights[key], counted, note)


def _score(card: Scorecard) -> None:
    counted = [c for c in card.components if c.counted]
    total = sum(c.weight for c in counted)
    if not counted or total <= 0:
        return
    card.score = sum(c.weight * (c.share or 0) for c in counted) / total
    card.low = sum(c.weight * c.interval[0] for c in counted) / total
    card.high = sum(c.weight * c.interval[1] for c in counted) / total


@dataclass
class LaggingRegion:
    card: Scorecard
    measures: list[tuple[int, Verdict]]


def lagging_regions(as_of: date, year: int | None = None) -> list[LaggingRegion]:
    """Regions with measures at risk or overdue, worst first, with those measures."""
    found = []
    for card in scorecards(as_of, year):
        if card.lagging:
            found.append(
                LaggingRegion(card, [(number, card.verdicts[number]) for number in card.lagging])
            )
    return sorted(found, key=lambda r: (-len(r.measures), r.card.region.code))
