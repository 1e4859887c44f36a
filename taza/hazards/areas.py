"""Protected areas' outlines: read from GeoJSON, checked, and asked which one a point touches.

Pure functions over shapely geometries; the services store what they return.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.strtree import STRtree

# A hot pixel touches an area when its centre is within half a VIIRS pixel of it.
TOUCH_DEG = 0.0017  # about 190 m of latitude
# A degree of latitude, in metres; a hectare is 10,000 m².
M_PER_DEG = 111_320


class OutlineError(ValueError):
    """Refuse an outline that is not a valid polygon in WGS 84."""


def read_outline(geometry: Any) -> shapely.Geometry:
    """Return the shapely polygon of a GeoJSON Polygon or MultiPolygon, or raise OutlineError."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise OutlineError("not a Polygon or MultiPolygon")
    try:
        outline = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise OutlineError("coordinates cannot be read") from exc
    if outline.is_empty:
        raise OutlineError("empty")
    west, south, east, north = outline.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise OutlineError("coordinates outside longitude and latitude")
    if not outline.is_valid:
        raise OutlineError(shapely.is_valid_reason(outline))
    return outline


def area_ha(outline: shapely.Geometry) -> float:
    """Return a polygon's area in hectares, on a local equal-area approximation."""
    lat = outline.centroid.y
    scale = M_PER_DEG * M_PER_DEG * math.cos(math.radians(lat))
    return float(outline.area * scale / 10_000)


@dataclass
class AreaIndex:
    """The active areas' outlines in a tree, to find the one a point touches."""

    ids: list[int]
    outlines: list[shapely.Geometry]
    tree: STRtree

    @classmethod
    def of(cls, areas: Iterable[tuple[int, Any]]) -> AreaIndex:
        """Build the index from (id, GeoJSON geometry) pairs; unreadable ones are skipped."""
        ids, outlines = [], []
        for pk, geometry in areas:
            try:
                outlines.append(read_outline(geometry))
            except OutlineError:
                continue
            ids.append(pk)
        return cls(ids, outlines, STRtree(outlines))

    def touching_many(self, lats: list[float], lons: list[float]) -> list[int | None]:
        """Return, for each point, the id of the area it touches, or None.

        Touching is lying in it or within TOUCH_DEG of it; of several, the nearest.
        """
        found: list[int | None] = [None] * len(lats)
        if not self.ids or not lats:
            return found
        points = shapely.points(lons, lats)
        src, idx = self.tree.query(points, predicate="dwithin", distance=TOUCH_DEG)
        best: dict[int, float] = {}
        for s, i in zip(src.tolist(), idx.tolist(), strict=True):
            distance = float(self.outlines[i].distance(points[s]))
            if s not in best or distance < best[s]:
                best[s], found[s] = distance, self.ids[i]
        return found
