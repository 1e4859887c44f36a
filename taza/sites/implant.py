"""Implant dump patches into real scenes, to measure recall on real backgrounds.

Each implanted pixel is a mixture of materials found on Kazakh dumps (plastic film, dark
plastic, paper and cardboard, soil, construction rubble, rotting organic matter, ash),
in random proportions, with the surface reflectances of spectral libraries rounded to two
digits (USGS splib07 and ECOSTRESS), mixed with the real background at the patch's edge.
The materials and their spectra come from those libraries, not from the detector's
thresholds, so a dump the detector misses here is a real miss of the rules.

A dump is then seen as the sensor sees it. Its optics blur: what the dump changes is
smoothed by a Gaussian of 0.5 pixel (a modulation of 0.29 at the band's Nyquist
frequency, the sharp end of the 0.15–0.3 that Sentinel-2's 10 m bands are specified
to), in each band's own pixels. And B11 and B12 are measured at 20 m: where a dump lies,
each of their pixels is the mean of the 2 × 2 pixels at 10 m under it (the scene's 20 m
grid starts at its top-left corner, as the shipped crops' does). Implanted sharp and at
10 m in every band, as they once were, dumps were more uneven inside than a real one
looks, and never showed a real one's edge — a bright 10 m pixel beside the darker 20 m
SWIR of its neighbours, which a water test reads as wet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from pyproj import Transformer
from scipy import ndimage

from taza.sites import space

# Surface reflectance for B02, B03, B04, B08, B11, B12.
MATERIALS = {
    "plastic film": (0.55, 0.57, 0.58, 0.60, 0.45, 0.35),
    "dark plastic": (0.05, 0.05, 0.05, 0.06, 0.06, 0.05),
    "paper and cardboard": (0.35, 0.42, 0.50, 0.60, 0.55, 0.45),
    "soil": (0.08, 0.12, 0.17, 0.24, 0.32, 0.28),
    "rubble": (0.22, 0.25, 0.27, 0.30, 0.33, 0.30),
    "organic matter": (0.04, 0.06, 0.08, 0.20, 0.20, 0.14),
    "ash": (0.04, 0.04, 0.05, 0.06, 0.08, 0.08),
}
# How much of a typical dump each material is (Dirichlet concentration).
SHARES = (1.5, 0.6, 1.0, 2.0, 1.5, 0.8, 0.4)


SWIR_20M = ("B11", "B12")  # the bands Sentinel-2 measures at 20 m among space.BANDS
PSF_SIGMA = 0.5  # the optics' blur (a Gaussian), in pixels of each band's own grid


def block_means(layer: np.ndarray) -> np.ndarray:
    """Return what a 20 m pixel measures of each 2 × 2 block of 10 m ones: their mean, in counts.

    ``layer`` has an even height and width (whole blocks of the scene's 20 m grid).
    """
    height, width = layer.shape
    means: np.ndarray = np.rint(
        layer.astype(float).reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))
    )
    return means


def _as_measured_at_20_m(data: np.ndarray, bands: list[int], row: int, col: int, size: int) -> None:
    """Make some bands over a box what a 20 m sensor sees: each 2 × 2 block its mean.

    The box is widened to whole blocks of the scene's 20 m grid (even rows and columns).
    """
    row, col = max(row, 0), max(col, 0)
    top, left = row - row % 2, col - col % 2
    bottom = min(row + size + (row + size) % 2, data.shape[1] - data.shape[1] % 2)
    right = min(col + size + (col + size) % 2, data.shape[2] - data.shape[2] % 2)
    for band in bands:
        means = block_means(data[band, top:bottom, left:right])
        data[band, top:bottom, left:right] = np.kron(means, np.ones((2, 2)))


@dataclass(frozen=True)
class Implant:
    row: int
    col: int
    radius: float

    def latlon(self, path: Path) -> tuple[float, float]:
        with rasterio.open(path) as src:
            x, y = src.xy(self.row, self.col)
            crs = src.crs
        lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
        return lat, lon


def _blob(rng: np.random.Generator, radius: float) -> np.ndarray:
    """Draw an irregular patch: a union of a few discs, with fractional cover at its edge."""
    size = int(radius * 2 + 6)
    yy, xx = np.mgrid[0:size, 0:size] - size / 2
    cover = np.zeros((size, size))
    for _ in range(4):
        dy, dx = rng.normal(0, radius / 3, 2)
        r = radius * rng.uniform(0.5, 0.9)
        distance = np.hypot(yy - dy, xx - dx)
        cover = np.maximum(cover, np.clip(r + 0.5 - distance, 0, 1))
    return cover


def implant(source: Path, target: Path, count: int, *, seed: int = 7) -> list[Implant]:
    """Copy a scene with `count` dumps implanted on land; return where they are."""
    rng = np.random.default_rng(seed)
    with rasterio.open(source) as src:
        profile = src.profile
        data = src.read()
        original = data.astype(float)
        descriptions = src.descriptions
        tags = src.tags()
        order = space.band_indexes(src)
        # What reads as zero reflectance in this scene: radiometric offset, haze on L1C.
        offsets = space._floors(src, space.processing_level(src), space.radiometric_offsets(src))
    green, swir = data[order["B03"] - 1].astype(float), data[order["B11"] - 1].astype(float)
    land = (green - swir) / np.maximum(green + swir, 1) < -0.05
    placed: list[Implant] = []
    boxes: list[tuple[int, int, int]] = []
    height, width = data.shape[1:]
    tries = 0
    while len(placed) < count and tries < count * 200:
        tries += 1
        radius = float(rng.uniform(2.0, 7.0))  # 0.1 to 1.5 ha
        cover = _blob(rng, radius)
        size = cover.shape[0]
        row, col = (
            int(rng.integers(20, height - size - 20)),
            int(rng.integers(20, width - size - 20)),
        )
        if not land[row : row + size, col : col + size].all():
            continue
        if any(abs(p.row - row) < 60 and abs(p.col - col) < 60 for p in placed):
            continue
        fractions = rng.dirichlet(SHARES, size=(size, size))
        spectra = fractions @ np.asarray(list(MATERIALS.values()))  # size × size × 6
        for index, name in enumerate(space.BANDS):
            band = order[name] - 1
            background = data[band, row : row + size, col : col + size].astype(float)
            dump = spectra[..., index] * 10000 + offsets[index]
            mixed = background * (1 - cover) + dump * cover
            data[band, row : row + size, col : col + size] = np.clip(mixed, 1, 10000)
        placed.append(Implant(row + size // 2, col + size // 2, radius))
        boxes.append((row, col, size))
    for name in space.BANDS:
        band, coarse = order[name] - 1, name in SWIR_20M
        sigma = PSF_SIGMA * (2 if coarse else 1)  # 0.5 of a 20 m pixel is a whole 10 m one
        change = ndimage.gaussian_filter(data[band] - original[band], sigma, truncate=3.0)
        data[band] = np.clip(np.rint(original[band] + change), 1, 65535)
        if coarse:
            reach = int(np.ceil(3 * sigma))  # where the blur carried the change
            for row, col, size in boxes:
                _as_measured_at_20_m(data, [band], row - reach, col - reach, size + 2 * reach)
    with rasterio.open(target, "w", **profile) as dst:
        dst.write(data)
        for index, description in enumerate(descriptions, 1):
            if description:
                dst.set_band_description(index, description)
        dst.update_tags(**tags)
    return placed
