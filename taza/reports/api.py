"""The REST API at /api/v1/: thin views over the same services as every channel."""

from __future__ import annotations

from django.core.exceptions import ValidationError as InvalidValue
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from taza.accounts.permissions import can_view_personal_data
from taza.bodies.models import Body
from taza.core.api import ErrorSerializer
from taza.core.clients import client_ip, intake_limited
from taza.core.params import ParamsInvalid, YesNoField, bind
from taza.geo.cli import describe
from taza.geo.filtersets import TerritoryPeriodFilterSet
from taza.geo.lookup import LocationError
from taza.geo.models import District, Region
from taza.reports import serializers as s
from taza.reports.choices import Channel
from taza.reports.filtersets import ReportFilterSet
from taza.reports.mapdata import MapQuery, map_items
from taza.reports.models import Report, ServiceCategory
from taza.reports.querysets import public_history
from taza.reports.services import (
    Submission,
    merge_reports,
    nearby_open_reports,
    split_report,
    submit_report,
    transition_report,
)
from taza.reports.stats import statistics

NEARBY_RADIUS_M = 150.0  # inside the two H3 rings nearby_open_reports looks at
REPORTER_TOKEN_HEADER = "X-Reporter-Token"  # noqa: S105 (a header name)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet[ServiceCategory]):
    """The service catalogue: what can be reported, who handles it, how fast."""

    serializer_class = s.CategorySerializer
    queryset = ServiceCategory.objects.filter(is_active=True)
    lookup_field = "code"
    permission_classes = [AllowAny]
    pagination_class = None


class ReportViewSet(viewsets.GenericViewSet[Report]):
    """Citizens' reports. Reading is public and never shows personal data."""

    lookup_field = "public_id"
    permission_classes = [AllowAny]
    serializer_class = s.ReportSerializer
    # The list binds its query to this set itself (core.params.bind); naming it here
    # lets the OpenAPI description list every filter from the same declaration.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilterSet

    def get_queryset(self) -> QuerySet[Report]:
        return Report.objects.public()

    def list(self, request: Request) -> Response:
        qs = bind(ReportFilterSet, request.query_params, self.get_queryset()).qs
        page = self.paginate_queryset(qs.order_by("-created_at", "-id"))
        data = s.ReportSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(responses={200: s.ReportAsSeenSerializer})
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
            400: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
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
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
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
        report = transition_report(
            report,
            action=data["action"],
            actor=request.user,
            note=data.get("note", ""),
            proof=data.get("proof"),
            target_body=target,
            reporter_token=request.headers.get(REPORTER_TOKEN_HEADER, ""),
        )
        return Response(s.ReportSerializer(report, context={"request": request}).data)

    @extend_schema(
        parameters=[s.NearbyQuerySerializer],
        responses={200: s.NearbySerializer(many=True), 400: ErrorSerializer},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def nearby(self, request: Request) -> Response:
        """List open reports of a category near a point: before filing, "is it mine too?"."""
        query = s.NearbyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        category = ServiceCategory.objects.filter(
            code=query.validated_data["category"], is_active=True
        ).first()
        if category is None:
            raise ValidationError({"category": [_("No such category.")]})
        # Wider than the duplicate rule's 50 m: a pin dropped by hand is often off.
        near = nearby_open_reports(
            category.pk,
            query.validated_data["lat"],
            query.validated_data["lon"],
            radius_m=NEARBY_RADIUS_M,
        )
        distance = {n.public_id: round(n.distance_m) for n in near}
        reports = (
            Report.objects.filter(public_id__in=distance)
            .select_related("category")
            .annotate(follower_count=Count("followers"))
        )
        rows = sorted(reports, key=lambda r: distance[r.public_id])[:10]
        return Response(s.NearbySerializer(rows, many=True, context={"distance": distance}).data)

    @extend_schema(responses={200: s.HistorySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, public_id: str) -> Response:
        report = get_object_or_404(Report, public_id=public_id)
        return Response(s.HistorySerializer(public_history(report), many=True).data)

    @extend_schema(
        request=s.MergeSerializer,
        responses={
            204: None,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def merge(self, request: Request, public_id: str) -> Response:
        """Mark this report as a duplicate of another (operators)."""
        form = s.MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = get_object_or_404(Report, public_id=public_id)
        into = get_object_or_404(Report, public_id=form.validated_data["into"])
        merge_reports(
            report, into=into, actor=request.user, note=form.validated_data.get("note", "")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None, 403: ErrorSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def split(self, request: Request, public_id: str) -> Response:
        """Undo a duplicate link (operators)."""
        report = get_object_or_404(Report, public_id=public_id)
        split_report(report, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    parameters=[
        OpenApiParameter("lat", float, required=True),
        OpenApiParameter("lon", float, required=True),
    ],
    responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer},
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
        return Response({"detail": exc.message, "field": "location"}, status=400)


@extend_schema(
    parameters=[
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
        OpenApiParameter("region", str, description="region code, e.g. KZ71"),
        OpenApiParameter(
            "districts", OpenApiTypes.BOOL, description="by district for the whole country"
        ),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def statistics_api(request: Request) -> Response:
    """Open statistics: counts, share resolved, median time to resolve, overdue share.

    Overall and by region, category and month of filing; by district for one region, or
    for the whole country with ``districts=true``.
    """
    period = bind(TerritoryPeriodFilterSet, request.query_params).form.cleaned_data
    region = period.get("region")
    try:
        every_district = YesNoField(required=False).clean(request.query_params.get("districts"))
    except InvalidValue as exc:
        raise ParamsInvalid({"districts": list(exc.messages)}) from None
    figures = statistics(
        since=period.get("since"),
        until=period.get("until"),
        region_id=region.pk if region else None,
        # By district for one region, or for the whole country when asked.
        districts=bool(region) or bool(every_district),
    )
    regions = dict(Region.objects.values_list("pk", "code"))
    categories = dict(ServiceCategory.objects.values_list("pk", "code"))
    districts = dict(
        District.objects.filter(pk__in=[k for k in figures.by_district if k]).values_list(
            "pk", "code"
        )
    )
    return Response(
        {
            "overall": figures.overall.as_dict(),
            "by_region": {regions[k]: v.as_dict() for k, v in figures.by_region.items()},
            # Reports outside every district's outline are under the empty code "".
            "by_district": {
                districts.get(k, "") if k else "": v.as_dict()
                for k, v in figures.by_district.items()
            },
            "by_category": {categories[k]: v.as_dict() for k, v in figures.by_category.items()},
            "by_month": {m.strftime("%Y-%m"): v.as_dict() for m, v in figures.by_month},
        }
    )


@extend_schema(
    parameters=[
        OpenApiParameter("zoom", int, description="0 to 22; the whole country (5) when left out"),
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
    return Response(map_items(MapQuery.parse(request.query_params)))
