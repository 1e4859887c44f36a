"""The data bank in the REST API: the recycled share of municipal waste, computed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from taza.core.params import bind
from taza.databank import querysets
from taza.databank.filtersets import WastePageFilterSet
from taza.databank.serializers import ShareSerializer
from taza.databank.services import FIRST_YEAR
from taza.geo.models import Region

KG = Decimal("0.001")  # tonnes to the kilogram, the same on SQLite and PostgreSQL


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
        OpenApiParameter("region", str, description="region code, e.g. KZ35; none: the country"),
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
