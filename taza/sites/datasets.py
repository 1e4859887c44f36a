"""What of the waste-site registry is open data: the sites confirmed on the ground."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Dataset, Row
from taza.geo.datasets import TERRITORY_COLUMNS, territory_values
from taza.sites.choices import SiteState
from taza.sites.querysets import visible_sites

COLUMNS = (
    Column("id", _("number"), _("The site's number; its page is /sites/NUMBER/.")),
    Column("kind", _("kind code"), _("dump, landfill, landfill_breach or wastewater")),
    Column("kind_name", _("kind")),
    Column(
        "state", _("state code"), _("verified, assigned, liquidated, reinspected or reappeared")
    ),
    Column("state_name", _("state")),
    Column("source", _("found by (code)"), _("citizen, satellite, raid or import")),
    Column("source_name", _("found by")),
    *TERRITORY_COLUMNS,
    Column("lat", _("latitude"), _("WGS 84")),
    Column("lon", _("longitude"), _("WGS 84")),
    Column("area_m2", _("estimated area, m²")),
    Column("volume_m3", _("estimated volume, m³")),
    Column("found_at", _("found at")),
    Column("verified_at", _("verified at")),
    Column("liquidation_deadline", _("liquidation deadline")),
    Column("liquidated_at", _("liquidated at")),
    Column("times_reappeared", _("times re-appeared")),
)


def rows() -> Iterator[Row]:
    """Yield every site the public may see (verified, never candidates), oldest first."""
    sites = (
        visible_sites(AnonymousUser())
        .exclude(state=SiteState.REJECTED)
        .select_related("region", "district")
        .order_by("pk")
    )
    for site in sites.iterator(chunk_size=2000):
        yield {
            "id": site.pk,
            "kind": site.kind,
            "kind_name": site.get_kind_display(),
            "state": site.state,
            "state_name": site.get_state_display(),
            "source": site.source,
            "source_name": site.get_source_display(),
            **territory_values(site.region, site.district),
            "lat": round(site.lat, 6),
            "lon": round(site.lon, 6),
            "area_m2": site.area_m2,
            "volume_m3": site.volume_m3,
            "found_at": site.found_at,
            "verified_at": site.verified_at,
            "liquidation_deadline": site.liquidation_deadline,
            "liquidated_at": site.liquidated_at,
            "times_reappeared": site.times_reappeared,
        }


SITES = Dataset(
    slug="waste-sites",
    title=_("Waste sites"),
    description=_(
        "Unauthorised dumps, landfills and waste-water discharges confirmed on the ground, "
        "found by citizens, space monitoring, raids and imported lists, with their "
        "liquidation."
    ),
    methodology=_(
        "One row per site confirmed by an inspector or an analyst. Candidates found from space "
        "and not yet checked, and those rejected as false, are left out: they are not yet "
        "facts. The land owner is left out, as it may name a person. Area and volume are "
        "estimates from the image or the inspection. The 3,828 dump sites the government "
        "reports found from space in 2025 come from its own monitoring; this file holds what "
        "was entered into Taza, so its totals can be lower."
    ),
    columns=COLUMNS,
    rows=rows,
    point=lambda row: (row["lon"], row["lat"]),
    keywords=("waste sites", "dumps", "landfills", "space monitoring"),
)
