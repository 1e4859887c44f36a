"""The photo pipeline: only real photos, re-encoded, with no camera metadata."""

import io

import pytest
from PIL import Image

from taza.reports import photos
from taza.reports.photos import MAX_BYTES, PhotoError, clean_photo, clean_photos
from taza.reports.tests.images import photo_bytes


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats_come_out_as_jpeg_without_metadata(fmt):
    clean = clean_photo(io.BytesIO(photo_bytes(fmt, camera="Canon", gps=(43.2, 76.9))))
    image = Image.open(io.BytesIO(clean.image))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert b"Canon" not in clean.image
    assert (clean.width, clean.height) == (640, 480) == image.size


def test_heic_photos_from_phones_are_accepted():
    from pillow_heif import from_pillow

    heif = from_pillow(Image.new("RGB", (320, 240), (10, 120, 200)))
    out = io.BytesIO()
    heif.save(out, quality=80)
    clean = clean_photo(io.BytesIO(out.getvalue()))
    assert Image.open(io.BytesIO(clean.image)).format == "JPEG"


def test_the_gps_position_is_read_before_it_is_stripped():
    clean = clean_photo(io.BytesIO(photo_bytes(gps=(51.1694, 71.4491))))
    assert clean.gps == pytest.approx((51.1694, 71.4491), abs=1e-4)
    assert not Image.open(io.BytesIO(clean.image)).getexif()


def test_a_sideways_photo_is_turned_upright():
    clean = clean_photo(io.BytesIO(photo_bytes(orientation=6)))
    assert (clean.width, clean.height) == (480, 640)


def test_large_photos_are_scaled_down_and_get_a_thumbnail():
    clean = clean_photo(io.BytesIO(photo_bytes(size=(4000, 3000))))
    assert (clean.width, clean.height) == (2560, 1920)
    assert max(Image.open(io.BytesIO(clean.thumbnail)).size) == 320


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"this is a text file named photo.jpg", "not a photo"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "not a photo"),  # a JPEG header and nothing else
        (photo_bytes("GIF"), "Only JPEG, PNG, WebP and HEIC"),
        (photo_bytes("BMP"), "Only JPEG, PNG, WebP and HEIC"),
    ],
)
def test_files_that_are_not_acceptable_photos_are_refused(data, message):
    with pytest.raises(PhotoError, match=message):
        clean_photo(io.BytesIO(data))


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all():
    class Endless(io.RawIOBase):
        read_total = 0

        def read(self, n=-1):
            self.read_total += n
            return b"\xff" * n

    stream = Endless()
    with pytest.raises(PhotoError, match="too large"):
        clean_photo(stream)
    assert stream.read_total == MAX_BYTES + 1


def test_a_decompression_bomb_is_refused():
    image = Image.new("1", (12000, 12000))
    out = io.BytesIO()
    image.save(out, format="PNG")
    with pytest.raises(PhotoError):
        clean_photo(io.BytesIO(out.getvalue()))


def _one_colour_png(side: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (side, side)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_the_photos_of_one_request_are_measured_together_before_any_is_decoded(monkeypatch):
    """Five small one-colour files of 7,000 × 7,000 each pass alone, not together (M5)."""
    big = _one_colour_png(7000)
    assert len(big) < 300_000
    decoded = []
    monkeypatch.setattr(photos, "_clean", lambda data: decoded.append(data))
    with pytest.raises(PhotoError, match="Together the photos have too many pixels"):
        clean_photos([io.BytesIO(big) for _ in range(5)])
    assert decoded == []


def test_one_photo_over_the_pixel_limit_is_refused_from_its_header():
    out = io.BytesIO()
    Image.new("1", (7100, 7100)).save(out, format="PNG")  # 50.4 MP, a tiny file
    with pytest.raises(PhotoError, match="too many pixels"):
        clean_photo(io.BytesIO(out.getvalue()))


def test_the_gps_position_is_rounded_to_about_ten_metres():
    clean = clean_photo(io.BytesIO(photo_bytes(gps=(43.238912, 76.889709))))
    assert clean.gps == (43.2389, 76.8897)
