"""Open data on the action plan: measures with their statuses, indicators, scorecards."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from taza.core.params import bind
from taza.geo.models import Region
from taza.programme import serializers as shapes
from taza.programme.filtersets import PlanFilterSet
from taza.programme.models import Indicator, Measure
from taza.programme.scorecard import lagging_regions, scorecards
from taza.programme.status import PlanSnapshot, Verdict, indicator_verdict

REGION = OpenApiParameter("region", str, description="region code, e.g. KZ62")
YEAR = OpenApiParameter("year", int, description="year of the scorecard, 2024–2029")


def _region(request: Request) -> Region | None:
    region: Region | None = bind(PlanFilterSet, request.query_params).form.cleaned_data["region"]
    return region


def _year(request: Request) -> int:
    year = bind(PlanFilterSet, request.query_params).form.cleaned_data["year"]
    return int(year) if year is not None else timezone.localdate().year


def _verdict(verdict: Verdict) -> dict[str, Any]:
    return {"code": verdict.status, "label": verdict.label, "reasons": list(verdict.reasons)}


def _measure(measure: Measure, verdict: Verdict | None) -> dict[str, Any]:
    return {
        "number": measure.number,
        "direction": measure.direction.number,
        "name": measure.name,
        "name_ru": measure.name_ru,
        "completion_form": measure.form,
        "deadline": {
            "wording_ru": measure.deadline_wording,
            "kind": measure.deadline_kind,
            "first_year": measure.first_year,
            "last_year": measure.last_year,
            "due": measure.due.isoformat(),
        },
        "executors": [
            {
                "body": e.body.code,
                "name": e.body.name,
                "lead": e.is_lead,
                "by_agreement": e.by_agreement,
            }
            for e in measure.executors.all()
        ],
        "targets": [
            {"year": t.year, "value": str(t.value), "unit": measure.target_unit}
            for t in measure.targets.all()
            if t.region_id is None
        ],
        "removed_on": measure.removed_on.isoformat() if measure.removed_on else None,
        "source_flags": measure.notes,
        "status": _verdict(verdict) if verdict else None,
    }


@extend_schema(parameters=[REGION], responses={200: shapes.MeasureSerializer(many=True)})
@api_view(["GET"])
@permission_classes([AllowAny])
def measures_api(request: Request) -> Response:
    """List the 60 measures with their status, for the country or for one region."""
    region = _region(request)
    snap = PlanSnapshot.load(timezone.localdate())
    verdicts = snap.verdicts(region.pk if region else None)
    measures = Measure.objects.select_related("direction").prefetch_related(
        "executors__body", "targets"
    )
    return Response([_measure(m, verdicts[m.number]) for m in measures if m.number in verdicts])


@extend_schema(
    parameters=[REGION],
    responses={200: shapes.MeasureSerializer},
    operation_id="programme_measure",
)
@api_view(["GET"])
@permission_classes([AllowAny])
def measure_api(request: Request, number: int) -> Response:
    region = _region(request)
    measure = get_object_or_404(
        Measure.objects.select_related("direction").prefetch_related("executors__body", "targets"),
        number=number,
    )
    snap = PlanSnapshot.load(timezone.localdate())
    return Response(_measure(measure, snap.verdict(measure, region.pk if region else None)))


@extend_schema(responses={200: shapes.IndicatorSerializer(many=True)})
@api_view(["GET"])
@permission_classes([AllowAny])
def indicators_api(request: Request) -> Response:
    """List the target indicators with every yearly plan and fact, and their status."""
    result = []
    for indicator in Indicator.objects.select_related("direction").prefetch_related("values"):
        national = [v for v in indicator.values.all() if v.region_id is None]
        verdict = indicator_verdict(indicator, national)
        result.append(
            {
                "code": indicator.code,
                "direction": indicator.direction.number,
                "name": indicator.name,
                "unit": indicator.unit,
                "higher_is_better": indicator.higher_is_better,
                "values": [
                    {
                        "year": v.year,
                        "kind": v.kind,
                        "value": None if v.value is None else str(v.value.normalize()),
                        "count": v.count,
                        "source": v.source,
                    }
                    for v in sorted(national, key=lambda v: (v.year, v.kind))
                ],
                "status": {
                    "code": verdict.status,
                    "label": verdict.label,
                    "reasons": list(verdict.reasons),
                    "forecast": None if verdict.forecast is None else str(verdict.forecast),
                    "pace_ratio": None if verdict.ratio is None else str(verdict.ratio),
                },
            }
        )
    return Response(result)


@extend_schema(parameters=[YEAR], responses={200: shapes.ScorecardSerializer(many=True)})
@api_view(["GET"])
@permission_classes([AllowAny])
def scorecards_api(request: Request) -> Response:
    """Every region's scorecard and rank, with the components and their intervals."""
    cards = scorecards(timezone.localdate(), _year(request))
    return Response(
        [
            {
                "region": card.region.code,
                "name": card.region.name,
                "rank": card.rank,
                "score": card.score,
                "interval": None if card.low is None else [card.low, card.high],
                "components": [
                    {
                        "key": c.key,
                        "successes": c.successes,
                        "cases": c.cases,
                        "weight": c.weight,
                        "counted": c.counted,
                        "interval": list(c.interval) if c.cases else None,
                        "note": c.note,
                    }
                    for c in card.components
                ],
                "lagging_measures": card.lagging,
                "not_reported_measures": card.not_reported,
                "fires": None
                if card.fires is None
                else {
                    "events": card.fires.fires,
                    "false_alarms": card.fires.false_alarms,
                    "median_hours_to_confirm": card.fires.median_hours_to_confirm,
                    "burned_ha": float(card.fires.burned_ha),
                },
                "recycled_share": None
                if card.recycled is None or card.recycled.percent is None
                else {"year": card.recycled_year, "percent": float(card.recycled.percent)},
            }
            for card in cards
        ]
    )


@extend_schema(parameters=[YEAR], responses={200: shapes.LaggingRegionSerializer(many=True)})
@api_view(["GET"])
@permission_classes([AllowAny])
def lagging_api(request: Request) -> Response:
    """Regions with measures at risk or overdue, worst first, with the reasons."""
    return Response(
        [
            {
                "region": item.card.region.code,
                "name": item.card.region.name,
                "measures": [
                    {"number": number, **_verdict(verdict)} for number, verdict in item.measures
                ],
            }
            for item in lagging_regions(timezone.localdate(), _year(request))
        ]
    )
