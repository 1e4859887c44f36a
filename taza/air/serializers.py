"""Write the air domain's answers for the REST API and the map, in plain numbers."""

from __future__ import annotations

from typing import Any

from taza.air.querysets import PostNow


def post_now_data(state: PostNow) -> dict[str, Any]:
    """Return a post's current state as the API and the map give it; nothing personal."""
    post = state.post
    return {
        "code": post.code,
        "name": post.name,
        "city": post.city.slug,
        "lat": post.lat,
        "lon": post.lon,
        "kind": post.kind,
        "owner": post.owner_kind,
        "state": state.state,
        "last_at": state.last_at.isoformat() if state.last_at else None,
        "aqi": state.aqi.value if state.aqi else None,
        "band": state.aqi.band.value if state.aqi else None,
        "pollutant": state.aqi.pollutant if state.aqi else None,
        "si_grade": state.si_grade.value if state.si_grade else None,
        "sensors": [
            {
                "parameter": s.sensor.parameter,
                "grade": s.sensor.grade,
                "last_at": s.last_at.isoformat() if s.last_at else None,
                "value_ug_m3": s.last_value,
                "sub_index": s.sub_index,
            }
            for s in state.sensors
        ],
    }


def posts_geojson(states: list[PostNow]) -> dict[str, Any]:
    """Return posts as GeoJSON points for the city map, coloured by AQI band or СИ grade."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.post.lon, s.post.lat]},
                "properties": {
                    k: v for k, v in post_now_data(s).items() if k not in ("sensors", "lat", "lon")
                },
            }
            for s in states
        ],
    }
