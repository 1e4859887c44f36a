"""The shapes of waste sites in the REST API."""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers

from taza.sites.models import WasteSite


class WasteSiteSerializer(serializers.ModelSerializer[WasteSite]):
    """A waste site as anyone may see it: no land owner, no detector's scores."""

    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    state_name = serializers.CharField(source="get_state_display", read_only=True)
    source_name = serializers.CharField(source="get_source_display", read_only=True)
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    outline = serializers.SerializerMethodField(
        help_text="The site's outline as a GeoJSON Polygon, or a MultiPolygon where its parts "
        "meet only at corners; null where none was drawn."
    )

    class Meta:
        model = WasteSite
        fields = [
            "id",
            "kind",
            "kind_name",
            "state",
            "state_name",
            "source",
            "source_name",
            "lat",
            "lon",
            "region",
            "district",
            "area_m2",
            "volume_m3",
            "waste_types",
            "found_at",
            "verified_at",
            "liquidation_deadline",
            "liquidated_at",
            "last_seen_at",
            "times_reappeared",
            "outline",
        ]

    def get_outline(self, site: WasteSite) -> dict[str, Any] | None:
        return json.loads(site.outline_geojson) if site.outline_geojson else None
