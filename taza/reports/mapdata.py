"""Points for the public map, aggregated on the server so any number of reports stays fast.

Zoomed out, one circle per region (read from the rollups); in between, one circle per
grid cell computed by the database; zoomed in, the reports themselves, at most
MAX_POINTS of them. Nothing personal is ever included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.core.cache import cache as django_cache
from django.db.models import Avg, Count, F, FloatField, QuerySet, Sum
from django.db.models.functions import Cast, Floor

from taza.core.dates import local_day
from taza.core.params import bind
from taza.geo.lookup import default_locator
from taza.geo.models import Region
from taza.reports.choices import CLOSED_STATES, OPEN_STATES
from taza.reports.filtersets import CLOSED, OPEN, MapFilterSet
from taza.reports.models import Report, ReportRollup
from taza.reports.stats import CACHE_SECONDS, refresh_dirty_days, rollups_version

REGION_ZOOM_MAX = 6
POINT_ZOOM_MIN = 13
MAX_POINTS = 1000
DEFAULT_ZOOM = 5


@dataclass(frozen=True)
class MapQuery:
    """Say what the map shows: the zoom, and the reports the shared filters kept."""

    zoom: int
    reports: QuerySet[Report]
    category: str | None = None
    state: str | None = None  # a state, or "open" / "closed"
    since: date | None = None
    until: date | None = None
    region: str | None = None  # a region code, e.g. KZ71

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> MapQuery:
        """Read a map query from request parameters; raise ParamsInvalid if malformed."""
        return cls.from_filters(bind(MapFilterSet, params, Report.objects.all()))

    @classmethod
    def from_filters(cls, filterset: MapFilterSet) -> MapQuery:
        """Build the query from a bound, valid MapFilterSet.

        The region level counts whole local days from the rollups, so a moment given as
        ``since`` or ``until`` counts there as its day.
        """
        data = filterset.form.cleaned_data
        zoom = data.get("zoom")
        category, region = data.get("category"), data.get("region")
        return cls(
            zoom=int(zoom) if zoom is not None else DEFAULT_ZOOM,
            reports=filterset.qs,
            category=category.code if category else None,
            state=data.get("state") or None,
            since=_day(data.get("since")),
            until=_day(data.get("until")),
            region=region.code if region else None,
        )


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return local_day(value)
    return value


@cache
def _region_points() -> dict[str, tuple[float, float]]:
    locator = default_locator()
    points = {}
    for code, geom in zip(locator.region_codes, locator.region_geoms, strict=True):
        p = geom.representative_point()
        points[code] = (p.y, p.x)
    return points


def _states(state: str | None) -> list[str] | None:
    """Return the rollup columns that a state filter sums, None for the total."""
    if not state:
        return None
    if state == OPEN:
        return list(OPEN_STATES)
    if state == CLOSED:
        return list(CLOSED_STATES)
    return [state]


def _by_region(q: MapQuery) -> list[dict[str, Any]]:
    """Return one circle per region, cached under the rollups' version like the statistics."""
    refresh_dirty_days()
    key = f"taza:map:{rollups_version()}:{q.category}:{q.region}:{q.since}:{q.until}:{q.state}"
    items: list[dict[str, Any]] | None = django_cache.get(key)
    if items is None:
        items = _sum_by_region(q)
        django_cache.set(key, items, CACHE_SECONDS)
    return items


def _sum_by_region(q: MapQuery) -> list[dict[str, Any]]:
    rows = ReportRollup.objects.all()
    if q.category:
        rows = rows.filter(category__code=q.category)
    if q.region:
        rows = rows.filter(region__code=q.region)
    if q.since:
        rows = rows.filter(day__gte=q.since)
    if q.until:
        rows = rows.filter(day__lte=q.until)
    states = _states(q.state)
    fields = states if states is not None else ["total"]
    if not fields:
        return []
    codes = dict(Region.objects.values_list("pk", "code"))
    points = _region_points()
    items = []
    for row in rows.values("region_id").annotate(**{f: Sum(f) for f in fields}).order_by():
        count = sum(row[f] or 0 for f in fields)
        if count:
            lat, lon = points[codes[row["region_id"]]]
            items.append(
                {"lat": lat, "lon": lon, "count": count, "region": codes[row["region_id"]]}
            )
    return items


def _by_grid(q: MapQuery) -> list[dict[str, Any]]:
    size = 360 / 2**q.zoom / 3  # about a third of a 256-pixel map tile
    cells = (
        q.reports.annotate(
            gx=Floor(Cast(F("lon"), FloatField()) / size),
            gy=Floor(Cast(F("lat"), FloatField()) / size),
        )
        .values("gx", "gy")
        .annotate(count=Count("id"), lat=Avg("lat"), lon=Avg("lon"))
        .order_by()
    )
    return [{"lat": c["lat"], "lon": c["lon"], "count": c["count"]} for c in cells]


def _points(q: MapQuery) -> list[dict[str, Any]]:
    rows = q.reports.order_by("-created_at").values(
        "public_id", "lat", "lon", "state", "category__code"
    )[:MAX_POINTS]
    return [
        {
            "lat": r["lat"],
            "lon": r["lon"],
            "count": 1,
            "public_id": r["public_id"],
            "state": r["state"],
            "category": r["category__code"],
        }
        for r in rows
    ]


def map_items(q: MapQuery) -> dict[str, Any]:
    if q.zoom <= REGION_ZOOM_MAX:
        return {"level": "region", "items": _by_region(q)}
    if q.zoom < POINT_ZOOM_MIN:
        return {"level": "grid", "items": _by_grid(q)}
    return {"level": "report", "items": _points(q)}
