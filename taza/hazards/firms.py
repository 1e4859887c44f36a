"""Read NASA FIRMS active-fire CSV, from a file or the area API, as FIRMS documents it.

VIIRS (375 m; S-NPP, NOAA-20, NOAA-21) columns: latitude, longitude, bright_ti4, scan,
track, acq_date, acq_time, satellite, instrument, confidence, version, bright_ti5, frp,
daynight. MODIS (1 km; Terra, Aqua) has brightness and bright_t31 instead of the ti
bands, and a confidence of 0–100 instead of l/n/h. acq_date is YYYY-MM-DD and acq_time
HHMM, both UTC (the leading zeros may be missing: 812 is 08:12).

The area API is ``/api/area/csv/{MAP_KEY}/{SOURCE}/{west,south,east,north}/{DAYS}``
with 1–5 days; a bad key is answered "Invalid MAP_KEY." and a key past its transaction
limit (5,000 in 10 minutes) with an error text, neither of them CSV.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import httpx
from django.utils.translation import gettext as _

from taza.core.errors import DomainError

# Kazakhstan's bounding box with about half a degree to spare: what the area API is
# asked for (west, south, east, north).
KAZAKHSTAN_AREA = (46.0, 40.0, 88.0, 56.0)
SOURCES = ("VIIRS_SNPP_NRT", "VIIRS_NOAA20_NRT", "VIIRS_NOAA21_NRT", "MODIS_NRT")
MAX_ROWS = 200_000
REQUIRED = ("latitude", "longitude", "acq_date", "acq_time", "satellite", "confidence")


class FirmsError(DomainError):
    """Refuse a FIRMS file or answer that cannot be read."""


@dataclass
class Hotspot:
    lat: float
    lon: float
    acquired_at: datetime
    satellite: str
    instrument: str
    confidence: str
    brightness: float | None
    frp: float | None
    scan: float | None
    track: float | None
    daynight: str
    version: str


@dataclass
class Parsed:
    hotspots: list[Hotspot] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, why)


def _float(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _moment(day: str, hhmm: str) -> datetime | None:
    try:
        found = date.fromisoformat(day.strip())
        clock = int(str(hhmm).strip())
    except (TypeError, ValueError):
        return None
    hours, minutes = divmod(clock, 100)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        return None
    return datetime.combine(found, time(hours, minutes), tzinfo=UTC)


def parse(text: str) -> Parsed:
    """Read FIRMS CSV text into hotspots; name each line that cannot be read and why."""
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or [])
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise FirmsError(
            _("This is not FIRMS CSV: the columns %(names)s are missing.")
            % {"names": ", ".join(missing)}
        )
    result = Parsed()
    for row in reader:
        line = reader.line_num
        if len(result.hotspots) + len(result.errors) >= MAX_ROWS:
            raise FirmsError(_("The file has too many rows."))
        lat, lon = _float(row.get("latitude")), _float(row.get("longitude"))
        at = _moment(row.get("acq_date") or "", row.get("acq_time") or "")
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            result.errors.append((line, _("latitude and longitude must be numbers.")))
            continue
        if at is None:
            result.errors.append((line, _("acq_date must be YYYY-MM-DD and acq_time HHMM.")))
            continue
        instrument = (row.get("instrument") or "").strip().upper() or (
            "VIIRS" if "bright_ti4" in header else "MODIS"
        )
        result.hotspots.append(
            Hotspot(
                lat=lat,
                lon=lon,
                acquired_at=at,
                satellite=(row.get("satellite") or "").strip()[:8],
                instrument=instrument[:8],
                confidence=(row.get("confidence") or "").strip().lower()[:8],
                brightness=_float(row.get("bright_ti4", row.get("brightness"))),
                frp=_float(row.get("frp")),
                scan=_float(row.get("scan")),
                track=_float(row.get("track")),
                daynight=(row.get("daynight") or "").strip()[:1],
                version=(row.get("version") or "").strip()[:20],
            )
        )
    return result


def fetch(
    base_url: str,
    map_key: str,
    source: str,
    days: int = 1,
    *,
    transport: httpx.BaseTransport | None = None,
) -> str:
    """Fetch one source's detections over Kazakhstan for the last days; return the CSV."""
    area = ",".join(str(v) for v in KAZAKHSTAN_AREA)
    url = f"{base_url.rstrip('/')}/api/area/csv/{map_key}/{source}/{area}/{max(1, min(days, 5))}"
    with httpx.Client(timeout=60, transport=transport) as client:
        answer = client.get(url)
    text = answer.text
    if answer.status_code != 200 or not text.lstrip().startswith("latitude"):
        first = text.strip().splitlines()[0][:200] if text.strip() else str(answer.status_code)
        raise FirmsError(_("FIRMS refused the request: %(why)s") % {"why": first}, code="firms")
    return text
