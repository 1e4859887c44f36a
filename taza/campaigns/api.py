"""Open data on campaigns: upcoming events and the totals of accepted results."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from taza.campaigns import serializers as shapes
from taza.campaigns.choices import CampaignKind
from taza.campaigns.filtersets import EventFilterSet, TotalsFilterSet
from taza.campaigns.querysets import nearest_first, upcoming_events
from taza.campaigns.totals import totals
from taza.core.params import bind


@extend_schema(
    parameters=[
        OpenApiParameter("lat", float, description="nearest first when lat and lon are given"),
        OpenApiParameter("lon", float),
        OpenApiParameter("region", str),
    ],
    responses={200: shapes.EventSerializer(many=True)},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def events_api(request: Request) -> Response:
    """Upcoming events: no personal data, just what, where, when and places."""
    filters = bind(EventFilterSet, request.query_params, upcoming_events())
    lat, lon = filters.form.cleaned_data["lat"], filters.form.cleaned_data["lon"]
    listed = list(filters.qs[:500])
    if lat is not None and lon is not None:
        listed = nearest_first(listed, lat, lon)
    return Response(
        [
            {
                "id": e.pk,
                "title": e.display_title,
                "campaign": e.campaign.code,
                "kind": e.campaign.kind,
                "region": e.region.code,
                "lat": e.lat,
                "lon": e.lon,
                "starts_at": e.starts_at.isoformat(),
                "ends_at": e.ends_at.isoformat(),
                "capacity": e.capacity,
                "organiser": e.organiser_name,
            }
            for e in listed[:100]
        ]
    )


@extend_schema(
    parameters=[
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
        OpenApiParameter("region", str),
        OpenApiParameter("kind", str, enum=CampaignKind.values),
    ],
    responses={200: shapes.TotalsSerializer},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def totals_api(request: Request) -> Response:
    """Participants, volunteers, tonnes, hectares, trees and events from accepted results."""
    query = bind(TotalsFilterSet, request.query_params).form.cleaned_data
    since, until, region = query["since"], query["until"], query["region"]
    kind = query["kind"] or None
    found = totals(since=since, until=until, region=region, campaign_kind=kind)

    def plain(figures: dict[str, Any]) -> dict[str, Any]:
        return {k: (str(v) if not isinstance(v, int) else v) for k, v in figures.items()}

    return Response(
        {
            "figures": plain(found.figures),
            "awaiting_review": found.awaiting_review,
            "by_region": {r.code: plain(f) for r, f in found.by_region},
            "by_month": {m.strftime("%Y-%m"): plain(f) for m, f in found.by_month},
        }
    )
