"""Space monitoring: find dump-like patches in Sentinel-2 L2A scenes.

A scene is one GeoTIFF with the bands B02, B03, B04, B08, B11, B12 (surface
reflectance × 10,000) and SCL (the scene classification layer), named by the band
descriptions or, without them, in that order. Work is done tile by tile with windowed
reads, so a 10,980² scene never sits in memory whole.

Per pixel (documented in docs/sites.md):

* masked: no data, cloud shadow, clouds, cirrus and snow (SCL 0, 3, 8, 9, 10, 11),
  and everything outside the chosen territory;
* indices: NDVI (vegetation), BSI (bare soil), NDBI (built-up), the plastic index
  PI = NIR / (NIR + red), brightness, the blue/red ratio, and texture (the standard
  deviation of brightness in a 5×5 window);
* score: mixed waste is bright, grey rather than red (blue/red near 1), unvegetated,
  neither built-up nor bare soil, and uneven; each test adds to the score, and each
  confuser (bare soil, quarry, roof) takes away. With an earlier scene, a new loss of
  vegetation and gain of brightness adds to it.

Connected pixels over the threshold become candidate polygons with their mean score
and the tests they passed, placed in latitude and longitude.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import shapely
from PIL import Image
from pyproj import Transformer
from rasterio.features import geometry_mask, shapes
from rasterio.windows import Window
from rasterio.windows import transform as window_transform
from shapely.geometry import Polygon, mapping, shape

BANDS = ("B02", "B03", "B04", "B08", "B11", "B12", "SCL")
MASKED_SCL = (0, 3, 8, 9, 10, 11)
TILE = 512
THRESHOLD = 0.7
MIN_PIXELS = 3  # 300 m² at 10 m
MAX_PIXELS = 5000  # 50 ha: larger than any dump, a field or a town
RING_FILL = 0.6  # a patch filling less of its outline is the edge of something else
SEASON = range(3, 10)  # March to September: no snow cover
DATE_IN_NAME = re.compile(r"(20\d\d)(\d\d)(\d\d)")


@dataclass
class Candidate:
    lat: float
    lon: float
    score: float
    pixels: int
    area_m2: float
    outline: dict[str, Any]  # GeoJSON polygon in longitude/latitude
    reasons: list[str] = field(default_factory=list)


def reproject(transformer: Any, geometry: Any) -> Any:
    """Return the geometry in another coordinate system (pyproj transformer, always_xy)."""
    return shapely.transform(geometry, lambda x, y: transformer.transform(x, y), interleaved=False)


def scene_date(path: Path, tags: dict[str, str]) -> date | None:
    text = tags.get("DATE") or tags.get("SENSING_DATE") or path.name
    match = DATE_IN_NAME.search(text.replace("-", ""))
    if not match:
        return None
    year, month, day = (int(x) for x in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def in_season(day: date | None) -> bool:
    return day is None or day.month in SEASON


def band_indexes(src: Any) -> dict[str, int]:
    """Map band names to 1-based indexes, by description when the file has them."""
    names = [str(d or "").upper().replace("BAND_", "") for d in src.descriptions]
    if all(name in names for name in BANDS):
        return {name: names.index(name) + 1 for name in BANDS}
    if src.count < len(BANDS):
        raise ValueError(f"{src.name}: {src.count} bands, {len(BANDS)} needed ({', '.join(BANDS)})")
    return {name: index + 1 for index, name in enumerate(BANDS)}


def windows(width: int, height: int, size: int = TILE) -> Iterator[tuple[int, int, int, int]]:
    for row in range(0, height, size):
        for col in range(0, width, size):
            yield col, row, min(size, width - col), min(size, height - row)


def _box_mean(values: np.ndarray, radius: int = 2) -> np.ndarray:
    """Mean over a (2r+1)² window, by summed-area table; edges use what is there."""
    padded = np.pad(values, radius, mode="edge").astype(np.float64)
    table = padded.cumsum(0).cumsum(1)
    table = np.pad(table, ((1, 0), (1, 0)))
    size = 2 * radius + 1
    total = (
        table[size:, size:] - table[:-size, size:] - table[size:, :-size] + table[:-size, :-size]
    )
    mean: np.ndarray = total / (size * size)
    return mean


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b != 0, a / np.where(b == 0, 1, b), 0.0)
    return out


@dataclass
class Indices:
    ndvi: np.ndarray
    bsi: np.ndarray
    ndbi: np.ndarray
    pi: np.ndarray
    brightness: np.ndarray
    blue_red: np.ndarray
    texture: np.ndarray


def indices(bands: dict[str, np.ndarray]) -> Indices:
    """Compute the documented index stack, from reflectances scaled 0–1."""
    b, g, r, n, s1 = (bands[k] for k in ("B02", "B03", "B04", "B08", "B11"))
    brightness = (b + g + r) / 3
    mean = _box_mean(brightness)
    texture = np.sqrt(np.clip(_box_mean(brightness**2) - mean**2, 0, None))
    return Indices(
        ndvi=_ratio(n - r, n + r),
        bsi=_ratio((s1 + r) - (n + b), (s1 + r) + (n + b)),
        ndbi=_ratio(s1 - n, s1 + n),
        pi=_ratio(n, n + r),
        brightness=brightness,
        blue_red=_ratio(b, r),
        texture=texture,
    )


# Each test: its name, the rule in words, the pixels that pass, and its weight.
TESTS: tuple[tuple[str, str, Callable[[Indices], np.ndarray], float], ...] = (
    ("unvegetated", "NDVI < 0.25", lambda i: i.ndvi < 0.25, 0.2),
    ("grey, not red", "blue/red ≥ 0.85", lambda i: i.blue_red >= 0.85, 0.25),
    ("bright", "brightness ≥ 0.15", lambda i: i.brightness >= 0.15, 0.15),
    ("uneven", "texture ≥ 0.03", lambda i: i.texture >= 0.03, 0.3),
    ("not built-up", "NDBI < 0.15", lambda i: i.ndbi < 0.15, 0.1),
)
CONFUSERS: tuple[tuple[str, str, Callable[[Indices], np.ndarray]], ...] = (
    ("bare soil", "BSI > 0.15 and blue/red < 0.8", lambda i: (i.bsi > 0.15) & (i.blue_red < 0.8)),
    (
        "quarry or sand",
        "brightness > 0.35 and texture < 0.02",
        lambda i: (i.brightness > 0.35) & (i.texture < 0.02),
    ),
    ("roof", "NDBI ≥ 0.15", lambda i: i.ndbi >= 0.15),
)


def score(stack: Indices, before: Indices | None = None) -> np.ndarray:
    total = np.zeros(stack.ndvi.shape, dtype=np.float32)
    for _name, _rule, test, weight in TESTS:
        total += weight * test(stack)
    for _name, _rule, test in CONFUSERS:
        total -= 0.5 * test(stack)
    if before is not None:
        appeared = (before.ndvi - stack.ndvi > 0.2) & (stack.brightness - before.brightness > 0.05)
        total += 0.2 * appeared
    return np.clip(total, 0, 1)


def reasons_for(stack: Indices, pixels: np.ndarray, before: Indices | None) -> list[str]:
    found = [
        f"{name} ({rule}: {float(test(stack)[pixels].mean()) * 100:.0f}% of pixels)"
        for name, rule, test, _weight in TESTS
        if test(stack)[pixels].mean() >= 0.5
    ]
    if before is not None:
        lost = float((before.ndvi - stack.ndvi)[pixels].mean())
        if lost > 0.2:
            found.append(f"new since the earlier scene (NDVI fell by {lost:.2f})")
    return found


def read_window(src: Any, window: Any) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read the bands of one window (a windowed read) and the mask of pixels to ignore."""
    order = band_indexes(src)
    data = src.read([order[name] for name in BANDS], window=window)
    bands = {name: data[i].astype(np.float32) / 10000.0 for i, name in enumerate(BANDS[:-1])}
    scl = data[-1]
    masked = np.isin(scl, MASKED_SCL)
    return bands, masked


def read_window_boundless(src: Any, window: Any) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """As read_window, for a window that may reach past the scene's edge (filled as no data)."""
    order = band_indexes(src)
    data = src.read([order[name] for name in BANDS], window=window, boundless=True, fill_value=0)
    bands = {name: data[i].astype(np.float32) / 10000.0 for i, name in enumerate(BANDS[:-1])}
    return bands, np.isin(data[-1], MASKED_SCL)


def detect_window(
    path: Path,
    col: int,
    row: int,
    width: int,
    height: int,
    *,
    before: Path | None = None,
    territory: Any = None,
    threshold: float = THRESHOLD,
) -> list[Candidate]:
    """Find candidates in one window of a scene, placed in latitude/longitude."""
    window = Window(col, row, width, height)
    with rasterio.open(path) as src:
        bands, masked = read_window(src, window)
        affine = window_transform(window, src.transform)
        crs = src.crs
        pixel_area = abs(affine.a * affine.e)
    to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    if territory is not None:
        to_scene = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        local = reproject(to_scene, territory)
        masked |= geometry_mask([mapping(local)], (height, width), affine, invert=False)
    stack = indices(bands)
    earlier = None
    if before is not None:
        with rasterio.open(before) as old:
            old_bands, old_masked = read_window(old, window)
        earlier = indices(old_bands)
        masked |= old_masked
    scores = score(stack, earlier)
    scores[masked] = 0
    hot = (scores >= threshold).astype(np.uint8)
    candidates: list[Candidate] = []
    if not hot.any():
        return candidates
    labels = np.zeros(hot.shape, dtype=np.int32)
    polygons = []
    for number, (geometry, _value) in enumerate(
        shapes(hot, mask=hot.astype(bool), transform=affine, connectivity=8), start=1
    ):
        polygons.append(geometry)
        labels |= (~geometry_mask([geometry], hot.shape, affine)).astype(np.int32) * number
    for number, geometry in enumerate(polygons, start=1):
        pixels = labels == number
        count = int(pixels.sum())
        if not MIN_PIXELS <= count <= MAX_PIXELS:
            continue
        polygon = shape(geometry)
        filled = Polygon(polygon.exterior)
        if polygon.area < RING_FILL * filled.area:
            continue  # a ring: the uneven edge of a larger smooth object, not a heap
        outline = reproject(to_wgs84, polygon)
        centre = outline.centroid
        candidates.append(
            Candidate(
                lat=round(centre.y, 6),
                lon=round(centre.x, 6),
                score=round(float(scores[pixels].mean()), 3),
                pixels=count,
                area_m2=round(count * pixel_area, 1),
                outline=mapping(outline),
                reasons=reasons_for(stack, pixels, earlier),
            )
        )
    candidates.sort(key=lambda c: -c.score)
    return candidates


def chip_png(path: Path, lat: float, lon: float, size: int = 48) -> bytes:
    """Draw a true-colour image chip around a point, for the verification queue."""
    with rasterio.open(path) as src:
        x, y = Transformer.from_crs("EPSG:4326", src.crs, always_xy=True).transform(lon, lat)
        row, col = src.index(x, y)
        window = Window(max(col - size // 2, 0), max(row - size // 2, 0), size, size)
        order = band_indexes(src)
        rgb = src.read([order["B04"], order["B03"], order["B02"]], window=window, boundless=True)
    image = np.clip(rgb.astype(np.float32) / 3000 * 255, 0, 255).astype(np.uint8)
    picture = Image.fromarray(np.transpose(image, (1, 2, 0))).resize(
        (size * 4, size * 4), Image.Resampling.NEAREST
    )
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()
