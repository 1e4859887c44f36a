"""Put the maps' script, style sheet and configuration on a page that draws a map."""

from __future__ import annotations

from typing import Any

from django import template

from taza.web.maps import map_config

register = template.Library()


@register.inclusion_tag("web/map_assets.html")
def map_assets() -> dict[str, Any]:
    """Render the map configuration (JSON, not executed) and the bundled map script."""
    return {"config": map_config()}
