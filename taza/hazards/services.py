"""Every write of the hazards domain: hotspots in, fire events, their steps, heat sources.

A hotspot is kept for fire events when it is confident enough for its instrument, lies
in Kazakhstan or within BUFFER_M of it, and is not at a known industrial heat source;
every hotspot is stored, the others with why they were dropped. Kept hotspots join an
open event they are within CLUSTER_M of (seen in the last EVENT_GAP), or start one,
which goes to the district's akimat; people are told after commit, through the
notifiers named in TAZA_FIRE_NOTIFIERS.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taza.accounts.permissions import can_change
from taza.audit.models import AuditAction
from taza.audit.services import update_audited
from taza.bodies.models import Body
from taza.bodies.services import district_akimat_code, regional_akimat_code
from taza.core.actors import Actor
from taza.core.errors import DomainError, Forbidden
from taza.core.hooks import hooks
from taza.geo.lookup import default_locator
from taza.geo.models import District, Region
from taza.hazards.choices import FIRE_STEPS, OPEN_FIRE_STATES, Dropped, FireState, HeatSourceKind
from taza.hazards.firms import Hotspot
from taza.hazards.models import Detection, FireEvent, HeatSource

# VIIRS reports confidence as l(ow), n(ominal), h(igh); MODIS as 0–100. Kept: nominal
# and high, and MODIS from 30 (FIRMS calls under 30 "low").
KEEP_VIIRS = frozenset({"n", "h", "nominal", "high"})
MODIS_MIN_CONFIDENCE = 30
# A hotspot this close to the border, outside it, is kept (fires cross borders).
BUFFER_M = 20_000
# A hotspot joins an open event when within this distance of its extent, and the event
# was seen within EVENT_GAP.
CLUSTER_M = 2_000
EVENT_GAP = timedelta(hours=24)
# The ground a hot pixel covers, hectares: VIIRS 375 m, MODIS 1 km (at nadir).
PIXEL_HA = {"VIIRS": 14.0625, "MODIS": 100.0}
# A place (about 1 km) seen burning on this many days of a year is a persistent heat
# source (a gas flare, a plant), kept out of fire events.
PERSISTENT_DAYS = 10
GRID_DEG = 0.01


class HazardError(DomainError):
    """Refuse a hazards input or step."""


def _key(h: Hotspot) -> str:
    return f"{h.satellite}:{h.instrument}:{h.acquired_at:%Y%m%d%H%M}:{h.lat:.4f}:{h.lon:.4f}"


def confident(h: Hotspot) -> bool:
    """Tell whether a hotspot is confident enough for its instrument."""
    if h.instrument == "MODIS":
        try:
            return int(float(h.confidence)) >= MODIS_MIN_CONFIDENCE
        except ValueError:
            return False
    return h.confidence in KEEP_VIIRS


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * 111_320
    dx = (lon2 - lon1) * 111_320 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def _at_heat_source(h: Hotspot, sources: list[HeatSource]) -> bool:
    return any(_metres(h.lat, h.lon, s.lat, s.lon) <= s.radius_m for s in sources)


@dataclass
class IngestResult:
    new: int = 0
    repeated: int = 0
    dropped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    events_new: list[int] = field(default_factory=list)
    events_grown: int = 0


def ingest(hotspots: list[Hotspot], *, source: str) -> IngestResult:
    """Store hotspots once each, drop the doubtful ones, and build fire events."""
    result = IngestResult()
    keys = {_key(h): h for h in hotspots}
    known = set(Detection.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    result.repeated = len(hotspots) - len(keys) + len(known)
    fresh = sorted((h for k, h in keys.items() if k not in known), key=lambda h: h.acquired_at)
    sources = list(HeatSource.objects.filter(active=True))
    regions = {r.code: r for r in Region.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    locator = default_locator()
    with transaction.atomic():
        for h in fresh:
            detection = Detection(
                key=_key(h),
                source=source[:40],
                satellite=h.satellite,
                instrument=h.instrument,
                acquired_at=h.acquired_at,
                lat=h.lat,
                lon=h.lon,
                confidence=h.confidence,
                brightness=h.brightness,
                frp=h.frp,
                scan=h.scan,
                track=h.track,
                daynight=h.daynight,
                version=h.version,
            )
            try:
                place = locator.locate(h.lat, h.lon)
            except DomainError:
                place = None
            if place is None or (not place.exact and place.distance_m > BUFFER_M):
                detection.dropped = Dropped.OUTSIDE
            else:
                detection.region = regions[place.region_code]
                detection.district = districts.get(place.district_code or "")
                if not confident(h):
                    detection.dropped = Dropped.LOW_CONFIDENCE
                elif _at_heat_source(h, sources):
                    detection.dropped = Dropped.HEAT_SOURCE
            if detection.dropped:
                result.dropped[detection.dropped] += 1
            else:
                _cluster(detection, result)
            detection.save()
            result.new += 1
        created = list(result.events_new)
        transaction.on_commit(lambda: _tell(created))
    return result


def _tell(event_ids: list[int]) -> None:
    from taza.hazards.tasks import tell_fires  # the task module calls back into this one

    if event_ids:
        tell_fires(event_ids)


def notify(event_ids: list[int]) -> None:
    """Call each notifier named in TAZA_FIRE_NOTIFIERS with the new events."""
    for notifier in hooks("TAZA_FIRE_NOTIFIERS"):
        notifier(event_ids)


def _responsible(region: Region, district: District | None) -> Body | None:
    code = district_akimat_code(district) if district else regional_akimat_code(region)
    return Body.objects.filter(code=code).first()


def _cluster(d: Detection, result: IngestResult) -> None:
    pad = CLUSTER_M / 111_320
    near = FireEvent.objects.filter(
        state__in=OPEN_FIRE_STATES,
        last_seen__gte=d.acquired_at - EVENT_GAP,
        south__lte=d.lat + pad,
        north__gte=d.lat - pad,
        west__lte=d.lon + pad * 2,
        east__gte=d.lon - pad * 2,
    ).order_by("-last_seen")
    event = next(
        (e for e in near if _near_hotspots(e, d)),
        None,
    )
    area = PIXEL_HA.get(d.instrument, PIXEL_HA["MODIS"])
    if event is None and d.region is None:
        return  # not reached: a kept hotspot has been located
    if event is None and d.region is not None:
        event = FireEvent.objects.create(
            first_seen=d.acquired_at,
            last_seen=d.acquired_at,
            lat=d.lat,
            lon=d.lon,
            west=d.lon,
            east=d.lon,
            south=d.lat,
            north=d.lat,
            detections=1,
            frp_total=d.frp or 0,
            pixel_area_ha=area,
            region=d.region,
            district=d.district,
            body=_responsible(d.region, d.district),
        )
        result.events_new.append(event.pk)
    elif event is not None:
        n = event.detections
        event.lat = (event.lat * n + d.lat) / (n + 1)
        event.lon = (event.lon * n + d.lon) / (n + 1)
        event.west, event.east = min(event.west, d.lon), max(event.east, d.lon)
        event.south, event.north = min(event.south, d.lat), max(event.north, d.lat)
        event.first_seen = min(event.first_seen, d.acquired_at)
        event.last_seen = max(event.last_seen, d.acquired_at)
        event.detections = n + 1
        event.frp_total += d.frp or 0
        event.pixel_area_ha += area
        event.save()
        result.events_grown += 1
    d.event = event


def _near_hotspots(event: FireEvent, d: Detection) -> bool:
    return (
        any(
            _metres(lat, lon, d.lat, d.lon) <= CLUSTER_M
            for lat, lon in event.hotspots.values_list("lat", "lon")
        )
        or _metres(event.lat, event.lon, d.lat, d.lon) <= CLUSTER_M
    )


@transaction.atomic
def step(
    *, actor: Actor, event: FireEvent, to: str, burned_ha: Decimal | None = None, reason: str = ""
) -> FireEvent:
    """Move a fire to its next state (confirmed, false alarm, extinguished); audited."""
    event = FireEvent.objects.select_for_update().get(pk=event.pk)
    if not can_change(actor, event):
        raise Forbidden(_("Only the staff of this territory act on its fires."))
    if to not in FireState.values:
        raise HazardError(_("No such step."), field="to", code="bad_step")
    if to not in FIRE_STEPS.get(FireState(event.state), ()):
        raise HazardError(
            _("A fire that is %(state)s cannot become %(to)s.")
            % {"state": event.get_state_display(), "to": FireState(to).label},
            field="state",
            code="bad_step",
        )
    now = timezone.now()
    values: dict[str, Any] = {"state": to}
    if to == FireState.CONFIRMED:
        values["confirmed_at"] = now
    if to in (FireState.FALSE_ALARM, FireState.EXTINGUISHED):
        values["closed_at"] = now
    if to == FireState.EXTINGUISHED:
        if burned_ha is None or burned_ha < 0:
            raise HazardError(_("Give the burned area in hectares."), field="burned_ha")
        values["burned_ha"] = burned_ha
    update_audited(event, actor=actor, action=AuditAction.TRANSITION, reason=reason, **values)
    return event


def learn_heat_sources(now: datetime | None = None, min_days: int = PERSISTENT_DAYS) -> int:
    """Mark places seen burning on min_days days of the last year as persistent sources.

    Return how many sources were added. Hotspots outside Kazakhstan do not count.
    """
    now = now or timezone.now()
    days: dict[tuple[int, int], set[Any]] = defaultdict(set)
    points: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for lat, lon, at in (
        Detection.objects.filter(acquired_at__gte=now - timedelta(days=365))
        .exclude(dropped=Dropped.OUTSIDE)
        .values_list("lat", "lon", "acquired_at")
    ):
        cell = (math.floor(lat / GRID_DEG), math.floor(lon / GRID_DEG))
        days[cell].add(at.date())
        points[cell].append((lat, lon))
    existing = list(HeatSource.objects.all())
    added = 0
    for cell, seen in days.items():
        if len(seen) < min_days:
            continue
        lat = sum(p[0] for p in points[cell]) / len(points[cell])
        lon = sum(p[1] for p in points[cell]) / len(points[cell])
        if any(_metres(lat, lon, s.lat, s.lon) <= s.radius_m for s in existing):
            continue
        source = HeatSource.objects.create(
            name=f"{lat:.3f}, {lon:.3f}",
            kind=HeatSourceKind.PERSISTENT,
            lat=lat,
            lon=lon,
            days_seen=len(seen),
        )
        existing.append(source)
        added += 1
    return added
