"""Synthetic Sentinel-2 L2A scenes with known dumps, clouds and confusers.

Tests and benchmarks make them on the fly (nothing is downloaded): a vegetated
background in UTM zone 42N (EPSG:32642) at 10 m, and square patches whose spectra
imitate mixed waste, bare soil, a quarry, roofs and clouds (with the SCL layer saying
"cloud" where one is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import rasterio
from pyproj import Transformer
from rasterio.transform import from_origin

CRS = "EPSG:32642"
PIXEL = 10.0
# Reflectance × 10,000 for B02, B03, B04, B08, B11, B12.
VEGETATION = (400, 700, 450, 3200, 1800, 900)
SPECTRA = {
    "dump": (1900, 2000, 2000, 2400, 2300, 2000),  # grey, bright, uneven (below)
    "bare_soil": (1100, 1500, 2100, 2600, 3300, 2800),  # reddish, smooth
    "quarry": (3800, 4000, 4200, 4400, 4600, 4300),  # very bright, smooth
    "building": (1500, 1600, 1700, 1900, 2900, 2500),  # SWIR above NIR: built-up
    "cloud": (6500, 6500, 6600, 6700, 5000, 4000),
}
SCL_VEGETATION, SCL_BARE, SCL_CLOUD = 4, 5, 9


@dataclass(frozen=True)
class Patch:
    kind: str
    row: int
    col: int
    size: int


def scene_origin(lat: float, lon: float) -> tuple[float, float]:

    return Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(lon, lat)


def pixel_latlon(origin: tuple[float, float], row: float, col: float) -> tuple[float, float]:
    """Latitude and longitude of a pixel position (its centre at +0.5)."""
    x = origin[0] + col * PIXEL
    y = origin[1] - row * PIXEL
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(x, y)
    return lat, lon


def make_scene(
    path: Path,
    *,
    width: int = 512,
    height: int = 512,
    top_left: tuple[float, float] = (51.25, 71.30),
    patches: tuple[Patch, ...] = (),
    day: date = date(2025, 7, 15),
    seed: int = 1,
    describe_bands: bool = True,
    interleave: str = "pixel",
) -> tuple[float, float]:
    """Write the scene; return its origin in the scene's CRS.

    ``interleave`` is GDAL's: "pixel" keeps a pixel's bands together in each block (GDAL's
    default), "band" stores each band apart, as a stack of the product's band files does.
    """
    rng = np.random.default_rng(seed)
    origin = scene_origin(*top_left)
    data = np.empty((7, height, width), dtype=np.uint16)
    for band, value in enumerate(VEGETATION):
        data[band] = np.clip(rng.normal(value, value * 0.04, (height, width)), 0, 10000)
    data[6] = SCL_VEGETATION
    # Clouds last: where a cloud lies, the satellite sees the cloud, not what is under it.
    for patch in sorted(patches, key=lambda p: p.kind == "cloud"):
        rows = slice(patch.row, patch.row + patch.size)
        cols = slice(patch.col, patch.col + patch.size)
        shape = (min(patch.size, height - patch.row), min(patch.size, width - patch.col))
        # Mixed waste is uneven: each pixel is a brighter or darker mix of the same stuff.
        mix = rng.lognormal(0, 0.35, shape) if patch.kind == "dump" else np.ones(shape)
        for band, value in enumerate(SPECTRA[patch.kind]):
            noisy = rng.normal(value, value * 0.03, shape) * mix
            data[band, rows, cols] = np.clip(noisy, 0, 10000)
        data[6, rows, cols] = SCL_CLOUD if patch.kind == "cloud" else SCL_BARE
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 7,
        "dtype": "uint16",
        "crs": CRS,
        "transform": from_origin(origin[0], origin[1], PIXEL, PIXEL),
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "interleave": interleave,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        if describe_bands:
            for index, name in enumerate(("B02", "B03", "B04", "B08", "B11", "B12", "SCL"), 1):
                dst.set_band_description(index, name)
        dst.update_tags(DATE=day.isoformat())
    return origin
