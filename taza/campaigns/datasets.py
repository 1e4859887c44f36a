"""What of the campaigns is open data: what each event achieved, once accepted."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from taza.campaigns.choices import ResultStatus
from taza.campaigns.models import EventResult
from taza.core.datasets import Column, Dataset, Row
from taza.geo.datasets import TERRITORY_COLUMNS, territory_values

COLUMNS = (
    Column("event", _("event number"), _("The event's page is /campaigns/events/NUMBER/.")),
    Column("campaign", _("campaign code")),
    Column("campaign_name", _("campaign")),
    Column("title", _("event"), _("as its organiser wrote it")),
    Column("organiser_kind", _("organiser kind code")),
    Column("organiser_kind_name", _("organiser kind")),
    *TERRITORY_COLUMNS,
    Column("lat", _("latitude"), _("WGS 84")),
    Column("lon", _("longitude"), _("WGS 84")),
    Column("starts_at", _("starts at")),
    Column("participants", _("participants")),
    Column("volunteers", _("of whom volunteers")),
    Column("tonnes_collected", _("tonnes collected")),
    Column("tonnes_recycled", _("tonnes sent for recycling")),
    Column("hectares_cleaned", _("hectares cleaned")),
    Column("trees_planted", _("trees planted")),
)


def rows() -> Iterator[Row]:
    """Yield every event whose result an analyst accepted, oldest first."""
    results = (
        EventResult.objects.filter(status=ResultStatus.ACCEPTED)
        .select_related("event__campaign", "event__region", "event__district")
        .order_by("event__starts_at", "pk")
    )
    for result in results.iterator(chunk_size=2000):
        event = result.event
        yield {
            "event": event.pk,
            "campaign": event.campaign.code,
            "campaign_name": event.campaign.name,
            "title": event.display_title,
            "organiser_kind": event.organiser_kind,
            "organiser_kind_name": event.get_organiser_kind_display(),
            **territory_values(event.region, event.district),
            "lat": round(event.lat, 5),
            "lon": round(event.lon, 5),
            "starts_at": event.starts_at,
            "participants": result.participants,
            "volunteers": result.volunteers,
            "tonnes_collected": result.tonnes_collected,
            "tonnes_recycled": sum(
                (
                    result.tonnes_plastic,
                    result.tonnes_metal,
                    result.tonnes_paper,
                    result.tonnes_glass,
                    result.tonnes_other,
                )
            ),
            "hectares_cleaned": result.hectares_cleaned,
            "trees_planted": result.trees_planted,
        }


RESULTS = Dataset(
    slug="campaign-results",
    title=_("Clean-up and planting results"),
    description=_(
        "What each clean-up and tree planting achieved: people, tonnes collected and "
        "recycled, hectares, trees."
    ),
    methodology=_(
        "One row per event whose organiser reported a result and an analyst accepted it; "
        "results still under review, returned or never sent are not counted. Figures are the "
        "organiser's, checked for plausibility, not weighed by Taza. Organisers' and "
        "participants' names are left out."
    ),
    columns=COLUMNS,
    rows=rows,
    point=lambda row: (row["lon"], row["lat"]),
    keywords=("campaigns", "clean-ups", "tree planting", "volunteers"),
)
