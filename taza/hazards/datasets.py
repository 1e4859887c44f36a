"""What of the hazards is open data: fires (not false alarms) and river gauges' states."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Dataset, Row
from taza.geo.datasets import TERRITORY_COLUMNS, territory_values
from taza.hazards.choices import FireState
from taza.hazards.models import FireEvent, Gauge


def _fires() -> Iterator[Row]:
    fires = (
        FireEvent.objects.exclude(state__in=(FireState.FALSE_ALARM, FireState.MERGED))
        .select_related("region", "district")
        .order_by("pk")
    )
    for f in fires.iterator(chunk_size=2000):
        yield {
            "id": f.pk,
            "state": f.state,
            "state_name": f.get_state_display(),
            **territory_values(f.region, f.district),
            "lat": round(f.lat, 5),
            "lon": round(f.lon, 5),
            "first_seen": f.first_seen,
            "last_seen": f.last_seen,
            "hotspots": f.detections,
            "frp_mw": round(f.frp_total, 1),
            "pixel_area_ha": round(f.pixel_area_ha, 1),
            "burned_ha": f.burned_ha,
            "hours_to_confirm": round(f.hours_to_confirm, 1) if f.hours_to_confirm else None,
        }


def _gauges() -> Iterator[Row]:
    for g in Gauge.objects.filter(active=True).select_related("region", "district"):
        yield {
            "code": g.code,
            "river": g.river,
            "name": g.name,
            **territory_values(g.region, g.district),
            "lat": g.lat,
            "lon": g.lon,
            "danger_cm": g.danger_cm,
            "critical_cm": g.critical_cm,
            "level_cm": g.last_cm,
            "measured_at": g.last_at,
            "level": g.level,
            "hours_to_danger": round(g.hours_to_danger, 1) if g.hours_to_danger else None,
        }


FIRES = Dataset(
    slug="fires",
    title=_("Wildfires seen from space"),
    description=_("Fires built from satellite hotspots, their state, size and response."),
    methodology=_(
        "NASA FIRMS hotspots (VIIRS, MODIS) with enough confidence, in Kazakhstan or within "
        "20 km of it, away from known industrial heat sources, grouped into fires when within "
        "2 km and 24 hours of each other. False alarms are left out. The area of the hot "
        "pixels is an upper bound of what burned; the burned area is the akimat's report."
    ),
    columns=(
        Column("id", _("number"), _("the fire's page is /hazards/fires/NUMBER/")),
        Column("state", _("state code"), _("new, confirmed or extinguished")),
        Column("state_name", _("state")),
        *TERRITORY_COLUMNS,
        Column("lat", _("latitude"), _("WGS 84, the centre of the hotspots")),
        Column("lon", _("longitude"), _("WGS 84")),
        Column("first_seen", _("first seen")),
        Column("last_seen", _("last seen")),
        Column("hotspots", _("hot spots")),
        Column("frp_mw", _("total fire radiative power, MW")),
        Column("pixel_area_ha", _("area of the hot pixels, ha")),
        Column("burned_ha", _("burned area, ha"), _("as the akimat reported it")),
        Column("hours_to_confirm", _("hours to confirm")),
    ),
    rows=_fires,
    point=lambda row: (row["lon"], row["lat"]),
    keywords=("wildfire", "FIRMS"),
)

GAUGES = Dataset(
    slug="river-gauges",
    title=_("River gauges and their warning levels"),
    description=_("Each gauge's marks, latest level, warning level and hours to danger."),
    methodology=_(
        "Levels in centimetres above the gauge zero, as the gauges send them; doubtful "
        "readings left out. Warning levels and the hours to the danger mark follow the rules "
        "on the flood-season page: a straight-line trend over the last day."
    ),
    columns=(
        Column("code", _("gauge code")),
        Column("river", _("river")),
        Column("name", _("name")),
        *TERRITORY_COLUMNS,
        Column("lat", _("latitude"), _("WGS 84")),
        Column("lon", _("longitude"), _("WGS 84")),
        Column("danger_cm", _("danger mark, cm")),
        Column("critical_cm", _("critical mark, cm")),
        Column("level_cm", _("latest level, cm")),
        Column("measured_at", _("measured at")),
        Column("level", _("warning level"), _("normal, rising, approaching, danger, critical")),
        Column("hours_to_danger", _("hours to the danger mark")),
    ),
    rows=_gauges,
    point=lambda row: (row["lon"], row["lat"]),
    keywords=("flood",),
)
