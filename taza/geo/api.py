"""Place search for the maps, in the REST API: territories, and addresses where configured."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from taza.core.api import ErrorSerializer
from taza.core.clients import intake_limited
from taza.core.text import clean_text
from taza.geo.places import MAX_QUERY, search


class PlaceSerializer(serializers.Serializer[dict[str, object]]):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["region", "district", "address"])
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    bbox = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, help_text="west, south, east, north"
    )
    within = serializers.CharField()


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, required=True, description="a name or an address"),
    ],
    responses={200: PlaceSerializer(many=True), 400: ErrorSerializer, 429: ErrorSerializer},
    operation_id="places_search",
)
@api_view(["GET"])
@permission_classes([AllowAny])
def places_api(request: Request) -> Response:
    """Find regions, districts and (where a geocoder is set up) addresses in Kazakhstan."""
    asked = str(request.query_params.get("q", ""))
    if not asked:
        raise ValidationError({"q": [_("Type a place or an address.")]})
    if len(asked) > MAX_QUERY:
        raise ValidationError({"q": [_("At most %(n)d characters.") % {"n": MAX_QUERY}]})
    query = clean_text(asked)
    if intake_limited(request, "places", settings.TAZA_PLACES_RATE):
        return Response(
            {"detail": _("Too many searches from this client; try again in a minute.")},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    return Response([place.as_dict() for place in search(query)])
