"""Space monitoring: find dump-like patches in Sentinel-2 scenes.

A scene is one GeoTIFF with the bands B02, B03, B04, B08, B11, B12 (reflectance ×
10,000) and, for Level-2A, SCL (the scene classification layer), named by the band
descriptions or, without them, in that order. Work is done window by window with
windowed reads, so a 10,980² scene never sits in memory whole.

The rules, in the order they apply (docs/sites.md says why each is there):

1. **What is not land to inspect is masked**, each mask grown by a buffer: no data,
   saturated pixels, cloud shadow, clouds, cirrus, snow and water from SCL; water and
   wet shore by MNDWI; a deployment's exclusion layer (built-up areas, quarries,
   authorised landfills); everything outside the chosen territory.
2. **Level-1C is handled explicitly**: refused unless asked for; when asked for, the
   haze is taken off by dark-object subtraction and clouds are masked by a brightness
   test, with the fainter fringe joined to them, because L1C has no SCL.
3. **Every pixel test is required** (unvegetated, bright, grey rather than red, uneven):
   a pixel that fails one is not a candidate pixel, whatever the others say.
4. **Every patch test is required**: its size, not a line (roads, field edges, rows of
   poultry houses), not a regular uniform block (a roof), uneven inside, not the edge of
   a larger smooth object.
5. **Change over several dates**: with earlier scenes of the same tile, a patch that was
   vegetated before and is dump-like on the last earlier date and now is "new and
   persisting"; one that is dump-like only on this date (harvest, works, a passing
   thing) loses half its score.

The score ranks the candidates that pass; the scan's candidate budget decides which of
them people see (taza.sites.scan).
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from itertools import chain
from pathlib import Path
from typing import Any

import numba
import numpy as np
import rasterio
import rasterio.errors
import shapely
import shapely.errors
from PIL import Image
from pyproj import Transformer
from pyproj.exceptions import ProjError
from rasterio.enums import Resampling
from rasterio.features import geometry_mask, shapes
from rasterio.transform import array_bounds
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window
from rasterio.windows import transform as window_transform
from scipy import ndimage
from shapely.geometry import mapping, shape

from taza.sites.reasons import reason

BANDS = ("B02", "B03", "B04", "B08", "B11", "B12")
INDEX_BANDS = BANDS[:5]  # what the indices read; B12 is for the false-colour chips
SCL = "SCL"
# Scene classification classes that are not land to inspect (Sen2Cor's numbering).
EXCLUDED_SCL = {
    0: "no data",
    1: "saturated or defective",
    3: "cloud shadow",
    6: "water",
    # Sen2Cor's "unclassified" is mostly cloud of low probability: the hazy fringe around
    # clouds that its cloud classes leave out (seen on real scenes, ESA's STEP forum).
    7: "unclassified (cloud of low probability)",
    8: "cloud, medium probability",
    9: "cloud, high probability",
    10: "thin cirrus",
    11: "snow or ice",
}
_SCL_CLASSES = max(EXCLUDED_SCL) + 1  # Sen2Cor's classes are 0–11; other values are not
_KEPT_SCL = tuple(value for value in range(_SCL_CLASSES) if value not in EXCLUDED_SCL)
CLOUD_BUFFER = 3  # pixels (30 m) around clouds, shadows, snow and no data
WATER_BUFFER = 3  # pixels around water and wet shore: surf, beach and mud
MNDWI_WATER = 0.0  # (green − SWIR) / (green + SWIR) above this, and …
WATER_NIR = 0.3  # … NIR below this: water or wet ground (white plastic has a bright NIR)
# … over whole blocks of this many pixels a side (see _resolved). MNDWI's SWIR band is
# measured at 20 m: it resolves nothing smaller than one of its pixels, 2 × 2 at 10 m.
WATER_BLOCK = 2
L1C_CLOUD_BLUE = 0.3  # top-of-atmosphere blue above this, over …
L1C_CLOUD_PIXELS = 200  # … at least this many joined pixels (2 ha): a cloud, not a heap;
L1C_CLOUD_FRINGE_BLUE = 0.2  # … with its fainter fringe joined to it, down to this blue
# Pixels a side of the windows a scan is cut into (a tile of the job, a task of the queue).
# 1024 (105 km²): each window costs about 1.5 ms besides its pixels (the polygoniser, the
# reads' set-up, a few dozen array calls), a tenth of a 512² window's time; 121 windows
# make a Sentinel-2 tile instead of 484. The price: a window is skipped unread only when
# SCL says all of it is clouded, which on a ragged cloud field happens less often.
TILE = 1024
MARGIN = 8  # pixels read around a window so that texture and buffers see across its edge
THRESHOLD = 0.5  # the score a candidate pixel has at least (all pixel tests pass)
MAX_NDVI = 0.3  # the pixel tests: less vegetated than this, …
MIN_BRIGHTNESS = 0.08  # … brighter than this (mean of blue, green and red), …
MIN_BLUE_RED = 0.7  # … grey rather than red (soil and rust are red), …
MIN_TEXTURE = 0.02  # … and uneven around (the spread of brightness over 5 × 5 pixels)
TEXTURE_RADIUS = 2
MIN_PIXELS = 4  # 400 m² at 10 m
SHAPE_PIXELS = 9  # under 3 × 3 pixels a patch's outline and inner spread are its edges
MAX_PIXELS = 2500  # 25 ha: larger than all but the largest dumps, a field or a town
RING_FILL = 0.6  # a patch filling less of its outline is the edge of something else
LINE_WIDTH_M = 25.0  # thinner than this and …
LINE_LENGTH_M = 60.0  # … longer than this: a road, a field edge or a row of sheds
BLOCK_FILL = 0.8  # filling this much of its rotated rectangle …
UNIFORM_CV = 0.08  # … and this even inside: a roof or a yard, not a heap
UNEVEN_CV = 0.05  # a heap's brightness varies at least this much inside
SEASON = range(3, 10)  # March to September: no snow cover
DATE_IN_NAME = re.compile(r"(20\d\d)(\d\d)(\d\d)")
LEVELS = ("L2A", "L1C")
BASELINE_IN_NAME = re.compile(r"_N(\d{2})(\d{2})_")  # S2A_MSIL2A_20230715T061641_N0509_…
PIXEL_M = 10.0  # the grid the pixel and patch rules are made for
UNITS_METRE = ("metre", "meter", "m")
BASELINE_OFFSET = 1000  # counts added to every band from processing baseline 04.00


class SceneError(ValueError):
    """A file that is not a scene the pipeline can read, said in words.

    ``code`` says which kind ("bands", "level", "scl", "l1c", "unreadable") so that a
    page can say it in the reader's language; the message is for logs and commands.
    ``earlier`` says that the file is one of the earlier dates a scan compares with.
    """

    def __init__(self, message: str, code: str, *, earlier: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.earlier = earlier


@dataclass
class Candidate:
    lat: float
    lon: float
    score: float
    pixels: int
    area_m2: float
    outline: dict[str, Any]  # GeoJSON Polygon or MultiPolygon (see _outlines), longitude/latitude
    reasons: list[dict[str, Any]] = field(default_factory=list)  # see taza.sites.reasons


@dataclass
class WindowResult:
    """What one window gave: its candidates, and how much land it really inspected."""

    candidates: list[Candidate]
    land_m2: float
    masked_m2: float
    dropped_patches: int = 0


def _transformer(source: Any, target: Any) -> Transformer:
    """Return a longitude/latitude-ordered transformer, made once per pair and thread.

    Making one costs about a millisecond, as much as a window's other bookkeeping; pyproj
    does not promise that one can be shared between threads.
    """
    return _transformer_of(str(source), str(target), threading.get_ident())


@lru_cache(maxsize=32)
def _transformer_of(source: str, target: str, _thread: int) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def reproject(transformer: Any, geometry: Any) -> Any:
    """Return the geometry in another coordinate system (pyproj transformer, always_xy)."""
    return shapely.transform(geometry, lambda x, y: transformer.transform(x, y), interleaved=False)


# Tags that say when a scene was taken, in the order they are believed: ours, then the
# names GDAL's Sentinel-2 driver gives the product's metadata (gdal_translate copies them
# into a GeoTIFF made from a SAFE), then a STAC item's. Never TIFFTAG_DATETIME: that is
# when the file was written.
DATE_TAGS = (
    "DATE",
    "SENSING_DATE",
    "DATATAKE_1_DATATAKE_SENSING_START",
    "PRODUCT_START_TIME",
    "SENSING_TIME",
    "DATETIME",
)


def scene_date(path: Path, tags: dict[str, str]) -> date | None:
    """Return the day a scene was taken, from its tags or else its name; None if neither says.

    A tag that holds no valid date is passed over for the next, then the name.
    """
    said = {str(key).upper(): str(value) for key, value in tags.items()}
    texts = [said[key] for key in DATE_TAGS if said.get(key)] + [path.name]
    for text in texts:
        match = DATE_IN_NAME.search(text.replace("-", ""))
        if match:
            try:
                return date(*(int(x) for x in match.groups()))
            except ValueError:
                continue
    return None


def in_season(day: date | None) -> bool:
    return day is None or day.month in SEASON


# Other names for the bands: GDAL's Sentinel-2 driver ("B4"), STAC asset names (Element 84).
BAND_ALIASES = {
    "B2": "B02",
    "B3": "B03",
    "B4": "B04",
    "B8": "B08",
    "BLUE": "B02",
    "GREEN": "B03",
    "RED": "B04",
    "NIR": "B08",
    "SWIR16": "B11",
    "SWIR22": "B12",
}


def band_name(description: str | None) -> str:
    """Return the band a description names, in this module's spelling ("" for none).

    "B04", "band_B04", "B4, central wavelength 665 nm", "red" and "scl" are all read.
    """
    words = re.split(r"[\s,;:(]+", str(description or "").strip().upper(), maxsplit=1)
    name = words[0].removeprefix("BAND_") if words else ""
    return BAND_ALIASES.get(name, name)


def band_indexes(src: Any) -> dict[str, int]:
    """Map band names to 1-based indexes, by description when the file has them.

    SCL is there for Level-2A scenes and absent from Level-1C ones.
    """
    names = [band_name(d) for d in src.descriptions]
    if all(name in names for name in BANDS):
        found = {name: names.index(name) + 1 for name in BANDS}
        if SCL in names:
            found[SCL] = names.index(SCL) + 1
        return found
    if any(names):  # named, but not all the bands needed: never guess by position
        missing = [name for name in BANDS if name not in names]
        raise SceneError(
            f"{Path(src.name).name}: bands named {', '.join(filter(None, names))}; "
            f"{', '.join(missing)} not among them",
            "bands",
        )
    if src.count < len(BANDS):
        raise SceneError(
            f"{Path(src.name).name}: {src.count} bands; {len(BANDS)} are needed "
            f"({', '.join(BANDS)}), and SCL for Level-2A",
            "bands",
        )
    if src.count > len(BANDS) + 1:  # a full stack (B01 … B12, B8A): order is a guess
        raise SceneError(
            f"{Path(src.name).name}: {src.count} unnamed bands; name them (B02 … SCL) or "
            f"deliver {', '.join(BANDS)} and SCL in that order",
            "bands",
        )
    found = {name: index + 1 for index, name in enumerate(BANDS)}
    if src.count > len(BANDS):
        found[SCL] = len(BANDS) + 1
    return found


def processing_level(src: Any) -> str:
    """Say whether a scene is Level-2A or Level-1C, from its tags, its name or its bands.

    A scene that says nothing and has an SCL band is taken as Level-2A; one with neither
    cannot be told apart from top-of-atmosphere data and is refused.
    """
    tags = {k.upper(): str(v).upper() for k, v in src.tags().items()}
    said = tags.get("PROCESSING_LEVEL", "") + " " + Path(src.name).name.upper()
    for level in LEVELS:
        if level in said.replace("LEVEL-", "L").replace("MSI", ""):
            return level
    if SCL in band_indexes(src):
        return "L2A"
    raise SceneError(
        f"{Path(src.name).name}: the processing level is not said (tag PROCESSING_LEVEL "
        "or L2A/L1C in the name) and there is no SCL band",
        "level",
    )


def radiometric_offsets(src: Any) -> tuple[int, ...]:
    """Return, for each band of BANDS, the count that stands for zero reflectance.

    From processing baseline 04.00 (products from 25 January 2022) ESA adds 1,000 to every
    band of Level-1C and Level-2A, so that reflectance = (count − 1,000) / 10,000 and
    negative values survive. Read without it, every pixel looks 0.1 brighter and greyer
    than it is. Taken from, in this order: the bands' scale and offset (GDAL metadata, as
    cloud-optimised copies carry them), the tags BOA_ADD_OFFSET or RADIO_ADD_OFFSET (ESA's
    names), the tag PROCESSING_BASELINE, or the product name (…_N0510_…). A scene that
    says none of these is taken as counting from zero, as products before 2022 do.
    """
    order = band_indexes(src)
    name = Path(src.name).name
    pairs = [(src.scales[order[band] - 1], src.offsets[order[band] - 1]) for band in BANDS]
    if any((scale, offset) != (1.0, 0.0) for scale, offset in pairs):
        found = []
        for scale, offset in pairs:
            counts = -offset * 10000
            if not abs(scale - 1e-4) < 1e-9 or counts < 0 or abs(counts - round(counts)) > 1e-6:
                raise SceneError(
                    f"{name}: band scale {scale} and offset {offset}; the pipeline reads "
                    "reflectance × 10,000 (scale 0.0001, offset 0 or a negative multiple of it)",
                    "scale",
                )
            found.append(round(counts))
        return tuple(found)
    tags = {key.upper(): str(value).strip() for key, value in src.tags().items()}
    for key in ("BOA_ADD_OFFSET", "RADIO_ADD_OFFSET"):
        if key in tags:
            try:
                counts = -int(float(tags[key]))
            except ValueError:
                counts = -1
            if counts < 0:
                raise SceneError(f"{name}: {key}={tags[key]!r} is not a count ≤ 0", "scale")
            return (counts,) * len(BANDS)
    said = BASELINE_IN_NAME.search(name)
    baseline = tags.get("PROCESSING_BASELINE") or (f"{said[1]}.{said[2]}" if said else "")
    try:
        newer = float(baseline) >= 4.0 if baseline else False
    except ValueError:
        raise SceneError(
            f"{name}: PROCESSING_BASELINE={baseline!r} is not a number", "scale"
        ) from None
    return (BASELINE_OFFSET if newer else 0,) * len(BANDS)


def check_scene(src: Any, *, allow_l1c: bool = False) -> str:
    """Refuse a file the pipeline cannot use, in words; return its processing level."""
    level = processing_level(src)
    bands = band_indexes(src)
    if level == "L2A" and SCL not in bands:
        raise SceneError(f"{Path(src.name).name}: a Level-2A scene without its SCL band", "scl")
    radiometric_offsets(src)  # refuse a scale it cannot read now, not in every tile
    width, height = abs(src.transform.a), abs(src.transform.e)
    if src.crs is None or not src.crs.is_projected or src.crs.linear_units not in UNITS_METRE:
        raise SceneError(
            f"{Path(src.name).name}: coordinates {src.crs} are not a projected system in "
            "metres; the rules measure patches in metres (use the product's UTM zone)",
            "grid",
        )
    if max(abs(src.transform.b), abs(src.transform.d)) > 1e-6:  # metres a pixel: none
        raise SceneError(
            f"{Path(src.name).name}: a rotated or sheared grid; the rules are made for the "
            "product's north-up 10 m grid",
            "grid",
        )
    if max(abs(width - PIXEL_M), abs(height - PIXEL_M)) > 0.5:
        raise SceneError(
            f"{Path(src.name).name}: pixels of {width:g} × {height:g} m; the rules are made "
            f"for Sentinel-2's {PIXEL_M:g} m bands",
            "grid",
        )
    if level == "L1C" and not allow_l1c:
        raise SceneError(
            f"{Path(src.name).name}: a Level-1C scene (top of atmosphere). Use the Level-2A "
            "product, or ask for Level-1C explicitly (--l1c): haze is then taken off by "
            "dark-object subtraction and clouds masked by brightness, coarser than SCL",
            "l1c",
        )
    return level


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
class PixelStack:
    """The indices the pixel tests and the score read."""

    ndvi: np.ndarray
    brightness: np.ndarray
    blue_red: np.ndarray
    texture: np.ndarray


@dataclass
class Indices(PixelStack):
    """The whole documented stack (the classifier's features read the rest)."""

    bsi: np.ndarray
    ndbi: np.ndarray
    mndwi: np.ndarray
    pi: np.ndarray


def indices(bands: dict[str, np.ndarray]) -> Indices:
    """Compute the documented index stack, from reflectances scaled 0–1."""
    b, g, r, n, s1 = (bands[k] for k in ("B02", "B03", "B04", "B08", "B11"))
    brightness = (b + g + r) / 3
    mean = _box_mean(brightness, TEXTURE_RADIUS)
    texture = np.sqrt(np.clip(_box_mean(brightness**2, TEXTURE_RADIUS) - mean**2, 0, None))
    return Indices(
        ndvi=_ratio(n - r, n + r),
        bsi=_ratio((s1 + r) - (n + b), (s1 + r) + (n + b)),
        ndbi=_ratio(s1 - n, s1 + n),
        mndwi=_ratio(g - s1, g + s1),
        pi=_ratio(n, n + r),
        brightness=brightness,
        blue_red=_ratio(b, r),
        texture=texture,
    )


# Each pixel test: its reason code (taza.sites.reasons), the rule, the pixels that pass.
PIXEL_TESTS: tuple[tuple[str, str, Callable[[PixelStack], np.ndarray]], ...] = (
    ("unvegetated", f"NDVI < {MAX_NDVI}", lambda i: i.ndvi < MAX_NDVI),
    ("bright", f"brightness ≥ {MIN_BRIGHTNESS}", lambda i: i.brightness >= MIN_BRIGHTNESS),
    ("grey", f"blue/red ≥ {MIN_BLUE_RED}", lambda i: i.blue_red >= MIN_BLUE_RED),
    ("uneven", f"texture ≥ {MIN_TEXTURE}", lambda i: i.texture >= MIN_TEXTURE),
)


def score(stack: PixelStack) -> np.ndarray:
    """Score each pixel 0–1: zero unless every pixel test passes, then by its margins.

    The margins rank what passes: less vegetation, more grey and more uneven score more.
    """
    passes = np.ones(stack.ndvi.shape, dtype=bool)
    for _name, _rule, test in PIXEL_TESTS:
        passes &= test(stack)
    margin = (
        np.clip((MAX_NDVI - stack.ndvi) / MAX_NDVI, 0, 1)
        + np.clip((stack.blue_red - MIN_BLUE_RED) / 0.4, 0, 1)
        + np.clip((stack.texture - MIN_TEXTURE) / 0.06, 0, 1)
        + np.clip((stack.brightness - MIN_BRIGHTNESS) / 0.15, 0, 1)
    ) / 4
    total = np.where(passes, THRESHOLD + (1 - THRESHOLD) * margin, 0.0)
    return total.astype(np.float32)


@lru_cache(maxsize=8)
def _dark_objects(path: str, mtime: float) -> tuple[float, ...]:
    """Each band's haze offset for Level-1C: its 0.1st percentile over the scene.

    Read from a decimated copy (at most 1,024² pixels), once per scene and process.
    """
    with rasterio.open(path) as src:
        order = band_indexes(src)
        step = max(1, max(src.width, src.height) // 1024)
        shape_out = (max(1, src.height // step), max(1, src.width // step))
        offsets = []
        for name in BANDS:
            counts = _counts(src, [order[name]], src.read([order[name]], out_shape=(1, *shape_out)))
            values = counts[counts > 0]
            # Whole counts, so that the corrected bands stay integers (see _corrected).
            offsets.append(float(round(np.percentile(values, 0.1))) if values.size else 0.0)
    return tuple(offsets)


def _large(mask: np.ndarray, pixels: int) -> np.ndarray:
    """Keep only the joined areas of a mask that have at least this many pixels."""
    where = np.flatnonzero(mask)
    kept = np.zeros(mask.shape, dtype=bool)
    if where.size < pixels:
        return kept  # no area can be that large: nothing to join
    patch, _count = _patches(where, mask.shape)
    kept.flat[where[np.bincount(patch)[patch] >= pixels]] = True
    return kept


def _joined(mask: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Keep only the joined areas of a mask that hold a seed pixel (seeds lie in the mask).

    Why: a cloud's thin fringe is fainter than its core but as grey and bright as a heap;
    it is cloud where it joins a core (hysteresis, as edge detectors do), not on its own.
    """
    where = np.flatnonzero(mask)
    patch, count = _patches(where, mask.shape)
    seeded = np.zeros(count, dtype=bool)
    seeded[patch[seeds.flat[where]]] = True
    kept = np.zeros(mask.shape, dtype=bool)
    kept.flat[where[seeded[patch]]] = True
    return kept


EIGHT_WAYS = np.ones((3, 3), dtype=bool)  # a pixel touches the eight around it


def _patches(flat: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, int]:
    """Return each pixel's patch: the 8-connected patches of some pixels of a window, numbered.

    ``flat`` holds the pixels' flat indexes in ascending (raster) order; patches are
    numbered from 0 in the order of their first pixel, as ndimage.label numbers them.
    Labelling walks every pixel of the image it is given, and a window's candidate
    pixels are a few hundred of its 280,000: so the window is first squeezed, each run of
    rows (and of columns) holding none of the pixels becoming a single empty one. That
    keeps every pixel's neighbours and separations, and the raster order, so the patches
    and their numbers are those of the whole window. Only the pixels' numbers are kept:
    what follows works on pixel lists, never on a labelled window again.
    """
    rows, cols = np.divmod(flat, int(shape[1]))
    row_at, height = _squeezed(rows, int(shape[0]))
    col_at, width = _squeezed(cols, int(shape[1]))
    image = np.zeros((height, width), dtype=bool)
    image[row_at, col_at] = True
    labels, count = ndimage.label(image, structure=EIGHT_WAYS)
    return labels[row_at, col_at] - 1, int(count)


def _squeezed(places: np.ndarray, length: int) -> tuple[np.ndarray, int]:
    """Return where rows (or columns) go when each run of unused ones becomes one, and how many.

    A used row is kept, and so is the first unused row after it, to keep what it separates apart.
    """
    used = np.zeros(length, dtype=bool)
    used[places] = True
    kept = used.copy()
    kept[1:] |= used[:-1]
    at = np.cumsum(kept) - 1
    return at[places], int(at[-1] + 1) if length else 0


def _read_padded(src: Any, bands: list[int], window: Window) -> np.ndarray:
    """Read a window that may reach past the scene's edge, the outside filled with zeros.

    Reads only the part inside and pads it: much faster than GDAL's boundless read.
    """
    col, row = int(window.col_off), int(window.row_off)
    width, height = int(window.width), int(window.height)
    left, top = max(col, 0), max(row, 0)
    right, bottom = min(col + width, src.width), min(row + height, src.height)
    if (left, top, right, bottom) == (col, row, col + width, row + height):
        return _counts(src, bands, src.read(bands, window=window))  # wholly inside
    out = np.zeros((len(bands), height, width), dtype=np.uint16)
    if right > left and bottom > top:
        inside = src.read(bands, window=Window(left, top, right - left, bottom - top))
        out[:, top - row : bottom - row, left - col : right - col] = _counts(src, bands, inside)
    return out


def _counts(src: Any, bands: list[int], data: np.ndarray) -> np.ndarray:
    """Return bands as stored counts (uint16, reflectance × 10,000; 0 is no data).

    Most deliveries are uint16 counts already and pass through untouched. Some tools
    write int16 with a negative no-data value, or float reflectance 0–1 (Sentinel Hub's
    FLOAT32): the file's no-data value, anything below zero and not-a-number become 0,
    and float reflectance is scaled to counts. The SCL band is a class, never scaled.
    """
    nodata = [src.nodatavals[band - 1] for band in bands]
    if data.dtype == np.uint16 and all(value in (None, 0) for value in nodata):
        return data
    values = data.astype(np.float64)
    for index, value in enumerate(nodata):
        if value is not None and not np.isnan(value):
            values[index][values[index] == value] = 0
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    scene = getattr(src, "src_dataset", src)  # a warped view reads the scene beneath it
    if data.dtype.kind == "f" and _stores_reflectance(scene.name, Path(scene.name).stat().st_mtime):
        scl = band_indexes(scene).get(SCL)
        for index, band in enumerate(bands):
            if band != scl:
                values[index] *= 10000
    counts: np.ndarray = np.clip(np.rint(values), 0, 65535).astype(np.uint16)
    return counts


@lru_cache(maxsize=8)
def _stores_reflectance(path: str, mtime: float) -> bool:
    """Say whether a float scene stores reflectance (0–1) rather than counts (0–10,000).

    From the red band of a decimated copy: reflectance stays under 2 even on clouds,
    counts of any lit ground are in the hundreds.
    """
    with rasterio.open(path) as src:
        step = max(1, max(src.width, src.height) // 512)
        shape_out = (max(1, src.height // step), max(1, src.width // step))
        red = src.read(band_indexes(src)["B04"], out_shape=shape_out).astype(np.float64)
    lit = red[np.isfinite(red) & (red > 0)]
    return bool(lit.size) and float(np.percentile(lit, 99)) <= 2.0


def _floors(src: Any, level: str, offsets: tuple[int, ...]) -> tuple[int, ...]:
    """Return what to take off each band's counts: the radiometric offset, on Level-1C the haze.

    ``offsets`` are the scene's radiometric offsets (radiometric_offsets). The haze offset
    is the darkest counts of the scene, so it holds the radiometric offset already; it is
    never taken as less than that.
    """
    if level != "L1C":
        return offsets
    haze = _dark_objects(src.name, Path(src.name).stat().st_mtime)
    return tuple(max(int(dark), offset) for dark, offset in zip(haze, offsets, strict=True))


def _scl_excluded(scl: np.ndarray) -> np.ndarray:
    """Return where SCL names a class in EXCLUDED_SCL.

    A few comparisons with the classes kept (2, 4 and 5) instead of a lookup table
    indexed by every pixel: a sixth of the time on a window, where the lookup was most
    of what a clouded-over window cost.
    """
    excluded: np.ndarray = scl < _SCL_CLASSES
    for value in _KEPT_SCL:
        excluded &= scl != value
    return excluded


def _cloudy_and_nodata(
    data: np.ndarray,
    level: str,
    offsets: tuple[int, ...],
    bands: int = len(BANDS),
    excluded: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the cloud-like and the no-data pixels of a window of counts, not yet buffered.

    ``data`` holds the first ``bands`` of BANDS, then SCL when the scene has it;
    ``excluded``, when given, is _scl_excluded of that SCL, already worked out.
    """
    raw = data[:bands]
    nodata = raw[0] == 0
    dark = np.flatnonzero(nodata)  # few pixels: test the other bands only there
    if dark.size:
        nodata.flat[dark] = ~np.take(raw.reshape(bands, -1), dark, axis=1).any(axis=0)
    if level == "L1C":
        bright = raw[0] >= _scaled_at_least(L1C_CLOUD_BLUE) + offsets[0]
        cloudy = _large(bright, L1C_CLOUD_PIXELS)
        if cloudy.any():
            faint = raw[0] >= _scaled_at_least(L1C_CLOUD_FRINGE_BLUE) + offsets[0]
            cloudy = _joined(faint, cloudy)
    elif data.shape[0] > bands:
        scl = data[-1]
        water = scl == 6  # buffered with the wet shore, as water
        cloudy = (_scl_excluded(scl) if excluded is None else excluded) & ~water
        nodata |= water
    else:
        cloudy = np.zeros(nodata.shape, dtype=bool)
    return cloudy, nodata


def _read(
    src: Any, window: Window, *, level: str, boundless: bool = False
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Read reflectances (0–1), the cloud-like mask and the no-data mask of one window."""
    order = band_indexes(src)
    wanted = [order[name] for name in BANDS] + ([order[SCL]] if SCL in order else [])
    if boundless:
        data = _read_padded(src, wanted, window)
    else:
        data = _counts(src, wanted, src.read(wanted, window=window))
    offsets = radiometric_offsets(src)
    cloudy, nodata = _cloudy_and_nodata(data, level, offsets)
    corrected = _corrected(data[: len(BANDS)], _floors(src, level, offsets))
    bands = {name: corrected[i].astype(np.float32) / 10000.0 for i, name in enumerate(BANDS)}
    return bands, cloudy, nodata


def read_window(
    src: Any, window: Any, *, level: str | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read the bands of one window and the mask of pixels to ignore (unbuffered)."""
    level = level or processing_level(src)
    bands, cloudy, nodata = _read(src, window, level=level)
    return bands, cloudy | nodata


def read_window_boundless(src: Any, window: Any) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """As read_window, for a window that may reach past the scene's edge (filled as no data)."""
    bands, cloudy, nodata = _read(src, window, level=processing_level(src), boundless=True)
    return bands, cloudy | nodata


def _grow(mask: np.ndarray, pixels: int) -> np.ndarray:
    """Grow a mask by this many pixels every way (a square around each pixel).

    By shifted ORs, rows then columns, each shift doubling what is covered (1, then 2,
    … pixels): the same as a maximum filter, a few times faster, and for 3 pixels four
    ORs a direction instead of six.
    """
    if pixels <= 0 or not mask.any():
        return mask
    grown = mask.copy()
    for lines in (grown, grown.T):  # down the rows, then along them (a view: in place)
        reach = 0  # every pixel within ``reach`` of one of the mask's is covered
        while reach < pixels:
            step = min(2 * reach + 1, pixels - reach)  # no gap left in what is covered
            lines[step:] |= lines[:-step]
            lines[:-step] |= lines[step:]
            reach += step
    return grown


@dataclass
class Exclusion:
    """A deployment's areas never to inspect: built-up areas, quarries, landfills.

    Either polygons (GeoJSON, in longitude/latitude) or a raster whose non-zero pixels
    are excluded (any CRS; read warped to each window, so a national layer is fine).
    """

    geometries: list[Any] = field(default_factory=list)  # in longitude/latitude
    raster: Path | None = None
    _index: Any = field(default=None, repr=False, compare=False)

    def _tree(self) -> Any:
        if self._index is None:
            self._index = shapely.STRtree(self.geometries)
        return self._index

    @classmethod
    def load(cls, path: Path) -> Exclusion:
        """Read a layer by its suffix: .geojson or .json polygons, .tif or .tiff raster.

        A layer that cannot be read is refused here, in words (SceneError "exclusion"),
        not in every tile: a scan loads it before it plans any. A feature without a
        geometry is no area and is passed over; anything that is not GeoJSON is refused.
        """
        try:
            if path.suffix.lower() in (".tif", ".tiff"):
                with rasterio.open(path) as src:
                    if src.crs is None:
                        raise ValueError("the raster has no coordinate system")
                return cls(raster=path)
            import json

            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or "type" not in data:
                raise ValueError("not a GeoJSON object")
            features = data["features"] if data["type"] == "FeatureCollection" else [data]
            geometries = []
            for feature in features:
                geometry = feature.get("geometry") if feature.get("type") == "Feature" else feature
                if geometry:
                    geometries.append(shape(geometry))
        except (
            OSError,
            ValueError,
            TypeError,
            AttributeError,
            KeyError,
            IndexError,
            rasterio.errors.RasterioError,
            shapely.errors.ShapelyError,
        ) as exc:
            raise SceneError(
                f"{path.name}: not a readable exclusion layer ({exc})", "exclusion"
            ) from None
        return cls([g for g in geometries if not g.is_empty])

    def mask(self, crs: Any, affine: Any, shape_out: tuple[int, int]) -> np.ndarray:
        """Return the window's pixels that the layer excludes."""
        inside = np.zeros(shape_out, dtype=bool)
        if self.geometries:
            # Only the polygons near the window: a national layer has many thousands.
            height, width = shape_out
            corners = shapely.box(*array_bounds(height, width, affine))
            near = self._tree().query(reproject(_transformer(crs, "EPSG:4326"), corners))
            to_scene = _transformer("EPSG:4326", crs)
            local = [mapping(reproject(to_scene, self.geometries[i])) for i in near]
            if local:
                inside |= geometry_mask(local, shape_out, affine, invert=True, all_touched=True)
        if self.raster is not None:
            # Kept open between windows, as scenes are (open_scene): a national layer's
            # blocks are read once, not once per window.
            with WarpedVRT(
                open_scene(self.raster),
                crs=crs,
                transform=affine,
                width=shape_out[1],
                height=shape_out[0],
                nodata=0,
            ) as warped:
                inside |= warped.read(1) != 0
        return inside


@dataclass
class Earlier:
    """One earlier date of the tile: its counts and its mask over the window.

    What the history rule needs per pixel is computed only in the boxes of the patches.
    """

    day: date | None
    counts: _Counts
    masked: np.ndarray

    def looks(self, box: tuple[slice, slice]) -> tuple[np.ndarray, np.ndarray]:
        """Return, in a box, the pixels that were dump-like and those that were vegetated."""
        stack = _stack_in(self.counts, box)
        return score(stack) > 0, stack.ndvi >= 0.4


def _history_verdict(
    history: Sequence[Earlier], box: tuple[slice, slice], pixels: np.ndarray
) -> tuple[float, list[dict[str, Any]]]:
    """Weigh the patch's past: (score factor, reasons). See the module's rule 5.

    Looks only at the patch's bounding box of each earlier date.
    """
    if not history:
        return 1.0, []
    looked = []
    for earlier in history:
        seen = pixels & ~earlier.masked[box]
        if seen.sum() < max(1, pixels.sum() // 2):
            continue  # clouded over on that date: says nothing
        was_dumpish, was_vegetated = earlier.looks(box)
        dumpish = float(was_dumpish[seen].mean())
        vegetated = float(was_vegetated[seen].mean())
        looked.append((earlier.day, dumpish, vegetated))
    if not looked:
        return 1.0, []
    if all(dumpish >= 0.5 for _d, dumpish, _v in looked):
        return 1.0, [reason("persisting")]
    if len(looked) >= 2 and looked[-1][1] >= 0.5 and looked[0][2] >= 0.5:
        since = looked[0][0].isoformat() if looked[0][0] else "?"
        return 1.15, [reason("new", date=since)]
    if looked[-1][1] < 0.5:
        return 0.5, [reason("only_now")]
    return 1.0, []


KEPT_OPEN = 8  # scenes a thread keeps open: one, its earlier dates, the exclusion layer


@dataclass
class _Kept:
    """A scene kept open, the version of the file it reads, and what is known of it."""

    version: tuple[int, int]  # modification time and size
    src: Any
    facts: dict[str, Any] = field(default_factory=dict)


class _OpenScenes(threading.local):
    """This thread's open scenes, by path: at most KEPT_OPEN, reopened when a file changes."""

    def __init__(self) -> None:
        self.handles: OrderedDict[str, _Kept] = OrderedDict()


_OPEN = _OpenScenes()
# A forked worker must not read through its parent's handles: an inherited file shares its
# read position with the parent. It opens its own.
os.register_at_fork(after_in_child=lambda: _OPEN.handles.clear())


def open_scene(path: Path) -> Any:
    """Return an open handle on a scene, kept for the next window of the same scene.

    A worker scans a scene window by window. Opening the file for each window threw away
    GDAL's block cache, so the blocks under every window's margin were decoded again:
    2.4 times the reading time on the shipped crops, reading being most of a clear scan.
    """
    stat = path.stat()
    key, version = str(path), (stat.st_mtime_ns, stat.st_size)
    known = _OPEN.handles.pop(key, None)
    if known is None or known.version != version or known.src.closed:
        known = _Kept(version, rasterio.open(path))
    _OPEN.handles[key] = known
    src = known.src
    while len(_OPEN.handles) > KEPT_OPEN:
        # Forgotten, not closed: a window may still be reading it (a scene and its earlier
        # dates are open together); it closes when nothing refers to it any more.
        _OPEN.handles.popitem(last=False)
    return src


def close_scenes() -> None:
    """Close this thread's kept scene handles (before a file is replaced or removed)."""
    while _OPEN.handles:
        _key, kept = _OPEN.handles.popitem()
        kept.src.close()


def _known(src: Any, fact: str, work: Callable[[Any], Any]) -> Any:
    """Return a fact about a scene, worked out once per kept handle (see open_scene).

    Every window of a scene needs its level, bands, offsets and coordinate system; from
    the file's metadata each costs a tenth of a millisecond or so, together as much as a
    window's pixel tests. A scene not kept open (a warped view) is asked every time.
    """
    for kept in _OPEN.handles.values():
        if kept.src is src:
            if fact not in kept.facts:
                kept.facts[fact] = work(src)
            return kept.facts[fact]
    return work(src)


def scene_crs(src: Any) -> str:
    """Return a scene's coordinate system as text (for transformers and warping)."""
    return str(_known(src, "crs", lambda scene: str(scene.crs)))


class _Counts:
    """A window's index bands as stored, and what reads as zero in each (see _floors).

    The floors are taken off only where pixel values are wanted (the candidate pixels,
    the boxes of patches): taking them off the whole window first cost a copy of it. The
    window-wide tests (water, the superset of the pixel tests) take them into account in
    their inequalities instead.
    """

    def __init__(self, raw: np.ndarray, floors: Sequence[int]) -> None:
        self.raw = raw
        self.floors = tuple(int(floor) for floor in floors[: len(raw)])

    @property
    def shape(self) -> tuple[int, int]:
        """Return the window's height and width."""
        return int(self.raw.shape[1]), int(self.raw.shape[2])

    def take(self, bands: int, flat: np.ndarray) -> np.ndarray:
        """Return the first bands' counts less their floors at some pixels (flat indexes)."""
        return _corrected(np.take(self.raw[:bands].reshape(bands, -1), flat, axis=1), self.floors)

    def box(self, rows: slice, cols: slice) -> np.ndarray:
        """Return every band's counts less its floor over a box."""
        return _corrected(self.raw[:, rows, cols], self.floors)


@dataclass
class _Window:
    """One window's pixels as the rules need them, the cheap way first.

    ``counts`` holds the index bands as stored and what to take off each (the
    radiometric offset and, on Level-1C, the haze); ``masked`` is rule 1 over the whole
    window; ``maybe`` is a superset of its unmasked pixels that can pass every pixel test, found
    with a few integer comparisons. The full
    index stack (texture needs a float box filter) is computed only around ``maybe``:
    on real scenes that is well under 2% of the pixels.
    """

    counts: _Counts
    masked: np.ndarray
    maybe: np.ndarray


def _corrected(raw: np.ndarray, floors: Sequence[int]) -> np.ndarray:
    """Return the bands' counts less their floors (see _floors), as whole numbers ≥ 0.

    ``raw`` holds the bands first: whole windows, boxes or the pixels picked from them.
    """
    if not any(floors):
        return raw
    floor = np.asarray(floors[: len(raw)], dtype=raw.dtype)
    floor = floor.reshape(floor.shape + (1,) * (raw.ndim - 1))
    corrected: np.ndarray = np.maximum(raw, floor)
    corrected -= floor
    return corrected


@lru_cache(maxsize=16)
def _scaled_at_least(value: float) -> int:
    """Return the smallest band count whose reflectance (count / 10,000, as read) ≥ value."""
    counts = np.arange(65536, dtype=np.float32)
    return int(np.argmax(counts / 10000.0 >= value)) if value <= 6.5535 else 65536


def _resolved(mask: np.ndarray, side: int) -> np.ndarray:
    """Keep the pixels of a mask that lie in some side × side block wholly in it (an opening).

    Used for water: MNDWI takes SWIR at 20 m, so a "wet" area less than one SWIR pixel
    across (2 × 2 at 10 m) is below what the index resolves. Such pixels are found at the
    edge of bright heaps and roofs, where the 20 m SWIR of darker neighbours reads lower
    than a bright pixel's own green; grown by the water buffer, a few of them masked a
    small heap whole.
    """
    if side <= 1 or not mask.any():
        return mask
    height, width = mask.shape
    if height < side or width < side:
        return np.zeros_like(mask)
    inside = mask[: height - side + 1, : width - side + 1].copy()  # blocks by top-left pixel
    for row in range(side):
        for col in range(side):
            if row or col:
                inside &= mask[row : height - side + 1 + row, col : width - side + 1 + col]
    kept = np.zeros_like(mask)
    for row in range(side):
        for col in range(side):
            kept[row : height - side + 1 + row, col : width - side + 1 + col] |= inside
    return kept


def _window_tests(counts: _Counts) -> tuple[np.ndarray, np.ndarray]:
    """Return the water and wet shore of a window, and a superset of what passes the pixel tests.

    Water and wet shore: MNDWI above MNDWI_WATER and NIR below WATER_NIR. The superset:
    the pixel tests of PIXEL_TESTS but texture (which needs a box filter), in whole
    numbers, a little looser so that rounding never drops a pixel the exact tests keep.
    Both on counts less their floors (see _Counts), worked out pixel by pixel, without a
    division, by _window_kernel: one compiled pass over the window instead of a dozen
    numpy operations over arrays of a million pixels, each a fresh temporary. It was
    three of the detector's ten milliseconds a window of its own work on farmland.
    The thresholds are passed in, not read by the kernel: numba would freeze them.
    """
    water = round(MNDWI_WATER * 100)  # MNDWI > t: (100 − t) g′ > (100 + t) s′
    vegetated = round(MAX_NDVI * 100) + 1  # NDVI ≤ v: (100 − v) n′ ≤ (100 + v) r′
    wet, maybe = _window_kernel(
        np.ascontiguousarray(counts.raw[: len(INDEX_BANDS)], dtype=np.uint16),
        tuple(counts.floors[: len(INDEX_BANDS)]),
        (100 - water, 100 + water),
        _scaled_at_least(WATER_NIR),
        (100 - vegetated, 100 + vegetated),
        round(3 * MIN_BRIGHTNESS * 10000) - 3,
        round(MIN_BLUE_RED * 100) - 1,
    )
    return wet, maybe


@numba.njit(cache=True, nogil=True)
def _window_kernel(
    raw: np.ndarray,
    floors: tuple[int, ...],
    water: tuple[int, int],
    water_nir: int,
    bare: tuple[int, int],
    least_sum: int,
    grey: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled; tested through its caller
    """Work out _window_tests's two masks in one pass (blue, green, red, NIR, SWIR in ``raw``).

    Each band less its floor, never below zero: g′ = max(g − f, 0). Water: water[0] g′ >
    water[1] s′ and NIR′ < water_nir. Maybe: bare[0] n′ ≤ bare[1] r′ (NDVI), b′ + g′ + r′ ≥
    least_sum (brightness) and 100 b′ ≥ grey r′ (grey, not red).
    """
    height, width = raw.shape[1], raw.shape[2]
    wet = np.empty((height, width), dtype=np.bool_)
    maybe = np.empty((height, width), dtype=np.bool_)
    for row in range(height):
        for col in range(width):
            blue = max(int(raw[0, row, col]) - floors[0], 0)
            green = max(int(raw[1, row, col]) - floors[1], 0)
            red = max(int(raw[2, row, col]) - floors[2], 0)
            nir = max(int(raw[3, row, col]) - floors[3], 0)
            swir = max(int(raw[4, row, col]) - floors[4], 0)
            wet[row, col] = (water[0] * green > water[1] * swir) & (nir < water_nir)
            maybe[row, col] = (
                (bare[0] * nir <= bare[1] * red)
                & (blue + green + red >= least_sum)
                & (100 * blue >= grey * red)
            )
    return wet, maybe


def _first_look(
    data: np.ndarray, level: str, src: Any, excluded: np.ndarray | None = None
) -> _Window:
    """Apply rule 1 and the cheap superset of rule 3 to a whole window of counts.

    ``excluded`` is what SCL excludes, when reading the window worked it out already.
    """
    offsets: tuple[int, ...] = _known(src, "offsets", radiometric_offsets)
    floors = _known(src, f"floors {level}", lambda scene: _floors(scene, level, offsets))
    cloudy, nodata = _cloudy_and_nodata(data, level, offsets, len(INDEX_BANDS), excluded)
    counts = _Counts(data[: len(INDEX_BANDS)], floors)
    wet, maybe = _window_tests(counts)
    wet = _resolved(wet, WATER_BLOCK) | nodata
    if CLOUD_BUFFER == WATER_BUFFER:  # one pass grows both
        masked = _grow(cloudy | wet, CLOUD_BUFFER)
    else:
        masked = _grow(cloudy | nodata, CLOUD_BUFFER) | _grow(wet, WATER_BUFFER)
    maybe &= ~masked
    return _Window(counts, masked, maybe)


PIXEL_FIELDS = tuple(PixelStack.__dataclass_fields__)


def _score_pixels(counts: _Counts, flat: np.ndarray) -> tuple[PixelStack, np.ndarray]:
    """Compute the pixel indices and the score at some pixels of a window (flat indexes).

    When they are few (the usual case), only they and the 5 × 5 pixels around each (for
    texture, the window's edge repeated as in _box_mean) are read; when they are many,
    the whole window is computed and those pixels taken from it.
    """
    shape_out = counts.shape
    if flat.size * (2 * TEXTURE_RADIUS + 1) ** 2 > shape_out[0] * shape_out[1]:
        whole = _stack_in(counts, (slice(0, shape_out[0]), slice(0, shape_out[1])))
        picked = PixelStack(*(getattr(whole, name).ravel()[flat] for name in PIXEL_FIELDS))
        return picked, score(picked)
    rows, cols = np.divmod(flat, shape_out[1])
    blue, green, red, nir = counts.take(4, flat).astype(np.float32) / 10000.0
    reach = np.arange(-TEXTURE_RADIUS, TEXTURE_RADIUS + 1)
    near_rows = np.clip(rows[:, None, None] + reach[None, :, None], 0, shape_out[0] - 1)
    near_cols = np.clip(cols[:, None, None] + reach[None, None, :], 0, shape_out[1] - 1)
    around = counts.take(3, near_rows * shape_out[1] + near_cols).astype(np.float32) / 10000.0
    near = (around[0] + around[1] + around[2]) / 3  # brightness around each pixel, N × 5 × 5
    mean = near.mean(axis=(1, 2), dtype=np.float64)
    spread = (near**2).mean(axis=(1, 2), dtype=np.float64) - mean**2
    values = PixelStack(
        ndvi=_ratio(nir - red, nir + red),
        brightness=(blue + green + red) / 3,
        blue_red=_ratio(blue, red),
        texture=np.sqrt(np.clip(spread, 0, None)),
    )
    return values, score(values)


def _pick(values: PixelStack, keep: np.ndarray) -> PixelStack:
    """Return the values of the pixels kept."""
    return PixelStack(*(getattr(values, name)[keep] for name in PIXEL_FIELDS))


def _stack_in(counts: _Counts, box: tuple[slice, slice]) -> Indices:
    """Compute the index stack over a box exactly as a whole-window pass would.

    The bands are taken with the texture's reach more on each side (where the window has
    it), so each pixel's texture sees the same neighbours.
    """
    rows, cols = box
    height, width = counts.shape
    reach = TEXTURE_RADIUS
    top, left = max(rows.start - reach, 0), max(cols.start - reach, 0)
    bottom, right = min(rows.stop + reach, height), min(cols.stop + reach, width)
    part = counts.box(slice(top, bottom), slice(left, right)).astype(np.float32) / 10000.0
    stack = indices(dict(zip(INDEX_BANDS, part, strict=True)))
    inner = (slice(rows.start - top, rows.stop - top), slice(cols.start - left, cols.stop - left))
    return Indices(*(getattr(stack, name)[inner] for name in Indices.__dataclass_fields__))


def _read_counts(
    src: Any,
    window: Window,
    *,
    allow_l1c: bool,
    inner: tuple[slice, slice] | None = None,
    reader: Any = None,
) -> tuple[str, np.ndarray | None, np.ndarray | None]:
    """Check a scene and read a window of its index bands (and SCL) as stored: counts.

    B12 is left unread: the rules never look at it (it is for the false-colour chips),
    and from a file that stores bands apart it was a sixth of the read.

    With SCL, it is read first: when it says that every pixel of ``inner`` is cloud,
    shadow, snow, water or no data, nothing more is read (None). From a file that stores
    bands apart (band-interleaved, or a VRT of the product's band files), a clouded-over
    window then costs one band's read, not six. Nor are the bands read in a margin that
    SCL says is all excluded (see _boxes_to_read): beside a clouded-over window, that margin
    cost a row of blocks the clouded window never decoded. ``reader``, when given, is
    read instead of ``src`` (the scene warped onto another's grid). Also returned: what
    SCL excludes over the window, when it was worked out for that (else None), so that
    the masks do not work it out again.
    """
    level = str(_known(src, f"level l1c={allow_l1c}", partial(check_scene, allow_l1c=allow_l1c)))
    order: dict[str, int] = _known(src, "bands", band_indexes)
    reader = reader if reader is not None else src
    bands = [order[name] for name in INDEX_BANDS]
    if SCL not in order:
        return level, _read_padded(reader, bands, window), None
    scl = _read_padded(reader, [order[SCL]], window)
    if inner is None:
        return level, np.concatenate([_read_padded(reader, bands, window), scl]), None
    excluded = _scl_excluded(scl[0])
    if excluded[inner].all():
        return level, None, excluded
    data = np.zeros((len(bands) + 1, *scl.shape[1:]), dtype=np.uint16)
    for rows, cols in _boxes_to_read(excluded, inner):
        box = Window(
            window.col_off + cols.start,
            window.row_off + rows.start,
            cols.stop - cols.start,
            rows.stop - rows.start,
        )
        data[: len(bands), rows, cols] = _read_padded(reader, bands, box)
    data[-1] = scl[0]
    return level, data, excluded


def _boxes_to_read(excluded: np.ndarray, inner: tuple[slice, slice]) -> list[tuple[slice, slice]]:
    """Return the parts of a window whose bands are worth reading: all but excluded margins.

    The margin around ``inner`` is cut into four sides and four corners. One that SCL says
    is all cloud, shadow, water, snow or no data is masked whatever its bands say, and so
    is every pixel within CLOUD_BUFFER of it; the texture of a pixel left unmasked
    (TEXTURE_RADIUS < CLOUD_BUFFER) never reaches it. Its bands are left unread, as no
    data (zeros): every mask, test and candidate is as if they had been read (tested).
    Beside a window that was clouded over the side always is (it lies inside that
    window), and it cost a row of blocks that window never decoded. The first box is
    the inner part with every side that is read; a corner outside it that is not all
    excluded follows as a box of its own.
    """
    height, width = excluded.shape
    everything = (slice(0, height), slice(0, width))
    if CLOUD_BUFFER <= TEXTURE_RADIUS:  # a pixel left unmasked could see the margin
        return [everything]
    # Before, inside and after ``inner``, down and across.
    rows_of = (slice(0, inner[0].start), inner[0], slice(inner[0].stop, height))
    cols_of = (slice(0, inner[1].start), inner[1], slice(inner[1].stop, width))

    def unread(rows: slice, cols: slice) -> bool:
        part = excluded[rows, cols]
        return not part.size or bool(part.all())

    skip_top, skip_bottom = unread(rows_of[0], inner[1]), unread(rows_of[2], inner[1])
    skip_left, skip_right = unread(inner[0], cols_of[0]), unread(inner[0], cols_of[2])
    rows = slice(inner[0].start if skip_top else 0, inner[0].stop if skip_bottom else height)
    cols = slice(inner[1].start if skip_left else 0, inner[1].stop if skip_right else width)
    boxes = [(rows, cols)]
    for corner_rows, row_skipped in ((rows_of[0], skip_top), (rows_of[2], skip_bottom)):
        for corner_cols, col_skipped in ((cols_of[0], skip_left), (cols_of[2], skip_right)):
            if (row_skipped or col_skipped) and not unread(corner_rows, corner_cols):
                boxes.append((corner_rows, corner_cols))
    return boxes


def _earlier(path: Path, src: Any, window: Window, *, allow_l1c: bool) -> Earlier:
    """Read an earlier scene of the tile over the same ground as a window of ``src``.

    A scene of the same tile on the same grid is read as it is; one with another extent
    or grid (cropped differently, reprojected) is warped onto this scene's grid, nearest
    pixel, so the history rule always compares the same ground.
    """
    old = open_scene(path)
    day = scene_date(path, old.tags())
    same_grid = (old.crs, old.transform, old.width, old.height) == (
        src.crs,
        src.transform,
        src.width,
        src.height,
    )
    if same_grid:
        level, data, _excluded = _read_counts(old, window, allow_l1c=allow_l1c)
    else:
        with WarpedVRT(
            old,
            crs=src.crs,
            transform=src.transform,
            width=src.width,
            height=src.height,
            resampling=Resampling.nearest,
            nodata=0,
        ) as aligned:
            level, data, _excluded = _read_counts(old, window, allow_l1c=allow_l1c, reader=aligned)
    if data is None:  # not reached: without ``inner`` every window is read whole
        raise SceneError(f"{path.name}: nothing read", "unreadable")
    look = _first_look(data, level, old)
    return Earlier(day, look.counts, look.masked)


def _outside(
    territory: Any, exclusion: Exclusion | None, crs: Any, affine: Any, shape_out: tuple[int, int]
) -> np.ndarray | None:
    """Return the window's pixels outside the territory or in the exclusion layer, if any."""
    outside = None
    if exclusion is not None:
        outside = exclusion.mask(crs, affine, shape_out)
    if territory is not None:
        local = _territory_in(territory, str(crs))
        corners = shapely.box(*array_bounds(*shape_out, affine))
        if not local.contains(corners):  # most windows lie wholly inside: nothing to draw
            away = geometry_mask([local], shape_out, affine, invert=False)
            outside = away if outside is None else outside | away
    return outside


@lru_cache(maxsize=8)
def _territory_in(territory: Any, crs: str) -> Any:
    """Return a territory in a scene's coordinates, prepared for the "wholly inside" test.

    Once per territory and scene system, not per window: a region's outline has up to
    4,000 vertices, and reprojecting it cost as much as a window's own work.
    """
    local = reproject(_transformer("EPSG:4326", crs), territory)
    shapely.prepare(local)
    return local


def scan_window(
    path: Path,
    col: int,
    row: int,
    width: int,
    height: int,
    *,
    before: Path | Sequence[Path] | None = None,
    territory: Any = None,
    exclusion: Exclusion | None = None,
    allow_l1c: bool = False,
) -> WindowResult:
    """Find candidates in one window of a scene, placed in latitude/longitude.

    The window is read with a margin so that texture and buffers see across its edge;
    a patch belongs to the window that holds its first pixel, so tiles never share one.
    The masks and a superset of the pixel tests run over the whole window in integers;
    the full index stack only in the boxes of what may pass (see _Window).
    """
    outer = Window(col - MARGIN, row - MARGIN, width + 2 * MARGIN, height + 2 * MARGIN)
    src = open_scene(path)
    inner = (slice(MARGIN, MARGIN + height), slice(MARGIN, MARGIN + width))
    level, data, excluded = _read_counts(src, outer, allow_l1c=allow_l1c, inner=inner)
    affine = window_transform(outer, src.transform)
    crs = scene_crs(src)
    pixel_area = abs(affine.a * affine.e)
    if data is None:  # clouded over: no land to inspect
        return WindowResult([], 0.0, float(width * height) * pixel_area)
    look = _first_look(data, level, src, excluded)
    masked = look.masked
    outside = _outside(territory, exclusion, crs, affine, masked.shape)
    if outside is not None:
        masked |= outside
    hidden = np.count_nonzero(masked[inner])
    result = WindowResult([], float(width * height - hidden) * pixel_area, hidden * pixel_area)
    maybe = look.maybe & ~masked
    if not maybe[inner].any():
        return result
    flat = np.flatnonzero(maybe)
    values, scores = _score_pixels(look.counts, flat)
    keep = scores >= THRESHOLD
    if not keep.any():
        return result
    flat, values, scores = flat[keep], _pick(values, keep), scores[keep]
    history: list[Earlier] = []
    for old_path in [before] if isinstance(before, Path) else list(before or []):
        history.append(_earlier(old_path, src, outer, allow_l1c=allow_l1c))
    history.sort(key=lambda h: h.day or date.min)
    to_wgs84 = _transformer(crs, "EPSG:4326")
    pixels = _Pixels(flat, *_patches(flat, masked.shape), masked.shape)
    found, dropped = _judge_patches(pixels, values, scores, inner, history, affine, level)
    result.dropped_patches += dropped
    if found:
        # All outlines to latitude/longitude in one call: one call per patch cost as much.
        placed = reproject(to_wgs84, np.asarray([f.outline for f in found], dtype=object))
        centres = shapely.get_coordinates(shapely.centroid(placed))
        for patch, outline, (lon, lat) in zip(found, _geojson(placed), centres, strict=True):
            result.candidates.append(
                Candidate(
                    lat=round(float(lat), 6),
                    lon=round(float(lon), 6),
                    score=patch.score,
                    pixels=patch.pixels,
                    area_m2=round(patch.pixels * pixel_area, 1),
                    outline=outline,
                    reasons=patch.reasons,
                )
            )
    result.candidates.sort(key=lambda c: -c.score)
    return result


@dataclass
class _Found:
    """A patch that passed the patch tests, its outline still in the scene's coordinates."""

    outline: Any
    score: float
    pixels: int
    reasons: list[dict[str, Any]]


class _Pixels:
    """A window's candidate pixels, the patch each belongs to, and each patch's box."""

    def __init__(
        self, flat: np.ndarray, patch: np.ndarray, count: int, shape: tuple[int, ...]
    ) -> None:
        self.patch, self.count = patch, count
        self.rows, self.cols = np.divmod(flat, int(shape[1]))
        # The pixels patch by patch (raster order within each), and where each patch starts.
        self.order = np.argsort(patch, kind="stable")
        self.starts = np.searchsorted(patch[self.order], np.arange(count + 1))
        rows, cols = self.rows[self.order], self.cols[self.order]
        heads = self.starts[:-1]
        self.top = rows[heads]  # a patch's first pixel is on its top row
        self.bottom = np.maximum.reduceat(rows, heads) + 1 if count else heads
        self.left = np.minimum.reduceat(cols, heads) if count else heads
        self.right = np.maximum.reduceat(cols, heads) + 1 if count else heads

    def box(self, number: int) -> tuple[slice, slice]:
        """Return a patch's bounding box in the window."""
        return (
            slice(int(self.top[number]), int(self.bottom[number])),
            slice(int(self.left[number]), int(self.right[number])),
        )

    def where(self, number: int) -> tuple[np.ndarray, np.ndarray]:
        """Return a patch's pixels as rows and columns of its box."""
        mine = self.order[self.starts[number] : self.starts[number + 1]]
        return self.rows[mine] - self.top[number], self.cols[mine] - self.left[number]

    def mask(self, number: int) -> np.ndarray:
        """Return a patch's pixels as a mask over its box."""
        rows, cols = self.box(number)
        inside = np.zeros((rows.stop - rows.start, cols.stop - cols.start), dtype=bool)
        inside[self.where(number)] = True
        return inside


def _judge_patches(
    pixels: _Pixels,
    values: PixelStack,
    scores: np.ndarray,
    inner: tuple[slice, slice],
    history: Sequence[Earlier],
    affine: Any,
    level: str,
) -> tuple[list[_Found], int]:
    """Apply the patch tests (rule 4) and the history (rule 5) to every patch of a window.

    Return the patches kept and how many were dropped. A patch is this window's if its
    first pixel (top row, leftmost) lies inside, not in the margin: then tiles never share
    one. Every patch is measured at once, by sums over its pixels and by shapely's array
    functions: measuring them one by one in Python was half the time of a clear scan.
    """
    patch = pixels.patch
    # ``values`` and ``scores`` hold exactly these pixels, in the same raster order.
    numbers, first = np.unique(patch, return_index=True)
    top, left = pixels.rows[first], pixels.cols[first]
    mine = (inner[0].start <= top) & (top < inner[0].stop)
    mine &= (inner[1].start <= left) & (left < inner[1].stop)
    size = np.bincount(patch)
    brightness = values.brightness.astype(np.float64)
    mean = np.bincount(patch, weights=brightness) / np.maximum(size, 1)
    deviation = np.bincount(patch, weights=(brightness - mean[patch]) ** 2)
    spread = np.sqrt(deviation / np.maximum(size, 1)) / np.maximum(mean, 1e-6)
    count, spread = size[numbers], spread[numbers]
    # Cheap tests first: size, and uneven inside (a heap's brightness varies).
    kept = mine & (count >= MIN_PIXELS) & (count <= MAX_PIXELS) & (spread >= UNEVEN_CV)
    dropped = int((mine & ~kept).sum())
    numbers, count, spread = numbers[kept], count[kept], spread[kept]
    if not numbers.size:
        return [], dropped
    polygons, holes = _outlines(pixels, numbers, affine)
    filled = count + holes  # what the outline's exterior ring encloses, in pixels
    rectangles = shapely.oriented_envelope(polygons)
    corners, owner = shapely.get_coordinates(rectangles, return_index=True)
    start = np.searchsorted(owner, np.arange(len(polygons)))
    sides = [
        np.round(np.hypot(*(corners[start + i + 1] - corners[start + i]).T), 3) for i in (0, 1)
    ]
    short, long = np.minimum(*sides), np.maximum(*sides)
    rectangle_area = shapely.area(rectangles)
    area = count * abs(affine.a * affine.e)
    fill = np.divide(area, rectangle_area, out=np.ones_like(area), where=rectangle_area > 0)
    ring = count < RING_FILL * filled  # the uneven edge of a larger smooth object
    line = (short < LINE_WIDTH_M) & (long > LINE_LENGTH_M)  # a road, a field edge, sheds
    shaped = count >= SHAPE_PIXELS  # enough pixels for shape and spread to say something
    block = shaped & (fill >= BLOCK_FILL) & (spread < UNIFORM_CV)  # a roof or a yard
    passed = ~(ring | line | block)
    dropped += int((~passed).sum())
    # The shape-and-texture term is evidence only where there is a shape: a patch of a few
    # pixels is all edge (high spread, low fill) whatever it is, roofs first among them.
    term = np.where(shaped, np.minimum(spread / 0.3, 1.0) * 0.5 + (1 - fill) * 0.5, 0.0)
    value = np.bincount(patch, weights=scores)[numbers] / count * 0.7 + 0.3 * term
    shares = {
        code: np.bincount(patch, weights=test(values))[numbers] / count
        for code, _rule, test in PIXEL_TESTS
    }
    found = []
    for index in np.flatnonzero(passed):
        number = int(numbers[index])
        reasons = [
            reason(code, share=round(float(share[index]) * 100)) for code, share in shares.items()
        ]
        if level == "L1C":
            reasons.append(reason("l1c"))
        reasons.append(reason("uneven_inside", spread=round(float(spread[index]) * 100)))
        if not shaped[index]:
            reasons.append(reason("small", pixels=int(count[index])))
        elif fill[index] < BLOCK_FILL:
            reasons.append(reason("irregular", fill=round(float(fill[index]) * 100)))
        factor, history_reasons = 1.0, list[dict[str, Any]]()
        if history:
            factor, history_reasons = _history_verdict(
                history, pixels.box(number), pixels.mask(number)
            )
        found.append(
            _Found(
                outline=polygons[index],
                score=round(min(float(value[index]) * factor, 1.0), 3),
                pixels=int(count[index]),
                reasons=reasons + history_reasons,
            )
        )
    return found, dropped


def _geojson(polygons: np.ndarray) -> list[dict[str, Any]]:
    """Return (multi)polygons as GeoJSON mappings, the same as shapely's mapping, all at once.

    Taking the coordinates of every ring in one call and making tuples of them costs a
    fifth of mapping polygon by polygon. MultiPolygons (see _outlines) are taken apart into
    their polygons first and put together after.
    """
    parts, owner = shapely.get_parts(polygons, return_index=True)
    rings, part_of = shapely.get_rings(parts, return_index=True)
    corners, ring = shapely.get_coordinates(rings, return_index=True)
    ends = np.searchsorted(ring, np.arange(1, len(rings)))
    shaped: list[list[tuple[tuple[float, float], ...]]] = [[] for _part in parts]
    if len(rings):
        for index, points in zip(part_of, np.split(corners, ends), strict=True):
            shaped[index].append(tuple(map(tuple, points.tolist())))
    grouped: list[list[tuple[tuple[tuple[float, float], ...], ...]]] = [[] for _p in polygons]
    for index, part in zip(owner, shaped, strict=True):
        grouped[index].append(tuple(part))
    multi = shapely.get_type_id(polygons) == shapely.GeometryType.MULTIPOLYGON
    return [
        {"type": "MultiPolygon", "coordinates": group}
        if several
        else {"type": "Polygon", "coordinates": group[0]}
        for group, several in zip(grouped, multi, strict=True)
    ]


def _polygons(rings: list[list[Any]]) -> np.ndarray:
    """Make polygons from GeoJSON rings (the shell, then any holes), all in two calls.

    Every ring of every patch becomes a linear ring in one call; the rings are then
    gathered into polygons by patch, the first of each its shell. Making the patches with
    holes one by one cost a millisecond a window on farmland.
    """
    if not rings:
        return np.empty(0, dtype=object)
    every = list(chain.from_iterable(rings))
    corners = np.array(list(chain.from_iterable(every)), dtype=np.float64)
    ring_of = np.repeat(np.arange(len(every)), [len(ring) for ring in every])
    patch_of = np.repeat(np.arange(len(rings)), [len(parts) for parts in rings])
    outlines: np.ndarray = shapely.polygons(
        shapely.linearrings(corners, indices=ring_of), indices=patch_of
    )
    return outlines


def _outlines(pixels: _Pixels, numbers: np.ndarray, affine: Any) -> tuple[np.ndarray, np.ndarray]:
    """Outline some patches, in the scene's coordinates, from their boxes set side by side.

    GDAL's polygoniser walks every pixel it is given: a window has about 280,000, the
    boxes of its patches a few thousand. One pass over a strip of the boxes (a pixel apart)
    costs a tenth of one over the window, and far less than one pass per patch.

    A patch is 8-connected, but it is outlined 4-connected: GDAL joins pixels that touch
    only at a corner into one ring that touches itself there, or a hole that splits the
    inside, polygons that are not valid (a third of the real farmland crop's candidates),
    which PostGIS, shapely's predicates and GeoJSON validators refuse, and mending them
    (make_valid) cost a millisecond a window. Outlined 4-connected, every piece is valid;
    a patch of several pieces is their MultiPolygon, the pieces meeting at corners. Its
    area and centre are those of its pixels either way.

    Returns the outlines in the order of ``numbers``, and how many empty pixels each
    patch's holes hold: with its own pixels, what the exterior ring GDAL draws for an
    8-connected patch encloses (its empty pixels that no 4-connected path of empty pixels
    joins to the outside; the same on hundreds of random patches, tested).
    """
    top, left = pixels.top[numbers], pixels.left[numbers]
    widths = pixels.right[numbers] - left
    at = np.concatenate([[0], np.cumsum(widths + 1)[:-1]])  # each box's column in the strip
    height = int((pixels.bottom[numbers] - top).max())
    strip = np.zeros((height, int(at[-1] + widths[-1])), dtype=np.int32)
    place = np.full(pixels.count, -1)
    place[numbers] = np.arange(numbers.size)
    of = place[pixels.patch]
    inside = of >= 0
    of = of[inside]
    strip[pixels.rows[inside] - top[of], pixels.cols[inside] - left[of] + at[of]] = of + 1
    placed, rings = [], []
    # Masked: 4-connected, the empty pixels fall into many pieces, each yielded (and
    # dropped) in Python, which cost more than the in-memory raster a mask is copied into.
    for geometry, value in shapes(strip, mask=strip > 0, connectivity=4):
        placed.append(int(value) - 1)
        rings.append(geometry["coordinates"])
    pieces = _polygons(rings)
    owners = np.asarray(placed)
    corners, owner = shapely.get_coordinates(pieces, return_index=True)
    shift = np.column_stack([left - at, top]).astype(np.float64)
    corners += shift[owners][owner]
    x, y = affine @ (corners[:, 0], corners[:, 1])
    pieces = shapely.set_coordinates(pieces, np.column_stack([x, y]))
    outlines = np.empty(numbers.size, dtype=object)
    several = (np.bincount(owners, minlength=numbers.size) > 1)[owners]
    outlines[owners[~several]] = pieces[~several]
    if several.any():
        order = np.flatnonzero(several)[np.argsort(owners[several], kind="stable")]
        joined, group = np.unique(owners[order], return_inverse=True)
        outlines[joined] = shapely.multipolygons(pieces[order], indices=group)
    # Holes: empty pixels of the strip not 4-connected to its edge (the gaps between the
    # boxes join every box's outside to it), each the patch of the box it lies in.
    empty, _regions = ndimage.label(strip == 0)
    edges = np.concatenate([empty[0], empty[-1], empty[:, 0], empty[:, -1]])
    outside = np.zeros(int(empty.max()) + 1, dtype=bool)
    outside[edges] = True
    outside[0] = True  # the patches' own pixels
    hole_cols = np.nonzero(~outside[empty])[1]
    box_of = np.searchsorted(at, hole_cols, side="right") - 1
    return outlines, np.bincount(box_of, minlength=numbers.size)


def detect_window(
    path: Path,
    col: int,
    row: int,
    width: int,
    height: int,
    **options: Any,
) -> list[Candidate]:
    """Return the candidates of one window (scan_window without the land figures)."""
    return scan_window(path, col, row, width, height, **options).candidates


CHIP_BANDS = {"true": ("B04", "B03", "B02"), "false": ("B12", "B08", "B04")}


def chip_png(path: Path, lat: float, lon: float, size: int = 48, colours: str = "true") -> bytes:
    """Draw an image chip around a point, for the verification queue.

    True colour shows what a person would see; false colour (SWIR-2, NIR, red) shows
    vegetation green and bare or disturbed ground and waste in pinks and browns. A scene
    file that was replaced or damaged after the scan is refused (SceneError), not drawn.
    """
    names = CHIP_BANDS.get(colours, CHIP_BANDS["true"])
    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                raise SceneError(f"{path.name}: no coordinate system", "grid")
            row, col = src.index(*_transformer("EPSG:4326", src.crs).transform(lon, lat))
            window = Window(col - size // 2, row - size // 2, size, size)
            order = band_indexes(src)
            picture_bands = _read_padded(src, [order[n] for n in names], window)
            zero = radiometric_offsets(src)
    except (rasterio.errors.RasterioError, rasterio.errors.CRSError, ProjError) as exc:
        raise SceneError(f"{path.name}: not a readable scene ({exc})", "unreadable") from None
    floors = np.asarray([zero[BANDS.index(n)] for n in names], dtype=np.float32)[:, None, None]
    values = np.clip(picture_bands.astype(np.float32) - floors, 0, None)
    scale = max(float(np.percentile(values, 98)), 1.0)
    image = np.clip(values / scale * 255, 0, 255).astype(np.uint8)
    picture = Image.fromarray(np.transpose(image, (1, 2, 0))).resize(
        (size * 4, size * 4), Image.Resampling.NEAREST
    )
    # A frame around the middle, where the candidate is.
    pixels = picture.load()
    if pixels is not None:
        low, high = size * 2 - 24, size * 2 + 24
        for i in range(low, high):
            for j in (low, high - 1):
                pixels[i, j] = pixels[j, i] = (255, 230, 0)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()
