from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from taza.audit.admin import AuditedModelAdmin
from taza.hazards.models import Gauge, HeatSource, Preparedness, Settlement
from taza.hazards.services import issue_gauge_token


@admin.register(HeatSource)
class HeatSourceAdmin(AuditedModelAdmin):
    """The static heat-source layer: gas flares and plants kept out of fire alerts."""

    list_display = ["name", "kind", "lat", "lon", "radius_m", "days_seen", "active"]
    list_filter = ["kind", "active"]


@admin.register(Gauge)
class GaugeAdmin(AuditedModelAdmin):
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
    actions = ["issue_tokens"]

    @admin.action(description=_("Issue a new API token (the old one stops working)"))
    def issue_tokens(self, request: HttpRequest, queryset: QuerySet[Gauge]) -> None:
        """Give each chosen gauge a new token and show it once, to hand to the station."""
        for gauge in queryset:
            token = issue_gauge_token(actor=request.user, gauge=gauge)
            messages.warning(
                request,
                _("%(post)s: %(token)s — copy it now, it is not shown again.")
                % {"post": gauge.code, "token": token},
            )


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
