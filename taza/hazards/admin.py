from django.contrib import admin

from taza.audit.admin import AuditedModelAdmin
from taza.hazards.models import HeatSource


@admin.register(HeatSource)
class HeatSourceAdmin(AuditedModelAdmin):
    """The static heat-source layer: gas flares and plants kept out of fire alerts."""

    list_display = ["name", "kind", "lat", "lon", "radius_m", "days_seen", "active"]
    list_filter = ["kind", "active"]
