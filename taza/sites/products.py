"""Sentinel-2 products as ESA delivers them (a .SAFE folder, or the .zip of one) made scenes.

A product keeps each band in a JPEG 2000 file of its own, B11, B12 and SCL at 20 m. The
scan reads one raster per scene on the 10 m grid, so a product is turned into a VRT
that stacks its band files in the order the scan wants, the 20 m ones brought to 10 m
by nearest neighbour — what ``gdalbuildvrt -separate -tr 10 10 -r nearest`` makes, for
a deployment that has no GDAL command-line tools. Nothing is copied: the VRT names the
product's files (inside the .zip through GDAL's /vsizip/). What the product's metadata
file says goes into the VRT: the processing level, the sensing time, the processing
baseline, and each band's offset and quantification as GDAL's band scale and offset,
which space.radiometric_offsets reads.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import rasterio
from rasterio.errors import RasterioError

from taza.sites.space import BANDS, PIXEL_M, SCL, SceneError

METADATA = {"MTD_MSIL2A.xml": "L2A", "MTD_MSIL1C.xml": "L1C"}
# ESA's band_id of each physical band, as MTD_MSIL*.xml's Spectral_Information_List says.
BAND_IDS = {"B01": 0, "B02": 1, "B03": 2, "B04": 3, "B05": 4, "B06": 5, "B07": 6, "B08": 7,
            "B8A": 8, "B09": 9, "B10": 10, "B11": 11, "B12": 12}  # fmt: skip
MAX_METADATA_BYTES = 16 * 1024 * 1024  # ESA's are about 60 KB
# Each band the scan reads, at the resolution a product stores it (metres a pixel).
BAND_METRES = {"B02": 10, "B03": 10, "B04": 10, "B08": 10, "B11": 20, "B12": 20, SCL: 20}


@dataclass(frozen=True)
class Product:
    """A product's name, its level, where GDAL finds its files and what its metadata says."""

    path: Path  # the .SAFE folder or the .zip, as delivered
    name: str  # S2A_MSIL2A_20250715T062241_N0511_R034_T42UXE_20250715T101517
    level: str  # "L2A" or "L1C"
    root: str  # the product's folder as GDAL opens files in it (/vsizip/… for a .zip)
    metadata: ElementTree.Element


def is_product(path: Path) -> bool:
    """Say whether a path is delivered as a product: a .SAFE folder or a .zip file."""
    suffix = path.suffix.lower()
    return (suffix == ".safe" and path.is_dir()) or (suffix == ".zip" and path.is_file())


def version(path: Path) -> float:
    """Return when a product last changed: the .zip's time, or the .SAFE's and its metadata's."""
    times = [path.stat().st_mtime]
    times += [(path / name).stat().st_mtime for name in METADATA if (path / name).is_file()]
    return max(times)


def _refused(path: Path, why: str) -> SceneError:
    return SceneError(f"{path.name}: {why}", "product")


def open_product(path: Path) -> Product:
    """Find a product's metadata file and read it; refuse in words what is not a product."""
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.namelist()
                # The product's own metadata file, on top or in its .SAFE; not a granule's.
                found = [m for m in members if m.rsplit("/", 1)[-1] in METADATA]
                found = [m for m in found if m.count("/") <= 1]
                if len(found) != 1:
                    raise _refused(
                        path,
                        "not one Sentinel-2 product (no MTD_MSIL2A.xml or MTD_MSIL1C.xml on top)",
                    )
                if archive.getinfo(found[0]).file_size > MAX_METADATA_BYTES:
                    raise _refused(path, "its metadata file is too large to be one")
                text = archive.read(found[0])
        except (zipfile.BadZipFile, OSError) as exc:
            raise _refused(path, f"not a readable .zip ({exc})") from None
        inner, _slash, file_name = found[0].rpartition("/")
        root = f"/vsizip/{path.resolve()}" + (f"/{inner}" if inner else "")
        name = Path(inner).stem if inner else path.name.split(".")[0]
    else:
        found_files = [path / file_name for file_name in METADATA if (path / file_name).is_file()]
        if len(found_files) != 1:
            raise _refused(path, "no MTD_MSIL2A.xml or MTD_MSIL1C.xml in it")
        try:
            if found_files[0].stat().st_size > MAX_METADATA_BYTES:
                raise _refused(path, "its metadata file is too large to be one")
            text = found_files[0].read_bytes()
        except OSError as exc:
            raise _refused(path, f"its metadata file cannot be read ({exc.strerror})") from None
        file_name, root, name = found_files[0].name, str(path.resolve()), path.stem
    try:
        # Expat 2.4.1 and newer (CPython bundles 2.5+) refuses entity expansion bombs, and
        # ElementTree never fetches external entities: safe without defusedxml.
        metadata = ElementTree.fromstring(text)  # noqa: S314
    except ElementTree.ParseError as exc:
        raise _refused(path, f"its metadata file is not XML ({exc})") from None
    return Product(path, name, METADATA[file_name], root, metadata)


def _text(metadata: ElementTree.Element, tag: str) -> str:
    found = next(metadata.iter(tag), None)
    return (found.text or "").strip() if found is not None else ""


def band_files(product: Product) -> dict[str, str]:
    """Return the GDAL path of each band file the scan reads, from the metadata's IMAGE_FILE list.

    Level-2A names them …/IMG_DATA/R10m/T42UXE_20250715T062241_B02_10m (SCL at 20 m);
    Level-1C …/IMG_DATA/T42UXE_20250715T062241_B02, each at its own resolution.
    """
    wanted = BANDS + ((SCL,) if product.level == "L2A" else ())
    listed = [(e.text or "").strip() for e in product.metadata.iter("IMAGE_FILE")]
    listed = [e.removesuffix(".jp2") for e in listed]  # ESA's have none; some copies do
    # Only the product's own granule folder: never a path that climbs out of it.
    listed = [e for e in listed if e.startswith("GRANULE/") and ".." not in e.split("/")]
    granules = {entry.split("/")[1] for entry in listed if entry.count("/") >= 2}
    if len(granules) > 1:
        raise _refused(
            product.path, f"{len(granules)} granules; the scan reads products of one tile"
        )
    found = {}
    for band in wanted:
        ending = f"_{band}_{BAND_METRES[band]}m" if product.level == "L2A" else f"_{band}"
        entries = [entry for entry in listed if entry.endswith(ending)]
        if len(entries) != 1:
            raise _refused(
                product.path,
                f"its metadata lists {len(entries)} image files of {band} at "
                f"{BAND_METRES[band]} m, not one",
            )
        found[band] = f"{product.root}/{entries[0]}.jp2"
    return found


def _offsets(product: Product) -> dict[str, tuple[float, float]]:
    """Return each band's scale and offset as GDAL keeps them: reflectance = count × scale + offset.

    From processing baseline 04.00 the metadata lists an offset for every band (−1000) and
    one quantification value (10,000). Before, it lists none: counts start at zero, and no
    scale or offset is written (space.radiometric_offsets then reads the baseline).
    """
    if product.level == "L2A":
        tag, quantified = "BOA_ADD_OFFSET", _text(product.metadata, "BOA_QUANTIFICATION_VALUE")
    else:
        tag, quantified = "RADIO_ADD_OFFSET", _text(product.metadata, "QUANTIFICATION_VALUE")
    listed = {e.get("band_id"): (e.text or "").strip() for e in product.metadata.iter(tag)}
    if not listed:
        return {}
    try:
        quantification = float(quantified or 10000)
        return {
            band: (1 / quantification, float(listed[str(BAND_IDS[band])]) / quantification)
            for band in BANDS
        }
    except (KeyError, ValueError, ZeroDivisionError):
        raise _refused(
            product.path, f"its {tag} list or quantification value cannot be read"
        ) from None


def _vrt(product: Product) -> str:
    """Write the VRT of a product's bands on its 10 m grid, as text."""
    files = band_files(product)
    grids = {}
    for band, file in files.items():
        try:
            with rasterio.open(file) as src:
                grids[band] = (src.width, src.height, src.transform, src.crs)
        except RasterioError as exc:
            raise _refused(product.path, f"its {band} file cannot be read ({exc})") from None
    width, height, transform, crs = grids["B02"]
    for band, (band_width, band_height, band_transform, band_crs) in grids.items():
        step = round(BAND_METRES[band] / PIXEL_M)
        if (
            band_crs != crs
            or (band_transform.c, band_transform.f) != (transform.c, transform.f)
            or (band_width * step, band_height * step) != (width, height)
        ):
            raise _refused(product.path, f"its {band} file does not cover the 10 m bands' grid")
    if crs is None:
        raise _refused(product.path, "its band files say no coordinate system")
    dataset = ElementTree.Element("VRTDataset", rasterXSize=str(width), rasterYSize=str(height))
    ElementTree.SubElement(dataset, "SRS").text = crs.to_wkt()
    ElementTree.SubElement(dataset, "GeoTransform").text = ", ".join(
        repr(value) for value in transform.to_gdal()
    )
    tags = ElementTree.SubElement(dataset, "Metadata")
    for key, value in (
        ("PROCESSING_LEVEL", product.level),
        ("PRODUCT_START_TIME", _text(product.metadata, "PRODUCT_START_TIME")),
        ("PROCESSING_BASELINE", _text(product.metadata, "PROCESSING_BASELINE")),
        ("PRODUCT_URI", _text(product.metadata, "PRODUCT_URI") or product.name),
    ):
        if value:
            ElementTree.SubElement(tags, "MDI", key=key).text = value
    offsets = _offsets(product)
    for index, (band, file) in enumerate(files.items(), 1):
        band_width, band_height = grids[band][:2]
        element = ElementTree.SubElement(
            dataset, "VRTRasterBand", dataType="UInt16", band=str(index)
        )
        ElementTree.SubElement(element, "Description").text = band
        if band in offsets:
            scale, offset = offsets[band]
            ElementTree.SubElement(element, "Offset").text = repr(offset)
            ElementTree.SubElement(element, "Scale").text = repr(scale)
        source = ElementTree.SubElement(element, "SimpleSource", resampling="nearest")
        ElementTree.SubElement(source, "SourceFilename", relativeToVRT="0").text = file
        ElementTree.SubElement(source, "SourceBand").text = "1"
        ElementTree.SubElement(source, "SrcRect", xOff="0", yOff="0",
                               xSize=str(band_width), ySize=str(band_height))  # fmt: skip
        ElementTree.SubElement(source, "DstRect", xOff="0", yOff="0",
                               xSize=str(width), ySize=str(height))  # fmt: skip
    ElementTree.indent(dataset)
    return ElementTree.tostring(dataset, encoding="unicode")


def scene_of(path: Path, folder: Path) -> Path:
    """Return the scene a product is read as: its VRT in ``folder``, written when it changed.

    The VRT is named after the product, so that its tile, day and baseline are read from
    the name as from any scene's, and after where it lies (the same product in two folders,
    or as a .SAFE and a .zip, gets a VRT each: removing one leaves the other's readable).
    Written to a temporary file and moved into place, so a scan or a chip never reads half
    of one; rewritten only when its text would change.
    """
    product = open_product(path)
    text = _vrt(product)
    where = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
    target = folder / f"{product.name}.{where}.vrt"
    try:
        if target.read_text(encoding="utf-8") == text:
            return target
    except OSError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=folder, suffix=".part", delete=False
    ) as part:
        part.write(text)
    os.replace(part.name, target)
    return target
