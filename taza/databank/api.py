"""The data bank in the REST API: the recycled share, releases, carbon cadastre, permits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from taza.core.params import bind
from taza.databank import querysets
from taza.databank.filtersets import (
    GreenhouseFilterSet,
    PermitLimitFilterSet,
    ReleaseFilterSet,
    WastePageFilterSet,
)
from taza.databank.greenhouse import gases
from taza.databank.indicators import INDICATORS
from taza.databank.models import FIRST_YEAR, GreenhouseEmission, PermitLimit, Release
from taza.databank.pollutants import pollutants
from taza.databank.serializers import (
    DatabankIndicatorSerializer,
    GreenhouseSerializer,
    PermitLimitSerializer,
    ReleaseSerializer,
    ShareSerializer,
    facility_ref,
)
from taza.geo.models import Region

KG = Decimal("0.001")  # tonnes to the kilogram, the same on SQLite and PostgreSQL
REGION = OpenApiParameter("region", str, description="region code, e.g. KZ35; none: the country")
YEAR = OpenApiParameter(
    "year", {"type": "integer", "minimum": FIRST_YEAR, "maximum": 2100}, description="one year"
)


def _row(year: int, region: str, share: querysets.Share) -> dict[str, Any]:
    return {
        "year": year,
        "region": region,
        "recycled_share": None if share.percent is None else str(share.percent),
        "recycled_t": str(Decimal(share.recycled).quantize(KG)),
        "generated_t": str(Decimal(share.generated).quantize(KG)),
    }


@extend_schema(
    operation_id="databank_recycled_share",
    parameters=[
        REGION,
        OpenApiParameter(
            "year",
            {"type": "integer", "minimum": FIRST_YEAR, "maximum": 2100},
            description="one year; none: every year with data",
        ),
    ],
    responses={200: ShareSerializer(many=True)},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def recycled_share(request: Request) -> Response:
    """List the share of municipal waste recycled, computed from the waste cadastre."""
    query = bind(WastePageFilterSet, request.query_params).form.cleaned_data
    region: Region | None = query["region"]
    year = int(query["year"]) if query["year"] is not None else None
    if region is None:
        series = querysets.recycled_share_by_year()
        rows = [_row(y, "KZ", s) for y, s in series.items() if year in (None, y)]
    else:
        series = querysets.regional_series().get(region.pk, {})
        rows = [_row(y, region.code, s) for y, s in sorted(series.items()) if year in (None, y)]
    return Response(rows)


@extend_schema(
    operation_id="databank_indicators",
    parameters=[
        REGION,
        OpenApiParameter(
            "year",
            {"type": "integer", "minimum": FIRST_YEAR, "maximum": 2100},
            description="one year; none: last year",
        ),
    ],
    responses={200: DatabankIndicatorSerializer(many=True)},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def indicators(request: Request) -> Response:
    """List the data bank's indicators for a year and a region, each with its formula."""
    query = bind(WastePageFilterSet, request.query_params).form.cleaned_data
    region: Region | None = query["region"]
    year = int(query["year"]) if query["year"] is not None else timezone.localdate().year - 1
    rows = []
    for indicator in INDICATORS:
        value = indicator.compute(year, region.pk if region else None)
        rows.append(
            {
                "code": indicator.code,
                "name": str(indicator.name),
                "formula": str(indicator.formula),
                "year": year,
                "region": region.code if region else "KZ",
                "percent": None if value.percent is None else str(value.percent),
                "numerator": str(Decimal(value.numerator).quantize(KG)),
                "denominator": str(Decimal(value.denominator).quantize(KG)),
            }
        )
    return Response(rows)


class ReleaseViewSet(viewsets.GenericViewSet[Release]):
    """List the register's current releases, by facility, pollutant, year and medium."""

    permission_classes = [AllowAny]
    serializer_class = ReleaseSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReleaseFilterSet

    def get_queryset(self) -> QuerySet[Release]:
        return Release.objects.filter(current=True).select_related("facility__region")

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter(
                "pollutant",
                {"type": "string", "enum": sorted(pollutants())},
                description="the register's code, e.g. SOX",
            ),
        ]
    )
    def list(self, request: Request) -> Response:
        releases = bind(ReleaseFilterSet, request.query_params, self.get_queryset()).qs
        page = self.paginate_queryset(releases.order_by("-year", "facility__code", "pollutant"))
        return self.get_paginated_response(
            [
                {
                    "facility": facility_ref(r.facility),
                    "year": r.year,
                    "pollutant": r.pollutant,
                    "medium": r.medium,
                    "tonnes": str(r.tonnes.quantize(KG)),
                    "method": r.method,
                }
                for r in page or []
            ]
        )


class GreenhouseViewSet(viewsets.GenericViewSet[GreenhouseEmission]):
    """List the carbon cadastre's current records: each installation's gases, in CO2-eq."""

    permission_classes = [AllowAny]
    serializer_class = GreenhouseSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = GreenhouseFilterSet

    def get_queryset(self) -> QuerySet[GreenhouseEmission]:
        return GreenhouseEmission.objects.filter(current=True).select_related("facility__region")

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter(
                "gas", {"type": "string", "enum": sorted(gases())}, description="e.g. CO2, CH4"
            ),
        ]
    )
    def list(self, request: Request) -> Response:
        records = bind(GreenhouseFilterSet, request.query_params, self.get_queryset()).qs
        page = self.paginate_queryset(
            records.order_by("-year", "facility__code", "installation", "gas")
        )
        return self.get_paginated_response(
            [
                {
                    "facility": facility_ref(r.facility),
                    "installation": r.installation,
                    "year": r.year,
                    "gas": r.gas,
                    "tonnes": str(r.tonnes.quantize(KG)),
                    "gwp": r.gwp,
                    "co2e": str(r.co2e.quantize(KG)),
                    "method": r.method,
                }
                for r in page or []
            ]
        )


class PermitLimitViewSet(viewsets.GenericViewSet[PermitLimit]):
    """List the permits' current limits: what each allows a facility to release a year."""

    permission_classes = [AllowAny]
    serializer_class = PermitLimitSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PermitLimitFilterSet

    def get_queryset(self) -> QuerySet[PermitLimit]:
        return PermitLimit.objects.filter(current=True).select_related("facility__region")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "pollutant",
                {"type": "string", "enum": sorted(pollutants())},
                description="the register's code, e.g. SOX",
            ),
            OpenApiParameter(
                "in_force_on",
                {"type": "string", "format": "date"},
                description="only the permits in force on this day",
            ),
        ]
    )
    def list(self, request: Request) -> Response:
        limits = bind(PermitLimitFilterSet, request.query_params, self.get_queryset()).qs
        page = self.paginate_queryset(
            limits.order_by("facility__code", "-issued_on", "permit", "pollutant", "medium")
        )
        return self.get_paginated_response(
            [
                {
                    "facility": facility_ref(r.facility),
                    "permit": r.permit,
                    "kind": r.kind,
                    "issued_on": r.issued_on.isoformat(),
                    "valid_until": r.valid_until.isoformat(),
                    "pollutant": r.pollutant,
                    "medium": r.medium,
                    "tonnes": str(r.tonnes.quantize(KG)),
                }
                for r in page or []
            ]
        )
