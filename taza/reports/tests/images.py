"""Make real image files for tests, with or without camera metadata."""

from __future__ import annotations

import io

from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return IFDRational(degrees), IFDRational(minutes), IFDRational(round(seconds * 100), 100)


def photo_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (640, 480),
    gps: tuple[float, float] | None = None,
    camera: str | None = None,
    orientation: int | None = None,
) -> bytes:
    image = Image.new("RGB", size, (60, 140, 80))
    for x in range(0, size[0], 7):  # some texture, so the encoder has work to do
        image.putpixel((x, x * size[1] // size[0]), (250, 250, 250))
    exif = Image.Exif()
    if camera:
        exif[ExifTags.Base.Make] = camera
        exif[ExifTags.Base.Model] = camera + " X100"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd[1], ifd[2] = "N", _dms(gps[0])
        ifd[3], ifd[4] = "E", _dms(gps[1])
    out = io.BytesIO()
    image.save(out, format=fmt, **({"exif": exif} if fmt in ("JPEG", "WEBP", "PNG") else {}))
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer
