"""The REST API at /api/v1/: thin views over the same services as every channel."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from taza.accounts.permissions import can_view_personal_data
from taza.api import serializers as s
from taza.bodies.models import Body
from taza.geo.cli import describe
from taza.geo.lookup import LocationError
from taza.geo.messages import explain
from taza.geo.models import Region
from taza.ops.clients import client_ip, intake_limited
from taza.reports.mapdata import MapQuery, map_items
from taza.reports.models import Channel, Report, ReportState, ServiceCategory
from taza.reports.querysets import filter_reports, public_history, public_reports
from taza.reports.services import (
    IdempotencyConflict,
    ReportError,
    Submission,
    TransitionError,
    merge_reports,
    split_report,
    submit_report,
    transition_report,
)
from taza.reports.stats import statistics

REPORTER_TOKEN_HEADER = "X-Reporter-Token"  # noqa: S105 (a header name)


def _error(exc: ReportError) -> Response:
    if isinstance(exc, IdempotencyConflict):
        code = status.HTTP_409_CONFLICT
    elif isinstance(exc, TransitionError) and exc.field == "actor":
        code = status.HTTP_403_FORBIDDEN
    elif isinstance(exc, TransitionError) and exc.field == "action":
        code = status.HTTP_409_CONFLICT
    else:
        code = status.HTTP_400_BAD_REQUEST
    return Response({"detail": str(exc), "field": exc.field}, status=code)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet[ServiceCategory]):
    """The service catalogue: what can be reported, who handles it, how fast."""

    serializer_class = s.CategorySerializer
    queryset = ServiceCategory.objects.filter(is_active=True)
    lookup_field = "code"
    permission_classes = [AllowAny]
    pagination_class = None


def _date_param(request: Request, name: str) -> Any:
    value = request.query_params.get(name)
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValidationError({name: _("Not an ISO 8601 date and time.")})
    return parsed


class ReportViewSet(viewsets.GenericViewSet[Report]):
    """Citizens' reports. Reading is public and never shows personal data."""

    lookup_field = "public_id"
    permission_classes = [AllowAny]
    serializer_class = s.ReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        return public_reports()

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str, description="category code"),
            OpenApiParameter("state", str, enum=ReportState.values),
            OpenApiParameter("since", OpenApiTypes.DATETIME),
            OpenApiParameter("until", OpenApiTypes.DATETIME),
        ]
    )
    def list(self, request: Request) -> Response:
        params = request.query_params
        qs = filter_reports(
            self.get_queryset(),
            category_code=params.get("category") or None,
            since=_date_param(request, "since"),
            until=_date_param(request, "until"),
        )
        if params.get("state"):
            qs = qs.filter(state=params["state"])
        if params.get("region"):
            qs = qs.filter(region__code=params["region"])
        page = self.paginate_queryset(qs.order_by("-created_at", "-id"))
        return self.get_paginated_response(s.ReportSerializer(page, many=True).data)

    @extend_schema(responses={200: s.ReportWithContactSerializer})
    def retrieve(self, request: Request, public_id: str) -> Response:
        report = get_object_or_404(self.get_queryset(), public_id=public_id)
        shape = (
            s.ReportWithContactSerializer
            if can_view_personal_data(request.user, report)
            else s.ReportSerializer
        )
        return Response(shape(report, context={"request": request}).data)

    @extend_schema(
        request={
            "multipart/form-data": s.ReportCreateSerializer,
            "application/json": s.ReportCreateSerializer,
        },
        responses={
            201: s.CreatedSerializer,
            200: s.CreatedSerializer,
            400: s.ErrorSerializer,
            409: s.ErrorSerializer,
            429: s.ErrorSerializer,
        },
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request: Request) -> Response:
        """File a report. Send the same Idempotency-Key again to retry safely."""
        if intake_limited(request, "api-intake"):
            return Response(
                {"detail": _("Too many requests from this client; try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        form = s.ReportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = request.user if request.user.is_authenticated else None
        try:
            result = submit_report(
                Submission(
                    channel=Channel.API,
                    category_code=data["service_code"],
                    description=data["description"],
                    lat=data.get("lat"),
                    lon=data.get("lon"),
                    address=data.get("address", ""),
                    photos=data.get("photos", []),
                    idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
                    client_id=str(user.pk) if user else client_ip(request),
                    reporter=user,
                    reporter_name=data.get("name", ""),
                    reporter_email=data.get("email", ""),
                    reporter_phone=data.get("phone", ""),
                    language=(getattr(request, "LANGUAGE_CODE", "") or "kk")[:2],
                )
            )
        except ReportError as exc:
            return _error(exc)
        body = {
            "public_id": result.report.public_id,
            "created": result.created,
            "reporter_token": result.report.reporter_token if result.created else "",
            "duplicates": list(result.duplicates),
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)

    @extend_schema(
        request={"multipart/form-data": s.TransitionSerializer},
        responses={
            200: s.ReportSerializer,
            400: s.ErrorSerializer,
            403: s.ErrorSerializer,
            409: s.ErrorSerializer,
        },
        parameters=[OpenApiParameter(REPORTER_TOKEN_HEADER, str, OpenApiParameter.HEADER)],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, public_id: str) -> Response:
        """Move the report on: accept, start, resolve (with proof), confirm, dispute..."""
        report = get_object_or_404(Report, public_id=public_id)
        form = s.TransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        target = None
        if data.get("target_body"):
            target = Body.objects.filter(code=data["target_body"], is_active=True).first()
            if target is None:
                raise ValidationError({"target_body": _("No such body.")})
        try:
            report = transition_report(
                report,
                action=data["action"],
                actor=request.user,
                note=data.get("note", ""),
                proof=data.get("proof"),
                target_body=target,
                reporter_token=request.headers.get(REPORTER_TOKEN_HEADER, ""),
            )
        except ReportError as exc:
            return _error(exc)
        return Response(s.ReportSerializer(report, context={"request": request}).data)

    @extend_schema(responses={200: s.HistorySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, public_id: str) -> Response:
        report = get_object_or_404(Report, public_id=public_id)
        return Response(s.HistorySerializer(public_history(report), many=True).data)

    @extend_schema(
        request=s.MergeSerializer,
        responses={204: None, 400: s.ErrorSerializer, 403: s.ErrorSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def merge(self, request: Request, public_id: str) -> Response:
        """Mark this report as a duplicate of another (operators)."""
        form = s.MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = get_object_or_404(Report, public_id=public_id)
        into = get_object_or_404(Report, public_id=form.validated_data["into"])
        try:
            merge_reports(
                report, into=into, actor=request.user, note=form.validated_data.get("note", "")
            )
        except ReportError as exc:
            return _error(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None, 403: s.ErrorSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def split(self, request: Request, public_id: str) -> Response:
        """Undo a duplicate link (operators)."""
        report = get_object_or_404(Report, public_id=public_id)
        try:
            split_report(report, actor=request.user)
        except ReportError as exc:
            return _error(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    parameters=[
        OpenApiParameter("lat", float, required=True),
        OpenApiParameter("lon", float, required=True),
    ],
    responses={200: OpenApiTypes.OBJECT, 400: s.ErrorSerializer},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def locate_point(request: Request) -> Response:
    """Return the region and district of a point, with names in kk/ru/en."""
    try:
        lat = float(request.query_params.get("lat", ""))
        lon = float(request.query_params.get("lon", ""))
    except ValueError:
        return Response({"detail": _("lat and lon must be numbers.")}, status=400)
    try:
        return Response(describe(lat, lon))
    except LocationError as exc:
        return Response({"detail": explain(exc), "field": "location"}, status=400)


def _day(request: Request, name: str) -> date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    parsed = parse_date(value) if len(value) <= 10 else None
    if parsed is None:
        raise ValidationError({name: _("Not a date (YYYY-MM-DD).")})
    return parsed


@extend_schema(
    parameters=[
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
        OpenApiParameter("region", str, description="region code, e.g. KZ71"),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def statistics_api(request: Request) -> Response:
    """Open statistics: counts, share resolved, median time to resolve, overdue share."""
    region = None
    if request.query_params.get("region"):
        region = Region.objects.filter(code=request.query_params["region"]).first()
        if region is None:
            raise ValidationError({"region": _("No such region.")})
    figures = statistics(
        since=_day(request, "since"),
        until=_day(request, "until"),
        region_id=region.pk if region else None,
    )
    regions = dict(Region.objects.values_list("pk", "code"))
    categories = dict(ServiceCategory.objects.values_list("pk", "code"))
    return Response(
        {
            "overall": figures.overall.as_dict(),
            "by_region": {regions[k]: v.as_dict() for k, v in figures.by_region.items()},
            "by_category": {categories[k]: v.as_dict() for k, v in figures.by_category.items()},
        }
    )


@extend_schema(
    parameters=[
        OpenApiParameter("zoom", int, required=True),
        OpenApiParameter("bbox", str, description="min lon,min lat,max lon,max lat"),
        OpenApiParameter("category", str),
        OpenApiParameter("state", str, description="a state, or open / closed"),
        OpenApiParameter("region", str, description="region code, e.g. KZ71"),
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def map_api(request: Request) -> Response:
    """Circles for the public map, aggregated for the zoom level."""
    params = request.query_params
    try:
        zoom = int(params.get("zoom", "5"))
    except ValueError:
        raise ValidationError({"zoom": _("zoom must be a whole number.")}) from None
    if not 0 <= zoom <= 22:
        raise ValidationError({"zoom": _("zoom must be between 0 and 22.")})
    bbox = None
    if params.get("bbox"):
        try:
            parts = [float(v) for v in params["bbox"].split(",")]
        except ValueError:
            parts = []
        if len(parts) != 4 or not all(math.isfinite(v) for v in parts):
            raise ValidationError(
                {"bbox": _("bbox is four numbers: min lon,min lat,max lon,max lat.")}
            )
        bbox = (parts[0], parts[1], parts[2], parts[3])
    query = MapQuery(
        zoom=zoom,
        bbox=bbox,
        category=params.get("category") or None,
        state=params.get("state") or None,
        since=_day(request, "since"),
        until=_day(request, "until"),
        region=params.get("region") or None,
    )
    return Response(map_items(query))
