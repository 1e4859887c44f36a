from functools import cache

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from taza.geo.lookup import ADM1_FILE


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
