"""Synthetic Sentinel-2 L2A scenes with known dumps, clouds and confusers; scenes as products.

Tests and benchmarks make them on the fly (nothing is downloaded): a vegetated
background in UTM zone 42N (EPSG:32642) at 10 m, and square patches whose spectra
imitate mixed waste, bare soil, a quarry, roofs and clouds (with the SCL layer saying
"cloud" where one is). Any scene's pixels can also be written as ESA delivers a product
(write_product: a .SAFE folder of JPEG 2000 band files and its metadata file).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from pyproj import Transformer
from rasterio.transform import Affine, from_origin

from taza.sites.implant import block_means
from taza.sites.products import BAND_METRES
from taza.sites.space import BANDS, SCL, band_indexes

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


PRODUCT_DAY = "20250715T062241"  # the sensing time in a written product's names


def write_band_files(
    scene: Path,
    folder: Path,
    file_of: Callable[[str], str] = "T42UXE_20250715T062241_{}.jp2".format,
    *,
    added: int = 0,
    block: int | None = None,
) -> tuple[Any, Any, tuple[int, int], np.ndarray]:
    """Write a scene's bands as a product keeps them: one lossless JPEG 2000 file each.

    B02, B03, B04 and B08 at 10 m; B11 and B12 at 20 m (the mean of each 2 × 2 pixels,
    as the sensor measures them) and SCL at 20 m (every other pixel's class), when the
    scene has it. ``file_of`` names each band's file under ``folder``; ``added`` is
    added to every lit count (baseline 04.00's offset); ``block`` is the files' tile
    size (ESA's are 1024²; None is one tile). Returns the scene's grid and the bands as
    a VRT at 10 m shows them (the 20 m ones repeated 2 × 2, as nearest neighbour gives).
    """
    with rasterio.open(scene) as src:
        order = band_indexes(src)
        names = [name for name in (*BANDS, SCL) if name in order]
        data, crs, transform = src.read([order[n] for n in names]), src.crs, src.transform
    height, width = data.shape[1:]
    if height % 2 or width % 2:
        raise ValueError("a product's 20 m bands need a scene of even width and height")
    seen = []
    for band, name in enumerate(names):
        coarse = BAND_METRES[name] == 20
        layer = data[band, ::2, ::2] if coarse else data[band]
        if name in ("B11", "B12"):
            layer = block_means(data[band]).astype(np.uint16)
        if added and name != SCL:
            layer = np.where(layer > 0, layer + added, 0).astype(np.uint16)
        step = 2 if coarse else 1
        profile: dict[str, Any] = {
            "driver": "JP2OpenJPEG",
            "width": layer.shape[1],
            "height": layer.shape[0],
            "count": 1,
            "dtype": "uint16",
            "crs": crs,
            "transform": transform * Affine.scale(step),
            "QUALITY": 100,
            "REVERSIBLE": "YES",
        }
        if block:
            profile.update(BLOCKXSIZE=block, BLOCKYSIZE=block)
        target = folder / file_of(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with rasterio.open(target, "w", **profile) as dst:
            dst.write(layer, 1)
        seen.append(np.kron(layer, np.ones((step, step), dtype=layer.dtype)))
    return crs, transform, (height, width), np.stack(seen)


def _product_metadata(
    level: str, baseline: str, granule: str, files: list[str], offsets: bool
) -> str:
    """Write a product's MTD_MSIL2A.xml or MTD_MSIL1C.xml as ESA's format has it, trimmed.

    The parts the scan reads are where ESA puts them (General_Info: Product_Info with
    the times, level, baseline and the granule's IMAGE_FILE list, no extension;
    Product_Image_Characteristics with the quantification and, from baseline 04.00, an
    offset for each band_id 0–12); the rest of the file is left out.
    """
    l2a = level == "L2A"
    offset_tag, list_tag = (
        ("BOA_ADD_OFFSET", "BOA_ADD_OFFSET_VALUES_LIST") if l2a
        else ("RADIO_ADD_OFFSET", "Radiometric_Offset_List")
    )  # fmt: skip
    quantification = (
        '<QUANTIFICATION_VALUES_LIST><BOA_QUANTIFICATION_VALUE unit="none">10000'
        '</BOA_QUANTIFICATION_VALUE><AOT_QUANTIFICATION_VALUE unit="none">1000.0'
        "</AOT_QUANTIFICATION_VALUE></QUANTIFICATION_VALUES_LIST>"
        if l2a
        else '<QUANTIFICATION_VALUE unit="none">10000</QUANTIFICATION_VALUE>'
    )
    listed = (
        f"<{list_tag}>"
        + "".join(f'<{offset_tag} band_id="{n}">-1000</{offset_tag}>' for n in range(13))
        + f"</{list_tag}>"
        if offsets
        else ""
    )
    kind = "Level-2A" if l2a else "Level-1C"
    images = "".join(f"<IMAGE_FILE>{file}</IMAGE_FILE>" for file in files)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<n1:{kind}_User_Product xmlns:n1="https://psd-14.sentinel2.eo.esa.int/PSD/'
        f'User_Product_{kind}.xsd"><n1:General_Info><Product_Info>'
        "<PRODUCT_START_TIME>2025-07-15T06:22:41.024Z</PRODUCT_START_TIME>"
        "<PRODUCT_STOP_TIME>2025-07-15T06:22:41.024Z</PRODUCT_STOP_TIME>"
        f"<PROCESSING_LEVEL>{kind}</PROCESSING_LEVEL>"
        f"<PROCESSING_BASELINE>{baseline}</PROCESSING_BASELINE>"
        "<Product_Organisation><Granule_List>"
        f'<Granule granuleIdentifier="{granule}" imageFormat="JPEG2000">{images}</Granule>'
        "</Granule_List></Product_Organisation></Product_Info>"
        f"<Product_Image_Characteristics>{quantification}{listed}"
        "</Product_Image_Characteristics></n1:General_Info>"
        f"</n1:{kind}_User_Product>"
    )


def write_product(
    folder: Path,
    scene: Path,
    *,
    level: str = "L2A",
    baseline: str = "03.01",
    added: int = 0,
    block: int | None = None,
) -> Path:
    """Deliver a scene's pixels as ESA does: a .SAFE folder of JPEG 2000 band files.

    Named, laid out and described (MTD_MSIL2A.xml or MTD_MSIL1C.xml) as ESA's products
    are, tile T42UXE, sensed on 15 July 2025; returns the .SAFE folder.
    """
    code = baseline.replace(".", "")
    name = f"S2A_MSI{level}_{PRODUCT_DAY}_N{code}_R034_T42UXE_20250715T101517"
    granule = f"{level}_T42UXE_A052345_20250715T062705"

    def image(band: str) -> str:
        if level == "L1C":
            return f"GRANULE/{granule}/IMG_DATA/T42UXE_{PRODUCT_DAY}_{band}"
        metres = BAND_METRES.get(band, 10)  # TCI and the extras listed at 10 m
        return f"GRANULE/{granule}/IMG_DATA/R{metres}m/T42UXE_{PRODUCT_DAY}_{band}_{metres}m"

    safe = folder / f"{name}.SAFE"
    write_band_files(scene, safe, lambda band: image(band) + ".jp2", added=added, block=block)
    # What a real product lists besides: the true-colour image, B8A and, at Level-2A, the
    # 10 m bands again at 20 m and B11 at 60 m: none of them is what the scan reads.
    extra = [image("TCI"), image("B8A")]
    if level == "L2A":
        extra += [image("B02").replace("10m", "20m"), image("B11").replace("20m", "60m")]
    wanted = ("B02", "B03", "B04", "B08", "B11", "B12") + (("SCL",) if level == "L2A" else ())
    files = extra + [image(band) for band in wanted]
    metadata = _product_metadata(level, baseline, granule, files, offsets=float(baseline) >= 4)
    (safe / f"MTD_MSI{level}.xml").write_text(metadata, encoding="utf-8")
    return safe


def zip_product(safe: Path) -> Path:
    """Pack a product as the Copernicus Data Space delivers it: the .SAFE folder in a .zip."""
    archive = safe.parent / f"{safe.name}.zip"
    with zipfile.ZipFile(archive, "w") as packed:  # JPEG 2000 is stored: it is compressed
        for path in sorted(safe.rglob("*")):
            packed.write(path, path.relative_to(safe.parent))
    return archive
