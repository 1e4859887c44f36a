"""Read fires as pages show them: what the public sees, what a responder works on."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from taza.accounts.permissions import scope_of
from taza.geo.models import Region
from taza.hazards.choices import COUNTED_FIRE_STATES, FireState
from taza.hazards.models import FireEvent

PUBLIC_STATES = (FireState.NEW, FireState.CONFIRMED, FireState.EXTINGUISHED)


def visible_fires(user: Any) -> QuerySet[FireEvent]:
    """Return the fires a person may see: all but false alarms, and their own territory's.

    The public sees new, confirmed and extinguished fires; staff also see the false
    alarms of their territory, analysts everyone's.
    """
    fires = FireEvent.objects.select_related("region", "district", "body")
    scope = scope_of(user)
    if scope.reads_all:
        return fires
    public = fires.filter(state__in=PUBLIC_STATES)
    if scope.regions or scope.districts:
        own = fires.filter(region_id__in=scope.regions) | fires.filter(
            district_id__in=scope.districts
        )
        return public | own
    return public


@dataclass
class FireNumbers:
    region: Region
    fires: int = 0
    false_alarms: int = 0
    confirm_hours: list[float] = field(default_factory=list)
    burned_ha: Decimal = Decimal(0)

    @property
    def false_alarm_share(self) -> float | None:
        return self.false_alarms / self.fires if self.fires else None

    @property
    def median_hours_to_confirm(self) -> float | None:
        return statistics.median(self.confirm_hours) if self.confirm_hours else None


def fire_numbers(since: date, until: date) -> list[FireNumbers]:
    """Count the fires first seen in a period, by region, for the fires page.

    All fires, the false alarms among them, the hours to confirm (median) and the burned
    area the akimats reported: the figures measure 49's progress will read.
    """
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    found: dict[int, FireNumbers] = {}
    regions = {r.pk: r for r in Region.objects.all()}
    for region_id, state, first, confirmed, burned in FireEvent.objects.filter(
        first_seen__gte=start, first_seen__lt=end, state__in=COUNTED_FIRE_STATES
    ).values_list("region_id", "state", "first_seen", "confirmed_at", "burned_ha"):
        numbers = found.setdefault(region_id, FireNumbers(regions[region_id]))
        numbers.fires += 1
        numbers.false_alarms += state == FireState.FALSE_ALARM
        if confirmed is not None:
            numbers.confirm_hours.append((confirmed - first).total_seconds() / 3600)
        numbers.burned_ha += burned or 0
    return sorted(found.values(), key=lambda n: n.region.code)
