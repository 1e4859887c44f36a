"""Turn an uploaded photo into one that is safe to publish.

Only real JPEG, PNG, WebP and HEIC images are accepted, whatever the file is called.
The picture is decoded, turned upright, and re-encoded as JPEG with no metadata at
all, so the camera's GPS position, device and owner never reach a public page. The
GPS position is read first and handed back, rounded to about ten metres, so a report
without a location can use it without publishing where the photographer stood to the
centimetre.

Limits come before work: every photo of a request is measured from its header before
any is decoded, one photo may hold at most MAX_PIXELS and all of them together at most
MAX_TOTAL_PIXELS, so a handful of small one-colour files cannot make a worker decode
gigabytes. JPEGs are decoded straight at the reduced size (Pillow's draft mode).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from taza.core.errors import DomainError

register_heif_opener()

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50 MP phone camera's full resolution, far below a bomb
MAX_TOTAL_PIXELS = 120_000_000  # all photos of one request together
GPS_DECIMALS = 4  # about 11 m north-south: enough to find a dump, not a doorstep
MAX_SIDE = 2560
THUMB_SIDE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}


class PhotoError(DomainError):
    """Refuse a file that is not an acceptable photo, saying why."""


@dataclass(frozen=True)
class CleanPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    gps: tuple[float, float] | None  # (lat, lon) from EXIF, never stored with the image


def _gps(image: Image.Image) -> tuple[float, float] | None:
    try:
        info = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # broken EXIF is common and never a reason to refuse a photo
        return None
    try:
        lat_ref, lat, lon_ref, lon = info[1], info[2], info[3], info[4]
        latitude = float(lat[0]) + float(lat[1]) / 60 + float(lat[2]) / 3600
        longitude = float(lon[0]) + float(lon[1]) / 60 + float(lon[2]) / 3600
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        return None
    return (
        round(-latitude if lat_ref == "S" else latitude, GPS_DECIMALS),
        round(-longitude if lon_ref == "W" else longitude, GPS_DECIMALS),
    )


def _jpeg(image: Image.Image, side: int, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=quality, optimize=True)  # no exif= : nothing kept
    return out.getvalue()


@dataclass(frozen=True)
class _Probed:
    data: bytes
    pixels: int


_UNREADABLE = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def _probe(upload: IO[bytes]) -> _Probed:
    """Read an upload and measure it from its header, without decoding its pixels."""
    if upload.seekable():  # read whole even when an earlier check read it already
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(
            _("The photo is too large: the limit is %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}
        )
    if not data:
        raise PhotoError(_("The photo file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoError(_("Only JPEG, PNG, WebP and HEIC photos are accepted."))
            pixels = probe.width * probe.height
            if pixels > MAX_PIXELS:
                raise PhotoError(_("The photo has too many pixels."))
            probe.verify()
    except PhotoError:
        raise
    except _UNREADABLE:
        raise PhotoError(_("This file is not a photo that can be read.")) from None
    return _Probed(data, pixels)


def check_photo(upload: IO[bytes]) -> None:
    """Refuse a file that could not be accepted as a photo, reading only its header.

    A channel that receives files one at a time (the bot) checks each on arrival, so the
    person hears about a bad one at once rather than when the report is sent.
    """
    _probe(upload)


def _clean(data: bytes) -> CleanPhoto:
    try:
        with Image.open(io.BytesIO(data)) as image:
            gps = _gps(image)
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG only: decode at 1/2, 1/4, 1/8
            image.thumbnail((MAX_SIDE, MAX_SIDE))  # never hold more than the published size
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except _UNREADABLE:
        raise PhotoError(_("This file is not a photo that can be read.")) from None
    width, height = upright.size
    full = _jpeg(upright, MAX_SIDE, 85)
    return CleanPhoto(
        image=full,
        thumbnail=_jpeg(upright, THUMB_SIDE, 75),
        width=width,
        height=height,
        sha256=hashlib.sha256(full).hexdigest(),
        gps=gps,
    )


def clean_photos(uploads: Sequence[IO[bytes]]) -> list[CleanPhoto]:
    """Return the publishable versions of a request's photos, or raise PhotoError.

    Every photo is measured before any is decoded, so the request's total is refused
    before it costs memory.
    """
    probed = [_probe(upload) for upload in uploads]
    if sum(item.pixels for item in probed) > MAX_TOTAL_PIXELS:
        raise PhotoError(
            _("Together the photos have too many pixels: send fewer or smaller photos.")
        )
    return [_clean(item.data) for item in probed]


def clean_photo(upload: IO[bytes]) -> CleanPhoto:
    """Return the publishable version of one uploaded photo, or raise PhotoError."""
    return clean_photos([upload])[0]
