"""The shapes of fires, gauges and settlements in the REST API: public facts, no person."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from taza.core.urls import absolute_url
from taza.hazards.models import FireEvent, Gauge, Settlement


class FireSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text="new, confirmed, false_alarm or extinguished")
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()
    lat = serializers.FloatField(help_text="the centre of its hot spots")
    lon = serializers.FloatField()
    bbox = serializers.ListField(
        child=serializers.FloatField(), help_text="west, south, east, north of its hot spots"
    )
    detections = serializers.IntegerField()
    frp_total_mw = serializers.FloatField(
        help_text="the sum of the hot spots' fire radiative power"
    )
    pixel_area_ha = serializers.FloatField(
        help_text="the hot pixels' footprint: an upper bound of what burns, not the burned area"
    )
    burned_ha = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="as the responder reported"
    )
    region = serializers.CharField(help_text="region code")
    district = serializers.CharField(allow_null=True, help_text="district code")
    responsible = serializers.CharField(allow_null=True, help_text="the responsible body's code")
    confirmed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField()

    @staticmethod
    def of(fire: FireEvent) -> dict[str, Any]:
        """Describe a fire for the API (its region, district and body read with it)."""
        return {
            "id": fire.pk,
            "state": fire.state,
            "first_seen": fire.first_seen,
            "last_seen": fire.last_seen,
            "lat": round(fire.lat, 5),
            "lon": round(fire.lon, 5),
            "bbox": [fire.west, fire.south, fire.east, fire.north],
            "detections": fire.detections,
            "frp_total_mw": round(fire.frp_total, 1),
            "pixel_area_ha": round(fire.pixel_area_ha, 1),
            "burned_ha": None if fire.burned_ha is None else str(fire.burned_ha),
            "region": fire.region.code,
            "district": fire.district.code if fire.district else None,
            "responsible": fire.body.code if fire.body else None,
            "confirmed_at": fire.confirmed_at,
            "closed_at": fire.closed_at,
            "url": absolute_url(fire),
        }


class GaugeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    river = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    region = serializers.CharField(help_text="region code")
    district = serializers.CharField(allow_null=True)
    danger_cm = serializers.IntegerField(help_text="the danger mark (опасная отметка)")
    critical_cm = serializers.IntegerField()
    level = serializers.CharField(help_text="normal, rising, approaching, danger or critical")
    last_cm = serializers.FloatField(allow_null=True)
    last_at = serializers.DateTimeField(allow_null=True)
    hours_to_danger = serializers.FloatField(
        allow_null=True, help_text="at the present trend; null when not rising"
    )
    hours_spread = serializers.FloatField(allow_null=True, help_text="± hours")
    url = serializers.CharField()

    @staticmethod
    def of(gauge: Gauge) -> dict[str, Any]:
        """Describe a gauge and its state now, in the language of the request."""
        return {
            "code": gauge.code,
            "name": gauge.name,
            "river": gauge.river,
            "lat": gauge.lat,
            "lon": gauge.lon,
            "region": gauge.region.code,
            "district": gauge.district.code if gauge.district else None,
            "danger_cm": gauge.danger_cm,
            "critical_cm": gauge.critical_cm,
            "level": gauge.level,
            "last_cm": gauge.last_cm,
            "last_at": gauge.last_at,
            "hours_to_danger": gauge.hours_to_danger,
            "hours_spread": gauge.hours_spread,
            "url": absolute_url(gauge),
        }


class SettlementSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField()
    district = serializers.CharField(allow_null=True)
    gauge = serializers.CharField(allow_null=True, help_text="the governing gauge's code")
    status = serializers.CharField(help_text="present, reduced or eliminated")
    shelter_places = serializers.IntegerField()
    evacuation_points = serializers.IntegerField()

    @staticmethod
    def of(settlement: Settlement) -> dict[str, Any]:
        """Describe a settlement in a flood danger zone."""
        return {
            "id": settlement.pk,
            "name": settlement.name,
            "region": settlement.region.code,
            "district": settlement.district.code if settlement.district else None,
            "gauge": settlement.gauge.code if settlement.gauge else None,
            "status": settlement.status,
            "shelter_places": settlement.shelter_places,
            "evacuation_points": settlement.evacuation_points,
        }
