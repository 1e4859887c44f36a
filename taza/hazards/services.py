"""Every write of the hazards domain: hotspots in, fire events, their steps, heat sources.

A hotspot is kept for fire events when it is confident enough for its instrument, lies
in Kazakhstan or within BUFFER_M of it, and is not at a known industrial heat source;
every hotspot is stored, the others with why they were dropped. Kept hotspots join an
open event they are within CLUSTER_M of (seen in the last EVENT_GAP), or start one,
which goes to the district's akimat; people are told after commit, through the
notifiers named in TAZA_FIRE_NOTIFIERS.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from taza.accounts.permissions import can_act_for, can_change, scope_of
from taza.audit.models import AuditAction
from taza.audit.services import create_audited, record, update_audited, upsert_audited
from taza.bodies.models import Body, BodyKind
from taza.bodies.services import district_akimat_code, regional_akimat_code
from taza.core.actors import SYSTEM, Actor
from taza.core.db import insert_all
from taza.core.errors import DomainError, Forbidden
from taza.core.files import kind_of, private_name
from taza.core.hooks import hooks
from taza.core.models import max_length
from taza.core.tell import subscriber_of, tell
from taza.core.urls import absolute_url
from taza.core.values import finite_number, hash_token, iso_moment, new_token
from taza.geo.lookup import default_locator, reaching_locator
from taza.geo.models import District, Region
from taza.hazards import floods
from taza.hazards.areas import AreaIndex, OutlineError, area_ha, read_outline
from taza.hazards.choices import (
    ALERTED_LEVELS,
    FIRE_ADVICE,
    FIRE_STEPS,
    FLOOD_ADVICE,
    LEVEL_ORDER,
    OPEN_FIRE_STATES,
    AreaKind,
    Dropped,
    FireState,
    ForecastMethod,
    HeatSourceKind,
    Ice,
    RiskStatus,
    WarningLevel,
)
from taza.hazards.firms import Hotspot
from taza.hazards.models import (
    MAX_RADIUS_KM,
    PREPAREDNESS_FIELDS,
    Detection,
    FireEvent,
    Gauge,
    HeatSource,
    LevelChange,
    LevelForecast,
    LevelReading,
    Preparedness,
    ProtectedArea,
    Settlement,
    SubscriberAlert,
    Subscription,
)
from taza.hazards.querysets import emergency_departments, routed_bodies

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


def _grid_cell(lat: float, lon: float, size: float) -> tuple[int, int]:
    """Return the cell of a grid of ``size`` degrees that a point falls in."""
    return math.floor(lat / size), math.floor(lon / size)


class _HeatSources:
    """The active heat sources on a grid, to test thousands of hotspots against them."""

    CELL = 0.1  # degrees: more than any radius (a few km) in latitude and longitude

    def __init__(self, sources: list[HeatSource]) -> None:
        self.cells: dict[tuple[int, int], list[HeatSource]] = defaultdict(list)
        for source in sources:
            self.cells[self._cell(source.lat, source.lon)].append(source)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return _grid_cell(lat, lon, self.CELL)

    def at(self, lat: float, lon: float) -> bool:
        """Tell whether a point lies within the radius of a known heat source."""
        i, j = self._cell(lat, lon)
        return any(
            _metres(lat, lon, s.lat, s.lon) <= s.radius_m
            for di in (-1, 0, 1)
            for dj in (-1, 0, 1)
            for s in self.cells.get((i + di, j + dj), ())
        )


@dataclass
class IngestResult:
    new: int = 0
    repeated: int = 0
    dropped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    events_new: list[int] = field(default_factory=list)
    events_grown: int = 0
    events_merged: int = 0
    # Open fires that reached a protected area: its keepers are told now (those told
    # before are not: each person hears of a fire once).
    events_spread: list[int] = field(default_factory=list)


def ingest(hotspots: list[Hotspot], *, source: str) -> IngestResult:
    """Store hotspots once each, drop the doubtful ones, and build fire events.

    A day of Central Asia's hotspots is tens of thousands of rows: they are located,
    filtered and clustered in memory against the open fires read once, then written in
    bulk, in one transaction (bench/hazards.py measures it).
    """
    result = IngestResult()
    keys = {_key(h): h for h in hotspots}
    if not keys:
        return result
    # The hotspots already stored are among those of the same passes: read their keys by
    # time, which a day's file answers in one indexed range, not a list of 30,000 keys.
    moments = [h.acquired_at for h in keys.values()]
    known = set(
        Detection.objects.filter(
            acquired_at__gte=min(moments), acquired_at__lte=max(moments)
        ).values_list("key", flat=True)
    ) & set(keys)
    result.repeated = len(hotspots) - len(keys) + len(known)
    fresh = sorted(
        ((k, h) for k, h in keys.items() if k not in known), key=lambda kh: kh[1].acquired_at
    )
    if not fresh:
        return result
    sources = _HeatSources(list(HeatSource.objects.filter(active=True)))
    regions = dict(Region.objects.values_list("code", "pk"))
    districts = dict(District.objects.values_list("code", "pk"))
    # All points in bulk; those near a border one by one, given the nearest region up to
    # BUFFER_M out; farther ones come back as -1.
    locator = reaching_locator(BUFFER_M)
    region_at, district_at = locator.locate_many(
        np.array([h.lat for _k, h in fresh]), np.array([h.lon for _k, h in fresh])
    )
    detections: list[Detection] = []
    kept: list[Detection] = []
    for (key, h), region_index, district_index in zip(fresh, region_at, district_at, strict=True):
        detection = Detection(
            key=key,
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
        if region_index < 0:
            detection.dropped = Dropped.OUTSIDE
        else:
            detection.region_id = regions[locator.region_codes[region_index]]
            if district_index >= 0:
                detection.district_id = districts[locator.district_codes[district_index]]
            if not confident(h):
                detection.dropped = Dropped.LOW_CONFIDENCE
            elif sources.at(h.lat, h.lon):
                detection.dropped = Dropped.HEAT_SOURCE
        if detection.dropped:
            result.dropped[detection.dropped] += 1
        else:
            kept.append(detection)
        detections.append(detection)
    with transaction.atomic():
        if kept:
            _Clusters(since=kept[0].acquired_at - EVENT_GAP).build(kept, result)
        insert_all(Detection, detections)
        result.new = len(detections)
        told = [*result.events_new, *result.events_spread]
        transaction.on_commit(lambda: _tell(told))
    return result


def _tell(event_ids: list[int]) -> None:
    from taza.hazards.tasks import tell_fires  # the task module calls back into this one

    if event_ids:
        tell_fires(event_ids)


def notify(event_ids: list[int]) -> None:
    """Call each notifier named in TAZA_FIRE_NOTIFIERS with the new events."""
    for notifier in hooks("TAZA_FIRE_NOTIFIERS"):
        notifier(event_ids)


@dataclass
class _Routing:
    """Who a fire goes to besides the akimat: read once per ingest."""

    areas: AreaIndex
    emergency: dict[int, int]  # region id → its emergency department's id

    @classmethod
    def load(cls) -> _Routing:
        return cls(
            AreaIndex.of(ProtectedArea.objects.filter(active=True).values_list("pk", "geometry")),
            emergency_departments(),
        )


@dataclass
class _Fire:
    """A fire while a batch is clustered: its event (saved or not) and its hotspots."""

    event: FireEvent
    points: list[tuple[float, float, datetime, float, str]]
    new: bool
    grown: bool = False
    spread: bool = False  # an open fire that reached a protected area in this batch
    into: _Fire | None = None

    def root(self) -> _Fire:
        fire = self
        while fire.into is not None:
            fire = fire.into
        return fire

    def order(self) -> tuple[bool, datetime, int]:
        """Sort the fire to keep first in a merge: confirmed, then first seen, then older."""
        return (
            self.event.state != FireState.CONFIRMED,
            self.event.first_seen,
            self.event.pk or 2**62,
        )

    def add(self, point: tuple[float, float, datetime, float, str]) -> None:
        """Add a hotspot and update the event's figures by it."""
        e, (lat, lon, at, frp, instrument) = self.event, point
        self.points.append(point)
        n = len(self.points)
        if n == 1:
            self.recount()
            return
        e.detections = n
        e.lat += (lat - e.lat) / n
        e.lon += (lon - e.lon) / n
        e.south, e.north = min(e.south, lat), max(e.north, lat)
        e.west, e.east = min(e.west, lon), max(e.east, lon)
        e.first_seen, e.last_seen = min(e.first_seen, at), max(e.last_seen, at)
        e.frp_total += frp
        e.pixel_area_ha += PIXEL_HA.get(instrument, PIXEL_HA["MODIS"])

    def recount(self) -> None:
        """Set the event's figures from its hotspots."""
        e, points = self.event, self.points
        e.detections = len(points)
        e.lat = sum(p[0] for p in points) / len(points)
        e.lon = sum(p[1] for p in points) / len(points)
        e.south, e.north = min(p[0] for p in points), max(p[0] for p in points)
        e.west, e.east = min(p[1] for p in points), max(p[1] for p in points)
        e.first_seen = min(p[2] for p in points)
        e.last_seen = max(p[2] for p in points)
        e.frp_total = sum(p[3] for p in points)
        e.pixel_area_ha = sum(PIXEL_HA.get(p[4], PIXEL_HA["MODIS"]) for p in points)


class _Clusters:
    """Cluster a batch's kept hotspots into the open fires, in memory, then write them.

    A hotspot joins the open fires (new or confirmed, seen within EVENT_GAP of it) that
    have a hotspot within CLUSTER_M of it; when it touches several, they have grown into
    each other and are merged (``_merge``); when it touches none, it starts a fire. The
    fires are read once, on a grid of CELL degrees, so a batch costs a few queries.
    """

    CELL = 0.02  # degrees; CLUSTER_M is 0.018° of latitude and up to 0.032° of longitude

    def __init__(self, since: datetime) -> None:
        self.routing = _Routing.load()
        self.akimats = dict(
            Body.objects.filter(
                kind__in=(BodyKind.REGIONAL_AKIMAT, BodyKind.DISTRICT_AKIMAT)
            ).values_list("code", "pk")
        )
        self.regions = {r.pk: r for r in Region.objects.all()}
        self.districts = {d.pk: d for d in District.objects.all()}
        self.grid: dict[tuple[int, int], list[tuple[float, float, _Fire]]] = defaultdict(list)
        self.fires: list[_Fire] = []
        open_fires = {
            e.pk: _Fire(e, [], new=False)
            for e in FireEvent.objects.filter(state__in=OPEN_FIRE_STATES, last_seen__gte=since)
        }
        for event_id, lat, lon, at, frp, instrument in Detection.objects.filter(
            event_id__in=list(open_fires)
        ).values_list("event_id", "lat", "lon", "acquired_at", "frp", "instrument"):
            fire = open_fires[event_id]
            fire.points.append((lat, lon, at, frp or 0.0, instrument))
            self.grid[self._cell(lat, lon)].append((lat, lon, fire))
        self.fires = list(open_fires.values())

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return _grid_cell(lat, lon, self.CELL)

    def _touching(self, d: Detection) -> list[_Fire]:
        i, j = self._cell(d.lat, d.lon)
        found: dict[int, _Fire] = {}
        for di in (-1, 0, 1):
            for dj in (-2, -1, 0, 1, 2):
                for lat, lon, fire in self.grid.get((i + di, j + dj), ()):
                    fire = fire.root()
                    if id(fire) in found or fire.event.last_seen < d.acquired_at - EVENT_GAP:
                        continue
                    if _metres(lat, lon, d.lat, d.lon) <= CLUSTER_M:
                        found[id(fire)] = fire
        return list(found.values())

    def build(self, kept: list[Detection], result: IngestResult) -> None:
        """Cluster the hotspots (in time order), then write the fires and link the hotspots."""
        owner: list[_Fire] = []
        areas = self.routing.areas.touching_many([d.lat for d in kept], [d.lon for d in kept])
        for d, area in zip(kept, areas, strict=True):
            touched = self._touching(d)
            if len(touched) > 1:
                fire = min(touched, key=_Fire.order)
                for other in touched:
                    if other is not fire:
                        other.into = fire
                        fire.points.extend(other.points)
                        fire.grown = True
                fire.recount()
            elif touched:
                fire = touched[0]
            else:
                fire = _Fire(self._new_event(d, area), [], new=True)
                self.fires.append(fire)
            fire.add((d.lat, d.lon, d.acquired_at, d.frp or 0.0, d.instrument))
            fire.grown = fire.grown or not fire.new
            if fire.event.protected_area_id is None and area is not None:
                fire.event.protected_area_id = area  # it has spread into a reserve or forest
                fire.spread = not fire.new
            self.grid[self._cell(d.lat, d.lon)].append((d.lat, d.lon, fire))
            owner.append(fire)
        self._write(result)
        for d, fire in zip(kept, owner, strict=True):
            d.event = fire.root().event

    def _new_event(self, d: Detection, area: int | None) -> FireEvent:
        assert d.region_id is not None  # noqa: S101 (a kept hotspot has been located)
        if d.district_id is not None:
            akimat = self.akimats.get(district_akimat_code(self.districts[d.district_id]))
        else:
            akimat = self.akimats.get(regional_akimat_code(self.regions[d.region_id]))
        return FireEvent(
            region_id=d.region_id,
            district_id=d.district_id,
            body_id=akimat,
            emergency_id=self.routing.emergency.get(d.region_id),
            protected_area_id=area,
            first_seen=d.acquired_at,
            last_seen=d.acquired_at,
            lat=d.lat,
            lon=d.lon,
            west=d.lon,
            east=d.lon,
            south=d.lat,
            north=d.lat,
        )

    def _write(self, result: IngestResult) -> None:
        roots = [f for f in self.fires if f.into is None]
        born = [f for f in roots if f.new]
        FireEvent.objects.bulk_create([f.event for f in born], batch_size=1000)
        result.events_new = [f.event.pk for f in born]
        grown = [f for f in roots if not f.new and f.grown]
        FireEvent.objects.bulk_update(
            [f.event for f in grown],
            [
                "detections", "lat", "lon", "south", "north", "west", "east", "first_seen",
                "last_seen", "frp_total", "pixel_area_ha", "protected_area",
            ],
            batch_size=1000,
        )  # fmt: skip
        result.events_grown = len(grown)
        result.events_spread = [f.event.pk for f in grown if f.spread]
        for fire in self.fires:
            if fire.into is None:
                continue
            result.events_merged += 1
            if fire.new:
                continue  # born and merged in this batch: it never existed for anyone
            keep = fire.root().event
            Detection.objects.filter(event=fire.event).update(event=keep)
            update_audited(
                fire.event,
                actor=SYSTEM,
                action=AuditAction.TRANSITION,
                reason=gettext_noop("Grew into another fire"),
                state=FireState.MERGED,
                merged_into=keep,
                closed_at=timezone.now(),
            )


@transaction.atomic
def step(
    *, actor: Actor, event: FireEvent, to: str, burned_ha: Decimal | None = None, reason: str = ""
) -> FireEvent:
    """Move a fire to its next state (confirmed, false alarm, extinguished); audited."""
    event = FireEvent.objects.select_for_update().get(pk=event.pk)
    if not can_act_for(actor, event, routed_bodies(event)):
        raise Forbidden(
            _("Only the staff of this territory and the services the fire went to act on it.")
        )
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
    if to == FireState.CONFIRMED:
        confirmed = event.pk
        transaction.on_commit(lambda: _tell_near(confirmed))
    return event


def _tell_near(event_id: int) -> None:
    from taza.hazards.tasks import tell_people_near  # the task module calls back into this one

    tell_people_near(event_id)


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

    # A flare on the edge of a cell burns in two: a cell counts the days of its eight
    # neighbours too, and the busiest cells are taken first.
    def around(cell: tuple[int, int]) -> list[tuple[int, int]]:
        return [(cell[0] + di, cell[1] + dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)]

    block = {c: set().union(*(days.get(n, set()) for n in around(c))) for c in days}
    for cell in sorted(block, key=lambda c: -len(days[c])):
        seen = block[cell]
        if len(seen) < min_days:
            continue
        near = [p for n in around(cell) for p in points.get(n, [])]
        lat = sum(p[0] for p in near) / len(near)
        lon = sum(p[1] for p in near) / len(near)
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


# -- floods ------------------------------------------------------------------------------

MAX_LEVEL_BATCH = 10_000
# A forecast is recorded at most this often per gauge, to be checked against the day the
# danger mark is reached.
FORECAST_EVERY = timedelta(hours=6)


@dataclass
class LevelsResult:
    stored: int = 0
    duplicates: int = 0
    implausible: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (index, field, why)

    def as_dict(self) -> dict[str, Any]:
        """Return the answer the push API gives."""
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "implausible": self.implausible,
            "refused": [{"index": i, "field": f, "reason": r} for i, f, r in self.refused],
        }


@dataclass
class _Level:
    at: datetime
    level: float
    flow: float | None
    ice: str


def _level_row(index: int, row: Any, now: datetime) -> _Level | tuple[int, str, str]:
    if not isinstance(row, dict):
        return index, "", _("Each reading is an object with time and level_cm.")
    at = iso_moment(row.get("time"))
    if at is None or timezone.is_naive(at):
        return index, "time", _("Give the time in ISO 8601 with its UTC offset.")
    if at > now + timedelta(minutes=5):
        return index, "time", _("This time is in the future.")
    level = finite_number(row.get("level_cm"))
    if level is None or not -1000 <= level <= 5000:
        return index, "level_cm", _("Give the level in centimetres above the gauge zero.")
    discharge = row.get("discharge_m3s")
    flow = finite_number(discharge) if discharge not in (None, "") else None
    if discharge not in (None, "") and (flow is None or flow < 0):
        return index, "discharge_m3s", _("The discharge is not a number of m³/s.")
    ice = str(row.get("ice") or "").strip().lower()
    if ice not in Ice.values:
        return index, "ice", _("Ice is one of: cover, drift, jam, or empty.")
    return _Level(at, level, flow, ice)


def ingest_levels(gauge: Gauge, rows: list[Any], *, now: datetime | None = None) -> LevelsResult:
    """Store a gauge's readings once each, flag implausible ones, and update its warning."""
    if len(rows) > MAX_LEVEL_BATCH:
        raise HazardError(
            _("A batch holds at most %(n)s readings; send it in parts.") % {"n": MAX_LEVEL_BATCH},
            code="too_large",
        )
    now = now or timezone.now()
    result = LevelsResult()
    good: dict[datetime, tuple[float, float | None, str]] = {}
    for index, row in enumerate(rows):
        checked = _level_row(index, row, now)
        if isinstance(checked, tuple):
            result.refused.append(checked)
            continue
        if checked.at in good:
            result.duplicates += 1
            continue
        good[checked.at] = (checked.level, checked.flow, checked.ice)
    if not good:
        return result
    with transaction.atomic():
        Gauge.objects.select_for_update().filter(pk=gauge.pk).first()
        known = set(
            LevelReading.objects.filter(gauge=gauge, observed_at__in=list(good)).values_list(
                "observed_at", flat=True
            )
        )
        history = list(
            LevelReading.objects.filter(gauge=gauge, implausible=False, observed_at__lt=max(good))
            .order_by("-observed_at")
            .values_list("observed_at", "level_cm")[:20]
        )
        recent = [level for _at, level in history]
        previous = history[0] if history else None
        new = []
        for at in sorted(good):
            if at in known:
                result.duplicates += 1
                continue
            level, flow, ice = good[at]
            last = previous[1] if previous and at - previous[0] <= timedelta(hours=24) else None
            ok = floods.plausible(level, recent, last)
            result.implausible += not ok
            new.append(
                LevelReading(
                    gauge=gauge,
                    observed_at=at,
                    level_cm=level,
                    discharge_m3s=flow,
                    ice=ice,
                    implausible=not ok,
                )
            )
            if ok:
                recent = [level, *recent][:20]
                previous = (at, level)
        LevelReading.objects.bulk_create(new, ignore_conflicts=True)
        result.stored = len(new)
        # The gauges downstream forecast from this one's rise: theirs change with it.
        touched = [gauge, *Gauge.objects.filter(upstream=gauge, active=True)]
        changed = [c.pk for c in (update_warning(g, now) for g in touched) if c is not None]
        if changed:
            transaction.on_commit(lambda: _tell_floods(changed))
    return result


def _tell_floods(change_ids: list[int]) -> None:
    from taza.hazards.tasks import tell_floods  # the task module calls back into this one

    tell_floods(change_ids)


def notify_floods(change_ids: list[int]) -> None:
    """Tell the settlements' subscribers, then call each notifier in TAZA_FLOOD_NOTIFIERS."""
    tell_residents(change_ids)
    for notifier in hooks("TAZA_FLOOD_NOTIFIERS"):
        notifier(change_ids)


def update_warning(gauge: Gauge, now: datetime) -> LevelChange | None:
    """Recompute a gauge's level, trend and forecast from its newest plausible readings.

    Return the LevelChange when the level rose to one that is alerted.
    """
    newest = (
        LevelReading.objects.filter(gauge=gauge, implausible=False).order_by("-observed_at").first()
    )
    if newest is None:
        return None
    window = list(
        LevelReading.objects.filter(
            gauge=gauge,
            implausible=False,
            observed_at__gt=newest.observed_at - timedelta(hours=floods.TREND_HOURS),
            observed_at__lte=newest.observed_at,
        )
        .order_by("observed_at")
        .values_list("observed_at", "level_cm")
    )
    fitted = floods.trend(window)
    slope, error = fitted if fitted else (None, None)
    forecasts: dict[str, tuple[float, float]] = {}
    by_trend = (
        floods.hours_to_mark(newest.level_cm, gauge.danger_cm, slope, error or 0.0)
        if slope is not None
        else None
    )
    if by_trend is not None:
        forecasts[ForecastMethod.TREND] = by_trend
    upstream = _upstream_trend(gauge, newest.observed_at)
    if upstream is not None and gauge.travel_hours:
        by_upstream = floods.hours_with_upstream(
            newest.level_cm, gauge.danger_cm, fitted, upstream, gauge.travel_hours
        )
        if by_upstream is not None:
            forecasts[ForecastMethod.UPSTREAM] = by_upstream
    # The warning takes the earlier forecast: the one that gives people more time.
    ahead = min(forecasts.values(), default=None)
    level = floods.warning_level(
        newest.level_cm, gauge.danger_cm, gauge.critical_cm, slope, ahead[0] if ahead else None
    )
    before = WarningLevel(gauge.level)
    gauge.last_cm, gauge.last_at = newest.level_cm, newest.observed_at
    gauge.hours_to_danger, gauge.hours_spread = ahead if ahead else (None, None)
    change = None
    if level != before:
        gauge.level, gauge.level_since = level, newest.observed_at
        if level in ALERTED_LEVELS and LEVEL_ORDER.index(level) > LEVEL_ORDER.index(before):
            change = LevelChange.objects.create(
                gauge=gauge, level=level, level_cm=newest.level_cm, at=newest.observed_at
            )
    if level in (WarningLevel.DANGER, WarningLevel.CRITICAL) and before not in (
        WarningLevel.DANGER,
        WarningLevel.CRITICAL,
    ):
        _verify_forecasts(gauge, newest.observed_at)
    for method, hours in forecasts.items():
        _record_forecast(gauge, newest.observed_at, hours, method)
    gauge.save(
        update_fields=[
            "level",
            "level_since",
            "last_cm",
            "last_at",
            "hours_to_danger",
            "hours_spread",
        ]
    )
    return change


def _upstream_trend(gauge: Gauge, until: datetime) -> tuple[float, float] | None:
    """Return the upstream gauge's trend over the TREND_HOURS before ``until``, if any."""
    if gauge.upstream_id is None:
        return None
    window = list(
        LevelReading.objects.filter(
            gauge_id=gauge.upstream_id,
            implausible=False,
            observed_at__gt=until - timedelta(hours=floods.TREND_HOURS),
            observed_at__lte=until,
        )
        .order_by("observed_at")
        .values_list("observed_at", "level_cm")
    )
    return floods.trend(window)


def _record_forecast(gauge: Gauge, at: datetime, ahead: tuple[float, float], method: str) -> None:
    if LevelForecast.objects.filter(
        gauge=gauge, method=method, made_at__gt=at - FORECAST_EVERY
    ).exists():
        return
    LevelForecast.objects.create(
        gauge=gauge,
        method=method,
        made_at=at,
        expected_at=at + timedelta(hours=ahead[0]),
        spread_hours=ahead[1],
    )


def _verify_forecasts(gauge: Gauge, reached: datetime) -> None:
    """Check the forecasts made before the gauge reached its danger mark: hours of error."""
    for forecast in LevelForecast.objects.filter(gauge=gauge, error_hours__isnull=True):
        forecast.error_hours = (reached - forecast.expected_at).total_seconds() / 3600
        forecast.save(update_fields=["error_hours"])


def issue_gauge_token(*, actor: Actor, gauge: Gauge) -> str:
    """Give a gauge a new API token (the old one stops working); return it, shown once."""
    token = new_token()
    update_audited(gauge, actor=actor, reason="API token issued", token_hash=hash_token(token))
    return token


def gauge_for_token(token: str) -> Gauge:
    """Return the gauge a token belongs to; refuse an unknown token or a gauge out of service."""
    gauge = (
        Gauge.objects.filter(token_hash=hash_token(token), active=True).first() if token else None
    )
    if gauge is None:
        raise Forbidden(_("This token belongs to no gauge in service."), code="bad_token")
    return gauge


def import_levels(text: str, *, actor: Actor) -> dict[str, LevelsResult]:
    """Load a CSV of readings (gauge, time, level_cm[, discharge_m3s, ice]) gauge by gauge.

    A row for an unknown gauge, or one the person may not report for, is refused with its
    line; the other gauges' readings are stored.
    """
    try:
        reader = csv.DictReader(io.StringIO(text))
        rows = list(reader)
    except csv.Error:
        raise HazardError(_("The file is not CSV.")) from None
    if not reader.fieldnames or not {"gauge", "time", "level_cm"} <= set(reader.fieldnames):
        raise HazardError(_("The CSV's first line must name the columns gauge, time and level_cm."))
    if len(rows) > MAX_LEVEL_BATCH:
        raise HazardError(
            _("A batch holds at most %(n)s readings; send it in parts.") % {"n": MAX_LEVEL_BATCH}
        )
    gauges = {g.code: g for g in Gauge.objects.filter(code__in={r.get("gauge") for r in rows})}
    # Kazhydromet's gauges are loaded by the monitoring centre; an akimat loads its own.
    reads_all = scope_of(actor).reads_all
    by_gauge: dict[str, list[tuple[int, Any]]] = defaultdict(list)
    results: dict[str, LevelsResult] = {}
    for line, row in enumerate(rows, start=2):
        code = str(row.get("gauge") or "").strip()
        gauge = gauges.get(code)
        if gauge is None or not (reads_all or can_change(actor, gauge)):
            refused = results.setdefault(code or "?", LevelsResult())
            why = _("No such gauge.") if gauge is None else _("You do not report for this gauge.")
            refused.refused.append((line, "gauge", why))
            continue
        by_gauge[code].append((line, row))
    for code, found in by_gauge.items():
        done = ingest_levels(gauges[code], [row for _line, row in found])
        # Name each refusal by the file's line, not its place among the gauge's rows.
        done.refused = [(found[i][0], column, why) for i, column, why in done.refused]
        results[code] = done
    return results


# -- citizens' subscriptions ---------------------------------------------------------------

# The radius a subscriber gets when they do not choose one, km.
DEFAULT_RADIUS_KM = 25


def subscribe_place(
    *,
    actor: Actor,
    lat: float,
    lon: float,
    radius_km: int = DEFAULT_RADIUS_KM,
    telegram: Any = None,
) -> Subscription:
    """Subscribe a person to confirmed fires within a radius of a place in Kazakhstan.

    A person has one place: subscribing again moves it. The place is personal data, kept
    out of the audit trail (which records that a place was set).
    """
    who = subscriber_of(actor, telegram)
    if not (1 <= radius_km <= MAX_RADIUS_KM):
        raise HazardError(
            _("Choose a radius between 1 and %(most)s km.") % {"most": MAX_RADIUS_KM},
            field="radius_km",
        )
    default_locator().locate(lat, lon)  # LocationError, a DomainError, outside Kazakhstan
    with transaction.atomic():
        found = Subscription.objects.select_for_update().filter(**who, settlement=None).first()
        if found is not None:
            update_audited(found, actor=actor, lat=lat, lon=lon, radius_km=radius_km)
            return found
        try:
            with transaction.atomic():
                return create_audited(
                    Subscription, actor=actor, **who, lat=lat, lon=lon, radius_km=radius_km
                )
        except (IntegrityError, ValidationError):  # two at once: the other one created it
            found = Subscription.objects.get(**who, settlement=None)
            update_audited(found, actor=actor, lat=lat, lon=lon, radius_km=radius_km)
            return found


def subscribe_settlement(
    *, actor: Actor, settlement: Settlement, telegram: Any = None
) -> Subscription:
    """Subscribe a person to a settlement's flood alerts; subscribing twice changes nothing."""
    who = subscriber_of(actor, telegram)
    found = Subscription.objects.filter(**who, settlement=settlement).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return create_audited(Subscription, actor=actor, **who, settlement=settlement)
    except (IntegrityError, ValidationError):  # two at once: the other one created it
        return Subscription.objects.get(**who, settlement=settlement)


def unsubscribe(
    *, actor: Actor, subscription: Subscription | None = None, telegram: Any = None
) -> int:
    """Stop one of a person's subscriptions, or all of them; return how many stopped.

    Only the person's own: another's subscription is left as it is.
    """
    who = subscriber_of(actor, telegram)
    mine = Subscription.objects.filter(**who)
    if subscription is not None:
        mine = mine.filter(pk=subscription.pk)
    deleted, _kinds = mine.delete()
    return deleted


def _tell_subscriber(
    subscription: Subscription, key: str, compose: Callable[[], tuple[str, str]]
) -> bool:
    """Claim the alert for the subscriber, then send it; False if it went before.

    The claim comes first, so a retried task or a second worker never sends it twice.
    """
    try:
        with transaction.atomic():
            SubscriberAlert.objects.create(subscription=subscription, key=key[:80])
    except IntegrityError:
        return False
    return tell(
        user=subscription.user,
        telegram=subscription.telegram,
        key=f"{key}:{subscription.pk}",
        compose=compose,
    )


def tell_people_near(event_id: int) -> int:
    """Tell every subscriber whose place is within their radius of a confirmed fire, once.

    The distance is from the subscriber's place to the nearest point of the fire's
    extent. Return how many were told.
    """
    event = FireEvent.objects.select_related("region", "district").get(pk=event_id)
    if event.state != FireState.CONFIRMED:
        return 0
    pad_lat = MAX_RADIUS_KM * 1000 / 111_320
    pad_lon = pad_lat / max(0.2, math.cos(math.radians(event.lat)))
    candidates = Subscription.objects.filter(
        settlement=None,
        lat__gte=event.south - pad_lat,
        lat__lte=event.north + pad_lat,
        lon__gte=event.west - pad_lon,
        lon__lte=event.east + pad_lon,
    ).select_related("user", "telegram")
    told = 0
    for subscription in candidates:
        if subscription.lat is None or subscription.lon is None:
            continue  # not reached: the table's constraint gives a place a point
        km = fire_distance_m(event, subscription.lat, subscription.lon) / 1000
        if km > (subscription.radius_km or 0):
            continue

        def compose(km: float = km) -> tuple[str, str]:
            place = event.district.name if event.district else event.region.name
            return (
                _("Fire confirmed %(km)s km from you") % {"km": round(km)},
                _(
                    "A fire has been confirmed on the ground in %(place)s, about %(km)s km "
                    "from the place you follow. First seen from space: %(seen)s."
                )
                % {
                    "place": place,
                    "km": round(km),
                    "seen": timezone.localtime(event.first_seen).strftime("%d.%m.%Y %H:%M"),
                }
                + "\n"
                + str(FIRE_ADVICE)
                + "\n"
                + absolute_url(event),
            )

        if _tell_subscriber(subscription, f"fire:{event.pk}", compose):
            told += 1
    return told


def fire_distance_m(event: FireEvent, lat: float, lon: float) -> float:
    """Return the metres from a place to the nearest point of a fire's extent (0 inside it)."""
    return _metres(
        lat, lon, min(max(lat, event.south), event.north), min(max(lon, event.west), event.east)
    )


def tell_residents(change_ids: list[int]) -> int:
    """Tell the subscribers of each settlement a gauge governs of its new level, once each."""
    told = 0
    for change in LevelChange.objects.filter(pk__in=change_ids).select_related("gauge"):
        subscriptions = Subscription.objects.filter(settlement__gauge=change.gauge).select_related(
            "user", "telegram", "settlement"
        )
        for subscription in subscriptions:

            def compose(s: Subscription = subscription, c: LevelChange = change) -> tuple[str, str]:
                gauge = c.gauge
                return (
                    _("Flood warning for %(place)s") % {"place": s.settlement},
                    _(
                        "The %(river)s at %(gauge)s is %(level)s: %(cm)s cm "
                        "(danger mark %(danger)s cm)."
                    )
                    % {
                        "river": gauge.river,
                        "gauge": gauge.name,
                        "level": WarningLevel(c.level).label,
                        "cm": round(c.level_cm),
                        "danger": round(gauge.danger_cm),
                    }
                    + "\n"
                    + str(FLOOD_ADVICE[WarningLevel(c.level)])
                    + "\n"
                    + absolute_url(gauge),
                )

            if _tell_subscriber(subscription, f"flood:{change.pk}", compose):
                told += 1
    return told


# -- protected areas ------------------------------------------------------------------------

MAX_AREAS = 2000
AREA_FIELDS = ("code", "name_kk", "name_ru", "name_en", "kind")


@dataclass
class AreaProblem:
    feature: int  # 1-based, as a person counts
    field: str
    message: str


class AreasRefused(HazardError):
    """Refuse a protected areas' file, with every feature at fault; nothing of it is saved."""

    def __init__(self, problems: list[AreaProblem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(
            _("Feature %(n)s, %(field)s: %(message)s")
            % {"n": first.feature, "field": first.field, "message": first.message},
            field="file",
        )


def _area_values(index: int, feature: Any, problems: list[AreaProblem]) -> dict[str, Any] | None:
    """Check one GeoJSON feature; return the area's values, or None with the problems noted."""

    def problem(field: str, message: str) -> None:
        problems.append(AreaProblem(index, field, message))

    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        problem("properties", _("A feature with properties is expected."))
        return None
    props = feature["properties"]
    values: dict[str, Any] = {}
    for name in AREA_FIELDS:
        text = props.get(name)
        if not isinstance(text, str) or not text.strip():
            problem(name, _("Required."))
            continue
        limit = max_length(ProtectedArea, name)
        if len(text.strip()) > limit:
            problem(name, _("At most %(n)s characters.") % {"n": limit})
            continue
        values[name] = text.strip()
    if "kind" in values and values["kind"] not in AreaKind.values:
        problem("kind", _("One of: %(kinds)s.") % {"kinds": ", ".join(AreaKind.values)})
    if "code" in values and not all(c.isalnum() or c in "-_" for c in values["code"]):
        problem("code", _("Letters, digits, hyphens and underscores only."))
    try:
        outline = read_outline(feature.get("geometry"))
    except OutlineError as exc:
        problem("geometry", _("Not a valid polygon: %(why)s.") % {"why": exc})
        return None
    try:
        place = default_locator().locate(outline.centroid.y, outline.centroid.x)
    except DomainError as exc:
        problem("geometry", exc.message)
        return None
    west, south, east, north = outline.bounds
    values.update(
        region_code=place.region_code,
        geometry=feature["geometry"],
        west=west,
        south=south,
        east=east,
        north=north,
        area_ha=round(area_ha(outline), 1),
        approximate=props.get("approximate") is True,
        source=str(props.get("source") or "")[:300],
    )
    admin = props.get("administration")
    if admin is not None:
        names = ("code", "name_kk", "name_ru", "name_en")
        limits = {"code": 32, "name_kk": 200, "name_ru": 200, "name_en": 200}
        if not isinstance(admin, dict) or not all(
            isinstance(admin.get(n), str) and 0 < len(admin[n].strip()) <= limits[n] for n in names
        ):
            problem(
                "administration",
                _("Give its code (up to 32 characters) and its name in kk, ru and en."),
            )
        else:
            values["administration"] = {n: admin[n].strip() for n in names}
    return values


@transaction.atomic
def import_areas(text: str | bytes, *, actor: Actor) -> tuple[int, int]:
    """Load protected areas from a GeoJSON FeatureCollection; return (created, updated).

    Administrators only (or the system, loading the demo). Every feature is checked
    first (its code, names in three languages, kind, a valid polygon in Kazakhstan, the
    administration's code and names); one at fault refuses the file and nothing is saved.
    An area is found again by its code, so loading a corrected file updates it; its
    administration becomes a body of the kind "protected area or forestry institution"
    under the forestry committee.
    """
    if actor is not SYSTEM and not scope_of(actor).is_admin:
        raise Forbidden(_("Only administrators load protected areas."))
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise HazardError(_("The file is not GeoJSON."), field="file") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise HazardError(_("A GeoJSON FeatureCollection is expected."), field="file")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise HazardError(_("The file has no features."), field="file")
    if len(features) > MAX_AREAS:
        raise HazardError(_("At most %(n)s areas in one file.") % {"n": MAX_AREAS}, field="file")
    problems: list[AreaProblem] = []
    checked = [_area_values(i, f, problems) for i, f in enumerate(features, start=1)]
    codes = [v["code"] for v in checked if v and "code" in v]
    for code in {c for c in codes if codes.count(c) > 1}:
        problems.append(AreaProblem(0, "code", _("%(code)s is given twice.") % {"code": code}))
    admins = {
        i: v["administration"]["code"]
        for i, v in enumerate(checked, 1)
        if v and "administration" in v
    }
    taken = set(
        Body.objects.filter(code__in=admins.values())
        .exclude(kind=BodyKind.NATURE_INSTITUTION)
        .values_list("code", flat=True)
    )
    for i, code in admins.items():
        if code in taken:
            problems.append(
                AreaProblem(
                    i,
                    "administration",
                    _("%(code)s is the code of another kind of body.") % {"code": code},
                )
            )
    if problems:
        raise AreasRefused(problems)
    regions = {r.code: r for r in Region.objects.all()}
    committee = Body.objects.filter(code="KLHZhM").first()
    created = updated = 0
    for values in checked:
        assert values is not None  # noqa: S101 (problems above refused the file otherwise)
        region = regions[values.pop("region_code")]
        admin = values.pop("administration", None)
        if admin is not None:
            values["administration"], _new = upsert_audited(
                Body,
                lookup={"code": admin.pop("code")},
                values={
                    **admin,
                    "kind": BodyKind.NATURE_INSTITUTION,
                    "region": region,
                    "parent": committee,
                },
                actor=actor,
                reason=gettext_noop("Protected areas loaded"),
            )
        _area, was_created = upsert_audited(
            ProtectedArea,
            lookup={"code": values.pop("code")},
            values={**values, "region": region, "active": True},
            actor=actor,
            reason=gettext_noop("Protected areas loaded"),
        )
        created += was_created
        updated += not was_created
    return created, updated


# -- the akimats' flood-season work ---------------------------------------------------------

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
# A season's work may be entered or corrected for this many years, this one included.
EDITABLE_YEARS = 6


@transaction.atomic
def record_preparedness(
    *,
    actor: Actor,
    region: Region,
    district: District | None,
    year: int,
    figures: dict[str, Any],
    source: str = "",
    evidence_url: str = "",
    evidence: tuple[str, bytes] | None = None,
) -> Preparedness:
    """Enter or correct an akimat's season work for a year, with its evidence; audited.

    The regional akimat's staff enter the region's own work (no district), a district
    akimat's staff their district's; the region's figures are the sum. The first entry
    needs evidence (a file of a document's kind, or a link); a correction keeps the
    earlier evidence unless new is given.
    """
    if district is not None and district.region_id != region.pk:
        raise HazardError(_("The district lies in another region."), field="district")
    scope = scope_of(actor)
    own = region.pk in scope.regions if district is None else scope.covers(region.pk, district.pk)
    if not (scope.is_admin or own):
        raise Forbidden(_("Only the akimat's own staff enter its flood-season work."))
    this_year = timezone.localdate().year
    if not this_year - EDITABLE_YEARS < year <= this_year:
        raise HazardError(
            _("Enter the work of this year or the %(n)s before it.") % {"n": EDITABLE_YEARS - 1},
            field="year",
        )
    unknown = set(figures) - set(PREPAREDNESS_FIELDS)
    if unknown:
        raise HazardError(_("No such figure."), field=sorted(unknown)[0])
    existing = (
        Preparedness.objects.select_for_update()
        .filter(region=region, district=district, year=year)
        .first()
    )
    content = b""
    kind = None
    if evidence is not None:
        _name, content = evidence
        kind = kind_of(content) if len(content) <= MAX_EVIDENCE_BYTES else None
        if kind is None:
            raise HazardError(
                _("The evidence must be a PDF, an image or an office document of at most 20 MB."),
                field="evidence",
            )
    has_evidence = bool(
        evidence or evidence_url or (existing and (existing.evidence or existing.evidence_url))
    )
    if not has_evidence:
        raise HazardError(_("Attach the evidence: a file or a link."), field="evidence")
    values: dict[str, Any] = {**figures, "source": source[:300], "updated_at": timezone.now()}
    if evidence_url:
        values["evidence_url"] = evidence_url
    if existing is None:
        entry = create_audited(
            Preparedness, actor=actor, region=region, district=district, year=year, **values
        )
    else:
        update_audited(existing, actor=actor, **values)
        entry = existing
    if kind is not None:
        entry.evidence.save(private_name(kind), ContentFile(content), save=False)
        entry.save(update_fields=["evidence"])
        record(
            obj=entry,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={"evidence": [None, entry.evidence.name]},
        )
    return entry


def set_settlement(
    *,
    actor: Actor,
    settlement: Settlement,
    status: str,
    shelter_places: int,
    evacuation_points: int,
) -> Settlement:
    """Change a settlement's risk status and shelters: its akimat's staff only; audited."""
    if not can_change(actor, settlement):
        raise Forbidden(_("Only the akimat's own staff change its settlements."))
    if status not in RiskStatus.values:
        raise HazardError(_("No such status."), field="status")
    update_audited(
        settlement,
        actor=actor,
        status=status,
        shelter_places=shelter_places,
        evacuation_points=evacuation_points,
    )
    return settlement
