"""Serve the basemap and tell every map where it is: one configuration for all maps.

The PMTiles file is read by the browser in pieces (HTTP range requests), so this view
answers ``Range: bytes=a-b`` with 206 and exactly those bytes. In production the proxy
serves the file itself (it does ranges natively); this view is for the embedded default
and for tests. Glyphs for the labels are served from a folder the same way, whole.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def map_config() -> dict[str, Any]:
    """Return what the maps' script needs: the basemap, limits, words for the controls."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return {
        "worker": static("vendor/maps/maplibre-gl-worker.mjs"),
        "pmtiles": reverse("basemap-pmtiles") if settings.TAZA_BASEMAP_PMTILES else "",
        "tiles": settings.TAZA_BASEMAP_TILES,
        "tilesMaxZoom": settings.TAZA_BASEMAP_TILES_MAX_ZOOM,
        "glyphs": (
            reverse("basemap-glyphs", args=["FONTSTACK", "RANGE"])
            .replace("FONTSTACK", "{fontstack}")
            .replace("RANGE", "{range}")
            if settings.TAZA_BASEMAP_GLYPHS
            else ""
        ),
        "attribution": settings.TAZA_BASEMAP_ATTRIBUTION,
        "boundaries": "geokz, CC BY 4.0",
        "regions": reverse("regions-geojson"),
        "maxZoom": settings.TAZA_MAP_MAX_ZOOM,
        "language": language,
        "locale": {
            "NavigationControl.ZoomIn": _("Zoom in"),
            "NavigationControl.ZoomOut": _("Zoom out"),
            "NavigationControl.ResetBearing": _("Reset the map's direction"),
            "AttributionControl.ToggleAttribution": _("Sources of the map"),
            "GeolocateControl.FindMyLocation": _("Find my location"),
            "FullscreenControl.Enter": _("Full screen"),
            "FullscreenControl.Exit": _("Leave full screen"),
            "Map.Title": _("Map"),
            "Popup.Close": _("Close"),
        },
    }


@require_safe
def basemap_pmtiles(request: HttpRequest) -> HttpResponseBase:
    """Serve the basemap's PMTiles file, whole or by the byte range asked for."""
    if not settings.TAZA_BASEMAP_PMTILES:
        raise Http404
    path = Path(settings.TAZA_BASEMAP_PMTILES)
    if not path.is_file():
        raise Http404
    return ranged_file(request, path, "application/vnd.pmtiles")


def ranged_file(request: HttpRequest, path: Path, content_type: str) -> HttpResponseBase:
    """Answer a GET for a file, honouring a single ``Range`` header (RFC 9110 §14)."""
    size = path.stat().st_size
    asked = request.headers.get("Range", "")
    headers = {
        "Accept-Ranges": "bytes",
        "Last-Modified": http_date(path.stat().st_mtime),
        "Cache-Control": "public, max-age=86400",
    }
    if not asked:
        whole = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115
        for name, value in headers.items():
            whole[name] = value
        return whole
    match = RANGE.match(asked.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return _unsatisfiable(size)
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return _unsatisfiable(size)
    with open(path, "rb") as file:
        file.seek(start)
        body = file.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    for name, value in headers.items():
        response[name] = value
    return response


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response


FONTSTACK = re.compile(r"^[A-Za-z0-9 ,_-]{1,200}$")
GLYPH_RANGE = re.compile(r"^\d{1,5}-\d{1,5}$")


@require_safe
def basemap_glyphs(request: HttpRequest, fontstack: str, glyph_range: str) -> HttpResponseBase:
    """Serve one glyph file of the basemap's labels, from TAZA_BASEMAP_GLYPHS."""
    if not settings.TAZA_BASEMAP_GLYPHS:
        raise Http404
    if not FONTSTACK.match(fontstack) or not GLYPH_RANGE.match(glyph_range):
        raise Http404
    folder = Path(settings.TAZA_BASEMAP_GLYPHS)
    # A stack names several fonts; serve the first one the folder has.
    for font in fontstack.split(","):
        path = folder / font.strip() / f"{glyph_range}.pbf"
        if path.is_file():
            response = FileResponse(open(path, "rb"), content_type="application/x-protobuf")  # noqa: SIM115
            response["Cache-Control"] = "public, max-age=86400"
            return response
    raise Http404
