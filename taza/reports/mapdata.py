"""Points for the public map, aggregated on the server so any number of reports stays fast.

Zoomed out, one circle per region (read from the rollups); in between, one circle per
grid cell computed by the database; zoomed in, the reports themselves, at most
MAX_POINTS of them. Nothing personal is ever included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db.models import Avg, Count, F, FloatField, QuerySet, Sum
from django.db.models.functions import Cast, Floor

from taza.geo.lookup import default_locator
from taza.geo.models import Region
from taza.reports.models import OPEN_STATES, Report, ReportRollup, ReportState
from taza.reports.querysets import CLOSED_FOR_OPEN311
from taza.reports.stats import refresh_dirty_days, timezone_bounds

REGION_ZOOM_MAX = 6
POINT_ZOOM_MIN = 13
MAX_POINTS = 1000


@dataclass(frozen=True)
class MapQuery:
    zoom: int
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    category: str | None = None
    state: str | None = None  # a state, or "open" / "closed"
    since: date | None = None
    until: date | None = None
    region: str | None = None  # a region code, e.g. KZ71


@cache
def _region_points() -> dict[str, tuple[float, float]]:
    locator = default_locator()
    points = {}
    for code, geom in zip(locator.region_codes, locator.region_geoms, strict=True):
        p = geom.representative_point()
        points[code] = (p.y, p.x)
    return points


def _states(state: str | None) -> list[str] | None:
    if not state:
        return None
    if state == "open":
        return list(OPEN_STATES)
    if state == "closed":
        return list(CLOSED_FOR_OPEN311)
    return [state] if state in ReportState.values else []


def _reports(q: MapQuery) -> QuerySet[Report]:
    qs = Report.objects.all()
    if q.bbox:
        min_lon, min_lat, max_lon, max_lat = q.bbox
        qs = qs.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)
    if q.category:
        qs = qs.filter(category__code=q.category)
    if q.region:
        qs = qs.filter(region__code=q.region)
    states = _states(q.state)
    if states is not None:
        qs = qs.filter(state__in=states)
    start, end = timezone_bounds(q.since, q.until)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    return qs


def _by_region(q: MapQuery) -> list[dict[str, Any]]:
    refresh_dirty_days()
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
        _reports(q)
        .annotate(
            gx=Floor(Cast(F("lon"), FloatField()) / size),
            gy=Floor(Cast(F("lat"), FloatField()) / size),
        )
        .values("gx", "gy")
        .annotate(count=Count("id"), lat=Avg("lat"), lon=Avg("lon"))
        .order_by()
    )
    return [{"lat": c["lat"], "lon": c["lon"], "count": c["count"]} for c in cells]


def _points(q: MapQuery) -> list[dict[str, Any]]:
    rows = (
        _reports(q)
        .order_by("-created_at")
        .values("public_id", "lat", "lon", "state", "category__code")[:MAX_POINTS]
    )
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
