from functools import cache

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from taza.geo.lookup import ADM1_FILE, ADM2_FILE


@cache
def _simplified_regions() -> bytes:
    """Return the regions' outlines, simplified to about 1 km, as GeoJSON for the maps."""
    import json

    from shapely.geometry import mapping, shape

    data = json.loads(ADM1_FILE.read_text(encoding="utf-8"))
    features = [
        {
            "type": "Feature",
            "properties": {"code": f["properties"]["ADM1_PCODE"]},
            "geometry": mapping(shape(f["geometry"]).simplify(0.01, preserve_topology=True)),
        }
        for f in data["features"]
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return text.encode()


@require_GET
@cache_control(max_age=86400, public=True)
def regions_geojson(request: HttpRequest) -> HttpResponse:
    """Serve the basemap: Taza ships its own outlines, so maps need no tile server."""
    return HttpResponse(_simplified_regions(), content_type="application/geo+json")


@cache
def _simplified_districts(region_code: str) -> bytes | None:
    """Return one region's district outlines, simplified to about 500 m, as GeoJSON."""
    import json

    from shapely.geometry import mapping, shape

    data = json.loads(ADM2_FILE.read_text(encoding="utf-8"))
    features = [
        {
            "type": "Feature",
            "properties": {"code": f["properties"]["ADM2_PCODE"]},
            "geometry": mapping(shape(f["geometry"]).simplify(0.005, preserve_topology=True)),
        }
        for f in data["features"]
        if f["properties"]["ADM1_PCODE"] == region_code
    ]
    if not features:
        return None
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return text.encode()


@require_GET
@cache_control(max_age=86400, public=True)
def districts_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """Serve one region's district outlines, for the maps that shade districts."""
    outlines = _simplified_districts(code)
    if outlines is None:
        raise Http404(_("There is no region with this code."))
    return HttpResponse(outlines, content_type="application/geo+json")
