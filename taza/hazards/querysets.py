"""Read fires as pages show them: what the public sees, what a responder works on."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from taza.accounts.permissions import scope_of
from taza.bodies.models import Body, BodyKind
from taza.geo.models import Region
from taza.hazards.choices import COUNTED_FIRE_STATES, FireState, ForecastMethod
from taza.hazards.models import (
    PREPAREDNESS_FIELDS,
    FireEvent,
    Gauge,
    Preparedness,
    ProtectedArea,
)

PUBLIC_STATES = (FireState.NEW, FireState.CONFIRMED, FireState.EXTINGUISHED)


def emergency_departments() -> dict[int, int]:
    """Return each region's department of emergency situations: {region id: body id}."""
    return dict(
        Body.objects.filter(
            kind=BodyKind.EMERGENCY_DEPARTMENT, is_active=True, region__isnull=False
        ).values_list("region_id", "pk")
    )


def routed_bodies(fire: FireEvent) -> set[int]:
    """Return the bodies a fire goes to, each of which may act on it.

    The akimat, the region's emergency department, and the administration of the
    protected area or forest the fire touches.
    """
    area = fire.protected_area
    ids = (fire.body_id, fire.emergency_id, area.administration_id if area else None)
    return {pk for pk in ids if pk is not None}


def visible_fires(user: Any) -> QuerySet[FireEvent]:
    """Return the fires a person may see: all but false alarms, and their own territory's.

    The public sees new, confirmed and extinguished fires; staff also see the false
    alarms of their territory and of the fires routed to their body (an emergency
    department, a reserve's administration), analysts everyone's.
    """
    fires = FireEvent.objects.select_related(
        "region", "district", "body", "protected_area__administration"
    )
    scope = scope_of(user)
    if scope.reads_all:
        return fires
    public = fires.filter(state__in=PUBLIC_STATES)
    if scope.regions or scope.districts or scope.bodies:
        own = (
            fires.filter(region_id__in=scope.regions)
            | fires.filter(district_id__in=scope.districts)
            | fires.filter(emergency_id__in=scope.bodies)
            | fires.filter(protected_area__administration_id__in=scope.bodies)
        )
        return public | own
    return public


@dataclass
class FireNumbers:
    """A year's (or period's) fires of one region, protected area or month."""

    region: Region | None = None
    area: ProtectedArea | None = None
    month: date | None = None
    fires: int = 0
    false_alarms: int = 0
    confirm_hours: list[float] = field(default_factory=list)
    close_hours: list[float] = field(default_factory=list)
    burned_ha: Decimal = Decimal(0)

    @property
    def false_alarm_share(self) -> float | None:
        return self.false_alarms / self.fires if self.fires else None

    @property
    def median_hours_to_confirm(self) -> float | None:
        return statistics.median(self.confirm_hours) if self.confirm_hours else None

    @property
    def median_hours_to_close(self) -> float | None:
        """The median hours from the first sighting to extinguished (false alarms left out)."""
        return statistics.median(self.close_hours) if self.close_hours else None


def fire_numbers(since: date, until: date, *, by: str = "region") -> list[FireNumbers]:
    """Count the fires first seen in a period, by region, protected area or month.

    All fires (a merged one counts in the fire it joined), the false alarms among them,
    the median hours to confirm and to extinguish, and the burned area the responders
    reported: the figures the fires page, the scorecards and measure 49 read. ``by="area"``
    counts only the fires that touch a protected area or forest.
    """
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    fires = FireEvent.objects.filter(
        first_seen__gte=start, first_seen__lt=end, state__in=COUNTED_FIRE_STATES
    )
    if by == "area":
        fires = fires.filter(protected_area__isnull=False)
    found: dict[Any, FireNumbers] = {}
    regions = {r.pk: r for r in Region.objects.all()}
    areas = {a.pk: a for a in ProtectedArea.objects.all()} if by == "area" else {}
    for region_id, area_id, state, first, confirmed, closed, burned in fires.values_list(
        "region_id",
        "protected_area_id",
        "state",
        "first_seen",
        "confirmed_at",
        "closed_at",
        "burned_ha",
    ):
        if by == "area":
            numbers = found.setdefault(area_id, FireNumbers(area=areas[area_id]))
        elif by == "month":
            month = timezone.localtime(first).date().replace(day=1)
            numbers = found.setdefault(month, FireNumbers(month=month))
        else:
            numbers = found.setdefault(region_id, FireNumbers(region=regions[region_id]))
        numbers.fires += 1
        numbers.false_alarms += state == FireState.FALSE_ALARM
        if confirmed is not None:
            numbers.confirm_hours.append((confirmed - first).total_seconds() / 3600)
        if state == FireState.EXTINGUISHED and closed is not None:
            numbers.close_hours.append((closed - first).total_seconds() / 3600)
        numbers.burned_ha += burned or 0
    return [found[key] for key in sorted(found, key=lambda k: _order(found[k]))]


def _order(numbers: FireNumbers) -> tuple[str, str]:
    if numbers.area is not None:
        return numbers.area.name, numbers.area.code
    if numbers.month is not None:
        return numbers.month.isoformat(), ""
    return (numbers.region.code if numbers.region else ""), ""


@dataclass
class ForecastRecord:
    """How a gauge's past forecasts of one method did: how many, and their mean error."""

    method: str
    label: str
    checked: int
    mean_abs_error_hours: float


def forecast_record(gauge: Gauge) -> list[ForecastRecord]:
    """Return, per forecasting method, the checked forecasts and their mean absolute error.

    A forecast is checked when the gauge reaches its danger mark: the hours between the
    expected and the real moment. Forecasts never checked (the river fell) are left out.
    """
    errors: dict[str, list[float]] = {}
    for method, error in gauge.forecasts.filter(error_hours__isnull=False).values_list(
        "method", "error_hours"
    ):
        errors.setdefault(method, []).append(abs(error or 0.0))
    return [
        ForecastRecord(method, str(ForecastMethod(method).label), len(e), statistics.fmean(e))
        for method, e in sorted(errors.items())
    ]


@dataclass
class PreparednessTotal:
    """A region's flood-season work for a year: the sum of its akimats' entries."""

    region: Region
    entries: int
    dams_km: Decimal
    riverbeds_km: Decimal
    drainage_km: Decimal
    snow_m3: int
    people: int
    machines: int


def preparedness_totals(year: int, region: Region | None = None) -> list[PreparednessTotal]:
    """Return each region's season work, its akimats' entries added up, regions in order."""
    entries = Preparedness.objects.filter(year=year)
    if region is not None:
        entries = entries.filter(region=region)
    rows = entries.values("region").annotate(
        entries=Count("id"), **{name: Sum(name) for name in PREPAREDNESS_FIELDS}
    )
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[row["region"] for row in rows])}
    totals = [
        PreparednessTotal(
            region=regions[row["region"]],
            entries=row["entries"],
            **{name: row[name] for name in PREPAREDNESS_FIELDS},
        )
        for row in rows
    ]
    return sorted(totals, key=lambda t: t.region.code)
