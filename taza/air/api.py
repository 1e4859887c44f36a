"""The air domain in the REST API: stations push readings; everyone reads posts and series.

A station authenticates with its post's token (``Authorization: Bearer <token>``), not a
person's session, and sends a batch as JSON (a list, or ``{"readings": [...]}``) or CSV
(``sensor,time,value[,unit]``). The answer says how many were stored, how many were
already there, and why each refused reading was refused (422 when any was).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, authentication_classes, parser_classes
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response

from taza.air.models import Post, Sensor
from taza.air.querysets import daily_series, hourly_series, posts_now
from taza.air.serializers import post_now_data
from taza.air.services import AirError, BatchTooLarge, ingest, post_for_token
from taza.core.params import ParamsInvalid
from taza.core.parsers import BoundedJSONParser
from taza.core.values import bearer_token

# A CSV batch larger than this is refused before it is read (100,000 readings of about
# 60 bytes each fit with room to spare).
MAX_CSV_BYTES = 16 * 1024 * 1024


class CSVParser(BaseParser):
    """Parse a CSV batch of readings (header: sensor,time,value[,unit]) into a list of rows."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read(MAX_CSV_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_CSV_BYTES:
            raise BatchTooLarge(
                _("A batch holds at most %(n)s readings; send it in parts.") % {"n": "100,000"}
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ParseError(_("The CSV is not UTF-8 text.")) from None
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"sensor", "time", "value"} <= set(reader.fieldnames):
            raise ParseError(
                _("The CSV's first line must name the columns sensor, time and value.")
            )
        return list(reader)


@extend_schema(
    summary="Push a batch of readings from a monitoring post",
    description=__doc__,
    operation_id="air_readings_push",
    request={"application/json": OpenApiTypes.OBJECT, "text/csv": OpenApiTypes.STR},
    responses={200: OpenApiTypes.OBJECT, 413: OpenApiTypes.OBJECT, 422: OpenApiTypes.OBJECT},
    tags=["air"],
)
@api_view(["POST"])
@authentication_classes([])
@parser_classes([BoundedJSONParser, CSVParser])
def push_readings(request: Request) -> Response:
    post = post_for_token(bearer_token(request.META))
    rows: Any = request.data
    if isinstance(rows, dict):
        rows = rows.get("readings")
    if not isinstance(rows, list):
        raise AirError(_("Send a list of readings, or an object with a list under readings."))
    result = ingest(post, rows)
    return Response(result.as_dict(), status=422 if result.refused else 200)


@extend_schema(
    summary="Monitoring posts with their current AQI",
    operation_id="air_posts_list",
    parameters=[OpenApiParameter("city", str, description="a city's code, e.g. almaty")],
    responses={200: {"type": "array", "items": {"type": "object"}}},
    tags=["air"],
)
@api_view(["GET"])
def posts(request: Request) -> Response:
    found = Post.objects.filter(active=True).select_related("city")
    city = request.query_params.get("city")
    if city:
        found = found.filter(city__slug=city[:40])
    return Response([post_now_data(state) for state in posts_now(found)])


def _positive(value: str | None, default: int, top: int, name: str) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or not 1 <= int(value) <= top:
        raise ParamsInvalid({name: [_("Give a whole number from 1 to %(top)s.") % {"top": top}]})
    return int(value)


@extend_schema(
    summary="A sensor's hourly means (or daily with days=)",
    operation_id="air_sensor_series",
    responses={200: OpenApiTypes.OBJECT},
    parameters=[
        OpenApiParameter("hours", int, description="hours back, up to 2,160 (default 24)"),
        OpenApiParameter("days", int, description="days back, up to 1,100: daily means instead"),
    ],
    tags=["air"],
)
@api_view(["GET"])
def sensor_series(request: Request, code: str, parameter: str) -> Response:
    sensor = get_object_or_404(
        Sensor.objects.select_related("post"),
        post__code=code,
        post__active=True,
        parameter=parameter,
    )
    if request.query_params.get("days"):
        days = _positive(request.query_params.get("days"), 30, 1100, "days")
        rows = [
            {"day": day.isoformat(), "mean": mean, "hours": hours}
            for day, mean, hours in daily_series(sensor, days)
        ]
    else:
        hours = _positive(request.query_params.get("hours"), 24, 2160, "hours")
        rows = [
            {"hour": hour.isoformat(), "mean": mean} for hour, mean in hourly_series(sensor, hours)
        ]
    return Response({"post": code, "parameter": parameter, "unit": "µg/m³", "values": rows})
