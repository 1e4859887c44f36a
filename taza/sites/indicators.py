"""Compute the registry's indicators that the seeds report, for any period and place.

Found, liquidated, liquidation share, median days to liquidate, re-appearance rate.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from taza.geo.models import Region
from taza.sites.choices import SiteKind, SiteSource, SiteState
from taza.sites.models import WasteSite

LIQUIDATED = (SiteState.LIQUIDATED, SiteState.REINSPECTED)
COUNTED = (SiteKind.DUMP, SiteKind.LANDFILL_BREACH, SiteKind.WASTEWATER)


@dataclass
class Figures:
    found: int = 0
    liquidated: int = 0
    median_days: float | None = None
    reappeared: int = 0
    candidates: int = 0

    @property
    def share(self) -> float | None:
        return self.liquidated / self.found if self.found else None

    @property
    def reappearance_rate(self) -> float | None:
        ever = self.liquidated + self.reappeared
        return self.reappeared / ever if ever else None


@dataclass
class Indicators:
    overall: Figures
    by_source: dict[str, Figures] = field(default_factory=dict)
    by_region: list[tuple[Region, Figures]] = field(default_factory=list)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _figures(rows: list[dict[str, Any]]) -> Figures:
    figures = Figures()
    days = []
    for row in rows:
        if row["state"] == SiteState.CANDIDATE:
            figures.candidates += 1
            continue
        figures.found += 1
        if row["state"] in LIQUIDATED:
            figures.liquidated += 1
            if row["liquidated_at"]:
                days.append((row["liquidated_at"] - row["found_at"]).total_seconds() / 86400)
        if row["times_reappeared"]:
            figures.reappeared += 1
    figures.median_days = round(statistics.median(days), 1) if days else None
    return figures


def indicators(
    *, since: date | None = None, until: date | None = None, region: Region | None = None
) -> Indicators:
    """Sites found in the period (verified or further; candidates shown apart)."""
    sites = WasteSite.objects.filter(kind__in=COUNTED).exclude(state=SiteState.REJECTED)
    if since:
        sites = sites.filter(found_at__gte=_start(since))
    if until:
        sites = sites.filter(found_at__lt=_start(until + timedelta(days=1)))
    if region is not None:
        sites = sites.filter(region=region)
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in sites.values(
            "state", "source", "region", "found_at", "liquidated_at", "times_reappeared"
        )
    ]
    by_source = {
        source: _figures([r for r in rows if r["source"] == source]) for source in SiteSource.values
    }
    regions = {r.pk: r for r in Region.objects.order_by("code")}
    by_region = [
        (regions[pk], _figures([r for r in rows if r["region"] == pk]))
        for pk in sorted({r["region"] for r in rows}, key=lambda pk: regions[pk].code)
    ]
    return Indicators(_figures(rows), by_source, by_region)


def liquidated_per_region(year: int, until: date) -> dict[int, tuple[int, int]]:
    """For the programme's scorecards: (liquidated, found) among sites found in the year."""
    found = indicators(since=date(year, 1, 1), until=min(date(year, 12, 31), until))
    return {region.pk: (f.liquidated, f.found) for region, f in found.by_region}
