"""Find the region and district of a point, in memory, with shapely STRtrees.

The boundaries are generalised (1:1,000,000), so a point on a coast or just inside a
national border can fall a little outside every polygon. Such a point is given to the
nearest territory when it is within ``tolerance_m``; farther away it is outside
Kazakhstan. The region comes from the first-level file and the district from the
districts of that region only, so the two never disagree.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.utils.translation import gettext
from shapely.geometry import shape
from shapely.ops import nearest_points

from taza.core.errors import DomainError

DATA_DIR = Path(__file__).resolve().parent / "data"
ADM1_FILE = DATA_DIR / "kaz_adm1.geojson"
ADM2_FILE = DATA_DIR / "kaz_adm2.geojson"
DEFAULT_TOLERANCE_M = 2000.0
_EARTH_RADIUS_M = 6_371_008.8
_METRES_PER_DEGREE = math.pi * _EARTH_RADIUS_M / 180


def _(message: str) -> str:
    """Translate into the language in use; plain English where Django is not set up.

    The lookup also serves `python -m taza locate` and the benchmarks, which run
    without Django's settings.
    """
    return gettext(message) if settings.configured else message


class LocationError(DomainError):
    """Refuse a point that cannot be given a territory, saying why."""

    default_code = "location"


class InvalidCoordinates(LocationError):
    """Refuse values that are not a latitude and a longitude at all."""


class OutsideKazakhstan(LocationError):
    """Refuse a point farther from Kazakhstan than the tolerance."""

    default_code = "outside_kazakhstan"


@dataclass(frozen=True)
class Location:
    region_code: str
    district_code: str | None
    # False when the point lay outside every polygon and was given to the nearest one.
    exact: bool = True
    distance_m: float = 0.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in metres between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(a))


def check_coordinates(lat: float, lon: float) -> None:
    """Refuse values that are not a latitude and a longitude at all."""
    if not (isinstance(lat, int | float) and isinstance(lon, int | float)):
        raise InvalidCoordinates(_("Latitude and longitude must be numbers."), "location")
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidCoordinates(_("Latitude and longitude must be finite numbers."), "location")
    if not -90 <= lat <= 90:
        raise InvalidCoordinates(
            _("Latitude %(lat)s is out of range (-90 to 90).") % {"lat": lat}, "location"
        )
    if not -180 <= lon <= 180:
        raise InvalidCoordinates(
            _("Longitude %(lon)s is out of range (-180 to 180).") % {"lon": lon}, "location"
        )


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        features: list[dict[str, Any]] = json.load(fh)["features"]
    return features


class Locator:
    """Answer point-to-territory questions from the shipped boundary files."""

    def __init__(
        self,
        adm1_path: Path = ADM1_FILE,
        adm2_path: Path = ADM2_FILE,
        tolerance_m: float = DEFAULT_TOLERANCE_M,
    ) -> None:
        adm1 = _read(adm1_path)
        adm2 = _read(adm2_path)
        self.tolerance_m = tolerance_m
        self.region_codes = [f["properties"]["ADM1_PCODE"] for f in adm1]
        self.region_geoms = np.array([shape(f["geometry"]) for f in adm1], dtype=object)
        self.district_codes = [f["properties"]["ADM2_PCODE"] for f in adm2]
        self.district_geoms = np.array([shape(f["geometry"]) for f in adm2], dtype=object)
        region_index = {code: i for i, code in enumerate(self.region_codes)}
        self.district_region = np.array(
            [region_index[f["properties"]["ADM1_PCODE"]] for f in adm2], dtype=np.int64
        )
        shapely.prepare(self.region_geoms)
        shapely.prepare(self.district_geoms)
        self.region_tree = shapely.STRtree(self.region_geoms)
        self.district_tree = shapely.STRtree(self.district_geoms)

    # -- one point ---------------------------------------------------------------

    def locate(self, lat: float, lon: float) -> Location:
        """Return the region and district of a point, or raise a LocationError."""
        check_coordinates(lat, lon)
        point = shapely.Point(lon, lat)
        hits = self._hits(self.region_tree, self.region_geoms, point)
        if len(hits):
            region = self._pick(hits, self.region_geoms, point)
            exact, distance = True, 0.0
        else:
            region, distance = self._nearest_region(point)
            exact = False
        return Location(
            region_code=self.region_codes[region],
            district_code=self._district_in(region, point),
            exact=exact,
            distance_m=round(distance, 1),
        )

    @staticmethod
    def _hits(tree: shapely.STRtree, geoms: np.ndarray, point: shapely.Point) -> np.ndarray:
        # The tree narrows by bounding box; the prepared polygons answer the real test,
        # many times faster than the tree's own predicate, which prepares only the point.
        candidates = tree.query(point)
        hits: np.ndarray = candidates[shapely.intersects(geoms[candidates], point)]
        return hits

    @staticmethod
    def _pick(hits: np.ndarray, geoms: np.ndarray, point: shapely.Point) -> int:
        """Choose among polygons that touch the point: its interior first, then lowest index.

        A point exactly on a shared border touches two polygons; the rule makes the
        answer the same on every run and every machine.
        """
        hits = np.sort(hits)
        if len(hits) == 1:
            return int(hits[0])
        inside = [int(i) for i in hits if geoms[i].contains(point)]
        return inside[0] if inside else int(hits[0])

    def _distance_m(self, geom: shapely.Geometry, point: shapely.Point) -> float:
        nearest = nearest_points(geom, point)[0]
        return haversine_m(point.y, point.x, nearest.y, nearest.x)

    def _reach(self, lat: float) -> float:
        """Return the tolerance in degrees, wide enough for longitude at this latitude."""
        return self.tolerance_m / (_METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.1))

    def _nearest_region(self, point: shapely.Point) -> tuple[int, float]:
        candidates = self.region_tree.query(
            point, predicate="dwithin", distance=self._reach(point.y)
        )
        best: tuple[int, float] | None = None
        for i in np.sort(candidates):
            d = self._distance_m(self.region_geoms[i], point)
            if d <= self.tolerance_m and (best is None or d < best[1]):
                best = (int(i), d)
        if best is None:
            raise OutsideKazakhstan(
                _("The point %(lat)s, %(lon)s (latitude, longitude) is outside Kazakhstan.")
                % {"lat": f"{point.y:.6f}", "lon": f"{point.x:.6f}"},
                "location",
            )
        return best

    def _district_in(self, region: int, point: shapely.Point) -> str | None:
        hits = self._hits(self.district_tree, self.district_geoms, point)
        hits = hits[self.district_region[hits] == region]
        if len(hits):
            return str(self.district_codes[self._pick(hits, self.district_geoms, point)])
        # The districts of a region do not tile it exactly; take the nearest of its own.
        own = np.flatnonzero(self.district_region == region)
        if not len(own):
            return None
        distances = shapely.distance(self.district_geoms[own], point)
        return str(self.district_codes[int(own[int(np.argmin(distances))])])

    # -- many points ---------------------------------------------------------------

    def locate_many(self, lats: np.ndarray, lons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return region and district indexes for arrays of points (-1 where outside).

        Points inside a polygon are answered in bulk by the trees; the few that fall
        between polygons go through the one-point path so both paths agree.
        """
        xs, ys = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        points = shapely.points(xs, ys)
        n = len(points)
        regions = np.full(n, -1, dtype=np.int64)
        districts = np.full(n, -1, dtype=np.int64)
        slow = np.zeros(n, dtype=bool)
        src, idx = self.region_tree.query(points)
        inside = shapely.intersects(self.region_geoms[idx], points[src])
        self._assign((src[inside], idx[inside]), regions, slow)
        inside = np.flatnonzero(regions >= 0)
        src, idx = self.district_tree.query(points[inside])
        src = inside[src]
        keep = self.district_region[idx] == regions[src]
        src, idx = src[keep], idx[keep]
        keep = shapely.intersects(self.district_geoms[idx], points[src])
        self._assign((src[keep], idx[keep]), districts, slow)
        district_index = {code: i for i, code in enumerate(self.district_codes)}
        region_index = {code: i for i, code in enumerate(self.region_codes)}
        # Only points near a border can still be inside after the bulk pass.
        # Boxes first, then the prepared polygons: the tree's own "dwithin" is far slower.
        missing = np.flatnonzero(regions < 0)
        reach, mx, my = self._reach(56.0), xs[missing], ys[missing]
        src, idx = self.region_tree.query(
            shapely.box(mx - reach, my - reach, mx + reach, my + reach)
        )
        near = src[shapely.dwithin(self.region_geoms[idx], points[missing][src], reach)]
        slow[missing[np.unique(near)]] = True
        slow |= (regions >= 0) & (districts < 0)
        for i in np.flatnonzero(slow):
            try:
                found = self.locate(float(lats[i]), float(lons[i]))
            except LocationError:
                regions[i] = districts[i] = -1
                continue
            regions[i] = region_index[found.region_code]
            districts[i] = (
                -1 if found.district_code is None else district_index[found.district_code]
            )
        return regions, districts

    @staticmethod
    def _assign(pairs: np.ndarray | tuple[Any, ...], out: np.ndarray, slow: np.ndarray) -> None:
        """Write each point's single hit into out; mark points with several hits as slow."""
        src, idx = pairs
        order = np.lexsort((idx, src))
        src, idx = src[order], idx[order]
        points, first, counts = np.unique(src, return_index=True, return_counts=True)
        out[points] = idx[first]
        slow[points[counts > 1]] = True


@cache
def default_locator() -> Locator:
    """Return the process-wide locator, built once from the shipped files."""
    return Locator()


@cache
def reaching_locator(tolerance_m: float) -> Locator:
    """Return a locator that gives a point up to ``tolerance_m`` outside the nearest region.

    Hotspots of a fire that crosses the border are kept up to 20 km out; the default
    locator's 2 km is for people's reports.
    """
    return Locator(tolerance_m=tolerance_m)


def locate(lat: float, lon: float) -> Location:
    """Return the region and district of a point using the shipped boundaries."""
    return default_locator().locate(lat, lon)
