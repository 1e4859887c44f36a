"""Turn an uploaded photo into one that is safe to publish.

Only real JPEG, PNG, WebP and HEIC images are accepted, whatever the file is called.
The picture is decoded, turned upright, and re-encoded as JPEG with no metadata at
all, so the camera's GPS position, device and owner never reach a public page. The
GPS position is read first and handed back, so a report without a location can use it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from taza.core.errors import DomainError

register_heif_opener()

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 60_000_000  # well above any phone camera, well below a decompression bomb
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
    return (-latitude if lat_ref == "S" else latitude, -longitude if lon_ref == "W" else longitude)


def _jpeg(image: Image.Image, side: int, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=quality, optimize=True)  # no exif= : nothing kept
    return out.getvalue()


def clean_photo(upload: IO[bytes]) -> CleanPhoto:
    """Return the publishable version of an uploaded photo, or raise PhotoError."""
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
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError(_("The photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            gps = _gps(image)
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except PhotoError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise PhotoError(_("This file is not a photo that can be read.")) from None
    full = _jpeg(upright, MAX_SIDE, 85)
    width, height = upright.size
    scale = min(1.0, MAX_SIDE / max(width, height))
    return CleanPhoto(
        image=full,
        thumbnail=_jpeg(upright, THUMB_SIDE, 75),
        width=round(width * scale),
        height=round(height * scale),
        sha256=hashlib.sha256(full).hexdigest(),
        gps=gps,
    )
