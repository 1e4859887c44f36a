"""Hazards in the REST API: fires, gauges and settlements to read; gauges push readings."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view, authentication_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from taza.core.params import bind
from taza.core.values import bearer_token
from taza.hazards.filtersets import FireFilterSet, FloodFilterSet, SettlementFilterSet
from taza.hazards.models import FireEvent, Gauge, Settlement
from taza.hazards.querysets import visible_fires
from taza.hazards.serializers import FireSerializer, GaugeSerializer, SettlementSerializer
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


class FireViewSet(viewsets.GenericViewSet[FireEvent]):
    """List and read the fires a person may see (false alarms: their territory's staff)."""

    permission_classes = [AllowAny]
    serializer_class = FireSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FireFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[FireEvent]:
        return visible_fires(self.request.user)

    def list(self, request: Request) -> Response:
        fires = bind(FireFilterSet, request.query_params, self.get_queryset()).qs
        page = self.paginate_queryset(fires.order_by("-last_seen", "-pk"))
        return self.get_paginated_response([FireSerializer.of(f) for f in page or []])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FireSerializer.of(get_object_or_404(self.get_queryset(), pk=pk)))


class GaugeViewSet(viewsets.GenericViewSet[Gauge]):
    """List and read the river gauges in service, with their warning level now."""

    permission_classes = [AllowAny]
    serializer_class = GaugeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FloodFilterSet
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Gauge]:
        return Gauge.objects.filter(active=True).select_related("region", "district")

    def list(self, request: Request) -> Response:
        gauges = bind(FloodFilterSet, request.query_params, self.get_queryset()).qs
        page = self.paginate_queryset(gauges.order_by("region__code", "code"))
        return self.get_paginated_response([GaugeSerializer.of(g) for g in page or []])

    def retrieve(self, request: Request, code: str) -> Response:
        return Response(GaugeSerializer.of(get_object_or_404(self.get_queryset(), code=code)))


class SettlementViewSet(viewsets.GenericViewSet[Settlement]):
    """List the settlements in flood danger zones, their status and shelters."""

    permission_classes = [AllowAny]
    serializer_class = SettlementSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SettlementFilterSet

    def get_queryset(self) -> QuerySet[Settlement]:
        return Settlement.objects.select_related("region", "district", "gauge")

    def list(self, request: Request) -> Response:
        settlements = bind(SettlementFilterSet, request.query_params, self.get_queryset()).qs
        page = self.paginate_queryset(settlements.order_by("region__code", "name", "pk"))
        return self.get_paginated_response([SettlementSerializer.of(s) for s in page or []])
