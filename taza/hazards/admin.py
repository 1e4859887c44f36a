from django.contrib import admin
from django.http import HttpRequest

from taza.audit.admin import AuditedModelAdmin, TokenIssuingAdmin
from taza.hazards.models import Gauge, HeatSource, Preparedness, ProtectedArea, Settlement
from taza.hazards.services import issue_gauge_token


@admin.register(HeatSource)
class HeatSourceAdmin(AuditedModelAdmin):
    """The static heat-source layer: gas flares and plants kept out of fire alerts."""

    list_display = ["name", "kind", "lat", "lon", "radius_m", "days_seen", "active"]
    list_filter = ["kind", "active"]


@admin.register(Gauge)
class GaugeAdmin(TokenIssuingAdmin):
    list_display = ["code", "river_ru", "name_ru", "region", "danger_cm", "critical_cm", "level"]
    list_filter = ["region", "level", "automatic", "active"]
    search_fields = ["code", "river_kk", "river_ru", "river_en", "name_kk", "name_ru", "name_en"]
    readonly_fields = [
        "level",
        "level_since",
        "last_cm",
        "last_at",
        "hours_to_danger",
        "hours_spread",
    ]

    def issue(self, request: HttpRequest, obj: Gauge) -> str:
        return issue_gauge_token(actor=request.user, gauge=obj)


@admin.register(Settlement)
class SettlementAdmin(AuditedModelAdmin):
    """Settlements in flood danger zones, kept by the akimats (every change audited)."""

    list_display = ["name", "region", "district", "gauge", "status", "shelter_places"]
    list_filter = ["region", "status"]
    search_fields = ["name"]


@admin.register(Preparedness)
class PreparednessAdmin(AuditedModelAdmin):
    list_display = ["region", "year", "dams_km", "riverbeds_km", "snow_m3", "people", "machines"]
    list_filter = ["year", "region"]


@admin.register(ProtectedArea)
class ProtectedAreaAdmin(AuditedModelAdmin):
    """Protected areas: rename one, change its keeper or take it out of use.

    The outlines come from a GeoJSON file (/hazards/areas/upload/), checked as a whole.
    """

    list_display = ["code", "name_ru", "kind", "region", "administration", "approximate", "active"]
    list_filter = ["kind", "region", "approximate", "active"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]
    readonly_fields = ["geometry", "west", "south", "east", "north", "area_ha"]
