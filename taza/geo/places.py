"""Find a place by name: Taza's own gazetteer of territories, and an address geocoder.

The gazetteer holds the 20 regions and 224 districts, found by any of their Kazakh,
Russian or English names, each with a point inside it and its bounding box. Where a
deployment runs a geocoder (``TAZA_GEOCODER_URL``: a Nominatim server, or Photon), street
addresses and landmarks are asked of it as the respective API documents, in the reader's
language and limited to Kazakhstan; a point it returns outside Kazakhstan is dropped, and
a geocoder that fails or is slow leaves the gazetteer's answer standing.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import translation

from taza.geo.lookup import ADM1_FILE, ADM2_FILE, LocationError, locate
from taza.geo.models import District, Region

logger = logging.getLogger(__name__)

# Kazakhstan's bounding box (west, south, east, north), for the geocoder's search area.
KAZAKHSTAN = (46.4, 40.5, 87.4, 55.5)
MAX_QUERY = 200
LIMIT = 8


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # region, district or address
    lat: float
    lon: float
    # west, south, east, north; None for a point (an address)
    bbox: tuple[float, float, float, float] | None = None
    within: str = ""  # the region (for a district) or the geocoder's fuller name

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@cache
def _shapes() -> dict[str, tuple[float, float, tuple[float, float, float, float]]]:
    """Return each territory's inner point (lat, lon) and bounding box, by code."""
    from shapely.geometry import shape

    found = {}
    for path, key in ((ADM1_FILE, "ADM1_PCODE"), (ADM2_FILE, "ADM2_PCODE")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            geometry = shape(feature["geometry"])
            inner = geometry.representative_point()
            west, south, east, north = geometry.bounds
            found[feature["properties"][key]] = (
                round(inner.y, 5),
                round(inner.x, 5),
                (round(west, 4), round(south, 4), round(east, 4), round(north, 4)),
            )
    return found


def _matches(query: str, names: tuple[str, ...]) -> int | None:
    """Rank a territory for a query: 0 a name starts with it, 1 contains it, None neither."""
    best = None
    for name in names:
        folded = name.casefold()
        if folded.startswith(query) or any(w.startswith(query) for w in folded.split()):
            return 0
        if query in folded:
            best = 1
    return best


def gazetteer(query: str, limit: int = LIMIT) -> list[Place]:
    """Return the territories whose name in any language matches, best first."""
    wanted = query.strip().casefold()
    if len(wanted) < 2:
        return []
    shapes = _shapes()
    ranked: list[tuple[int, int, str, Place]] = []
    for level, rows in (
        (0, Region.objects.all()),
        (1, District.objects.select_related("region")),
    ):
        for row in rows:
            rank = _matches(wanted, (row.name_kk, row.name_ru, row.name_en))
            if rank is None or row.code not in shapes:
                continue
            lat, lon, bbox = shapes[row.code]
            within = row.region.name if isinstance(row, District) else ""
            kind = "district" if isinstance(row, District) else "region"
            place = Place(row.name, kind, lat, lon, bbox, within)
            ranked.append((rank, level, row.name, place))
    ranked.sort(key=lambda item: item[:3])
    return [place for *_key, place in ranked[:limit]]


def _ask(url: str) -> Any:
    """Return the geocoder's JSON answer; only http(s), at most 1 MB, within the timeout."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("the geocoder's address must be http(s)")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, headers={"User-Agent": settings.TAZA_GEOCODER_AGENT}
    )
    timeout = settings.TAZA_GEOCODER_TIMEOUT
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read(1_000_000))


def _in_kazakhstan(lat: float, lon: float) -> bool:
    try:
        return locate(lat, lon).exact
    except LocationError:
        return False


def _nominatim(query: str, language: str, limit: int) -> list[Place]:
    """Ask a Nominatim server (/search, format=jsonv2), as its API documents."""
    params = {
        "q": query,
        "format": "jsonv2",
        "countrycodes": "kz",
        "accept-language": language,
        "limit": str(limit),
        "addressdetails": "0",
    }
    base = settings.TAZA_GEOCODER_URL.rstrip("/")
    places = []
    for item in _ask(f"{base}/search?{urllib.parse.urlencode(params)}"):
        lat, lon = float(item["lat"]), float(item["lon"])
        name = str(item.get("name") or item.get("display_name", "")).strip()
        if name and _in_kazakhstan(lat, lon):
            places.append(Place(name, "address", lat, lon, None, str(item.get("display_name", ""))))
    return places


def _photon(query: str, language: str, limit: int) -> list[Place]:
    """Ask a Photon server (/api, GeoJSON answers), as its API documents."""
    params = {
        "q": query,
        "lang": language if language in ("en", "de", "fr") else "default",
        "limit": str(limit),
        "bbox": ",".join(str(v) for v in KAZAKHSTAN),
    }
    base = settings.TAZA_GEOCODER_URL.rstrip("/")
    places = []
    for feature in _ask(f"{base}/api?{urllib.parse.urlencode(params)}").get("features", []):
        lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
        props = feature.get("properties", {})
        name = str(props.get("name") or props.get("street") or "").strip()
        if props.get("housenumber") and props.get("street"):
            name = f"{props['street']}, {props['housenumber']}"
        within = ", ".join(str(props[k]) for k in ("city", "district", "state") if props.get(k))
        if name and _in_kazakhstan(lat, lon):
            places.append(Place(name, "address", lat, lon, None, within))
    return places


GEOCODERS = {"nominatim": _nominatim, "photon": _photon}


def search(query: str, limit: int = LIMIT) -> list[Place]:
    """Return places for a query: territories first, then the geocoder's addresses."""
    query = query.strip()[:MAX_QUERY]
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    places = gazetteer(query, limit)
    geocoder = GEOCODERS.get(settings.TAZA_GEOCODER_KIND)
    if geocoder and settings.TAZA_GEOCODER_URL and len(query) >= 3:
        try:
            places += geocoder(query, language, limit)
        except (OSError, ValueError, KeyError, TypeError, urllib.error.URLError) as exc:
            logger.warning("geocoder failed", extra={"error": str(exc)[:200]})
    return places[: limit * 2]
