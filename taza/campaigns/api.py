"""Open data on campaigns: upcoming events and the totals of accepted results."""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from taza.campaigns.models import CampaignKind
from taza.campaigns.querysets import nearest_first, upcoming_events
from taza.campaigns.totals import totals
from taza.geo.models import Region


def _number(request: Request, name: str, low: float, high: float) -> float | None:
    text = request.query_params.get(name)
    if text in (None, ""):
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValidationError({name: _("Must be a number.")}) from None
    if not low <= value <= high:
        raise ValidationError({name: _("Out of range.")})
    return value


@extend_schema(
    parameters=[
        OpenApiParameter("lat", float, description="nearest first when lat and lon are given"),
        OpenApiParameter("lon", float),
        OpenApiParameter("region", str),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def events_api(request: Request) -> Response:
    """Upcoming events: no personal data, just what, where, when and places."""
    events = upcoming_events()
    code = request.query_params.get("region")
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError({"region": _("No such region.")})
        events = events.filter(region=region)
    lat, lon = _number(request, "lat", -90, 90), _number(request, "lon", -180, 180)
    listed = list(events[:500])
    if lat is not None and lon is not None:
        listed = nearest_first(listed, lat, lon)
    return Response(
        [
            {
                "id": e.pk,
                "title": e.title,
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
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def totals_api(request: Request) -> Response:
    """Participants, volunteers, tonnes, hectares, trees and events from accepted results."""
    params = request.query_params
    since, until = parse_date(params.get("since") or ""), parse_date(params.get("until") or "")
    for name in ("since", "until"):
        if params.get(name) and parse_date(params[name]) is None:
            raise ValidationError({name: _("Use the form YYYY-MM-DD.")})
    region = None
    if params.get("region"):
        region = Region.objects.filter(code=params["region"]).first()
        if region is None:
            raise ValidationError({"region": _("No such region.")})
    kind = params.get("kind") or None
    if kind is not None and kind not in CampaignKind.values:
        raise ValidationError({"kind": _("No such campaign kind.")})
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
