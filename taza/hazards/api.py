"""Hazards in the REST API: river gauges push their readings with their own token."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, authentication_classes
from rest_framework.request import Request
from rest_framework.response import Response

from taza.core.values import bearer_token
from taza.hazards.services import HazardError, gauge_for_token, ingest_levels


@extend_schema(
    summary="Push a gauge's water-level readings",
    description=(
        "Authorization: Bearer <gauge token>. A list of {time, level_cm, discharge_m3s?, "
        "ice?}, or {readings: [...]}. 422 names every refused reading; the good ones are "
        "stored; a resent reading is counted as a duplicate."
    ),
    operation_id="hazards_levels_push",
    request=OpenApiTypes.OBJECT,
    responses={200: OpenApiTypes.OBJECT, 422: OpenApiTypes.OBJECT},
    tags=["hazards"],
)
@api_view(["POST"])
@authentication_classes([])
def push_levels(request: Request) -> Response:
    gauge = gauge_for_token(bearer_token(request.META))
    rows: Any = request.data
    if isinstance(rows, dict):
        rows = rows.get("readings")
    if not isinstance(rows, list):
        raise HazardError(_("Send a list of readings, or an object with a list under readings."))
    result = ingest_levels(gauge, rows)
    return Response(result.as_dict(), status=422 if result.refused else 200)
