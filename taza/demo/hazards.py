"""Demo wildfires: FIRMS-shaped hotspots over the last days, run through the real ingest.

Fires in the pine forests of Abai region (where the 2023 Semey forest fire burned, in the
Semey Ormany reserve), in the steppe of Kostanay and in the Ile delta (the Ile-Balkhash
reserve), a gas flare near Atyrau that the heat-source
layer keeps out, and low-confidence noise; one fire confirmed and one extinguished by
the district akimat, one dismissed as a false alarm.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from taza.accounts.models import Role, User
from taza.core.actors import SYSTEM
from taza.geo.models import Region
from taza.hazards.choices import FireState, HeatSourceKind
from taza.hazards.firms import Hotspot
from taza.hazards.models import FireEvent, Gauge, HeatSource, Preparedness, Settlement
from taza.hazards.services import (
    import_areas,
    ingest,
    ingest_levels,
    learn_heat_sources,
    step,
)

# (lat, lon, hotspots, hours ago): places of fires, as VIIRS would see them.
FIRES = [
    (50.42, 80.25, 14, 30),  # Abai region, pine forest
    (50.30, 80.05, 6, 8),
    (52.10, 63.40, 9, 50),  # Kostanay steppe
    (45.40, 74.20, 5, 3),  # Ile delta reeds
]
FLARE = (47.12, 51.93)  # a gas flare by Atyrau


def _hotspot(
    rng: random.Random, lat: float, lon: float, at: datetime, conf: str, spread: float = 0.006
) -> Hotspot:
    return Hotspot(
        lat=round(lat + rng.uniform(-spread, spread), 4),
        lon=round(lon + rng.uniform(-spread, spread), 4),
        acquired_at=at.replace(second=0, microsecond=0),
        satellite=rng.choice(["N", "N20", "N21"]),
        instrument="VIIRS",
        confidence=conf,
        brightness=round(rng.uniform(320, 367), 1),
        frp=round(rng.uniform(2, 40), 1),
        scan=0.4,
        track=0.37,
        daynight="D",
        version="2.0NRT",
    )


DEMO_AREAS = (
    Path(__file__).resolve().parents[1] / "hazards" / "data" / "demo_protected_areas.geojson"
)


def generate_hazards(seed: int = 2026) -> int:
    """Make the demo fires once; return how many fire events there are.

    The protected areas come first (approximate outlines, marked so), so the fires in
    the Semey pine forest and the Ile delta go to their administrations too.
    """
    if FireEvent.objects.exists():
        return FireEvent.objects.count()
    import_areas(DEMO_AREAS.read_bytes(), actor=SYSTEM)
    rng = random.Random(seed)
    _last_summer(rng)
    HeatSource.objects.get_or_create(
        name="Atyrau gas flare (demo)",
        defaults={
            "kind": HeatSourceKind.STATIC,
            "lat": FLARE[0],
            "lon": FLARE[1],
            "radius_m": 1500,
        },
    )
    now = timezone.now()
    hotspots = []
    for lat, lon, count, hours in FIRES:
        for i in range(count):
            at = now - timedelta(hours=hours) + timedelta(minutes=50 * i)
            hotspots.append(_hotspot(rng, lat, lon, min(at, now), "n" if i % 3 else "h"))
    hotspots += [_hotspot(rng, *FLARE, now - timedelta(hours=h), "h") for h in (5, 17, 29)]
    hotspots += [_hotspot(rng, 48.0, 70.0 + i, now - timedelta(hours=i), "l") for i in range(3)]
    ingest(hotspots, source="demo:VIIRS")
    fires = list(
        FireEvent.objects.filter(last_seen__gte=now - timedelta(days=7)).order_by("first_seen")
    )
    plan: list[tuple[str, Decimal | None]] = [
        (FireState.CONFIRMED, None),
        (FireState.EXTINGUISHED, Decimal("86.5")),
    ]
    plans: list[list[tuple[str, Decimal | None]]] = [
        plan,
        plan[:1],
        [(FireState.FALSE_ALARM, None)],
    ]
    for fire, steps in zip(fires, plans, strict=False):
        responder = _operator_of(fire)
        for to, burned in steps:
            if responder is not None:
                step(actor=responder, event=fire, to=to, burned_ha=burned)
    return len(fires)


# Last year's fire season, as FIRMS shows Kazakhstan's: steppe fires in the north and
# west from June, forest fires in the east in July and August. (lat, lon, month, day,
# hotspots, burned ha; None: dismissed as a false alarm.)
LAST_SUMMER = [
    (52.60, 62.90, 6, 12, 18, "1250"),  # Kostanay steppe
    (51.70, 64.40, 7, 3, 9, "410"),  # by Naurzum
    (50.38, 80.20, 7, 19, 25, "860"),  # Semey Ormany pine forest
    (49.95, 82.70, 7, 28, 7, "64.5"),  # East Kazakhstan, Ulba valley
    (53.20, 69.80, 8, 6, 4, None),  # Akmola: stubble burning on a farm, dismissed
    (50.90, 58.60, 8, 14, 12, "730"),  # Aktobe steppe
    (45.70, 74.60, 8, 22, 6, "95"),  # Ile delta reeds
    (52.10, 76.90, 9, 2, 5, "38"),  # Pavlodar
]
# A gas flare at Karachaganak (West Kazakhstan) that nobody listed: seen burning every
# month, dismissed each time, then learned as a persistent heat source.
UNLISTED_FLARE = (51.355, 53.205)


def _last_summer(rng: random.Random) -> None:
    """Make last year's season through the real ingest, closed as the responders did."""
    year = timezone.localdate().year - 1
    hotspots = []
    for lat, lon, month, day, count, _burned in LAST_SUMMER:
        start = datetime(year, month, day, 8, 20, tzinfo=UTC)
        for i in range(count):
            at = start + timedelta(hours=[0, 1.5, 12][i % 3] + 24 * (i // 3))
            hotspots.append(_hotspot(rng, lat, lon, at, "n" if i % 3 else "h"))
    for month in range(3, 13):  # ten days of the year: enough to be learned
        at = datetime(year, month, 9, 20, 40, tzinfo=UTC)
        hotspots.append(_hotspot(rng, *UNLISTED_FLARE, at, "h", spread=0.001))
    ingest(hotspots, source="demo:VIIRS")
    for fire in FireEvent.objects.filter(first_seen__year=year).order_by("first_seen"):
        responder = _operator_of(fire)
        if responder is None:
            continue
        burned = next(
            (
                b
                for lat, lon, *_rest, b in LAST_SUMMER
                if abs(fire.lat - lat) < 0.05 and abs(fire.lon - lon) < 0.05
            ),
            None,
        )
        if burned is None:
            step(actor=responder, event=fire, to=FireState.FALSE_ALARM, reason="")
            continue
        step(actor=responder, event=fire, to=FireState.CONFIRMED)
        step(actor=responder, event=fire, to=FireState.EXTINGUISHED, burned_ha=Decimal(burned))
    learn_heat_sources(now=datetime(year, 12, 31, tzinfo=UTC))


def _operator_of(fire: FireEvent) -> User | None:
    """Return the demo operator of the fire's akimat, who acts on it."""
    return User.objects.filter(
        role_assignments__role=Role.OPERATOR, role_assignments__body=fire.body
    ).first()


# River gauges. The Syr Darya at Zhosaly has its real marks (danger 665 cm, critical
# 770 cm); the others' marks are made up for the demo and say so in their names.
@dataclass(frozen=True)
class DemoGauge:
    code: str
    river: tuple[str, str, str]  # kk, ru, en
    name: tuple[str, str, str]
    region: str
    lat: float
    lon: float
    danger: int
    critical: int
    base: float  # the level ten days ago, cm
    rise: float  # cm an hour since
    upstream: str = ""  # the code of the gauge upstream, loaded before this one
    travel: int | None = None  # hours from it


GAUGES = [
    DemoGauge(
        "syrdarya-kyzylorda",
        ("Сырдария", "Сырдарья", "Syr Darya"),
        ("Қызылорда (демо)", "Кызылорда (демо)", "Kyzylorda (demo)"),
        "KZ43",
        44.85,
        65.50,
        600,
        700,
        380,
        0.8,
    ),
    # The Syr Darya flows from Kyzylorda down to Zhosaly: its forecast also reads the rise
    # upstream, which takes about a day and a half to come (a demo travel time).
    DemoGauge(
        "syrdarya-zhosaly",
        ("Сырдария", "Сырдарья", "Syr Darya"),
        ("Жосалы", "Жосалы", "Zhosaly"),
        "KZ43",
        45.49,
        64.08,
        665,
        770,
        520,
        0.4,
        upstream="syrdarya-kyzylorda",
        travel=36,
    ),
    DemoGauge(
        "ayagoz-ayagoz",
        ("Аягөз", "Аягоз", "Ayagoz"),
        ("Аягөз (демо)", "Аягоз (демо)", "Ayagoz (demo)"),
        "KZ10",
        47.96,
        80.44,
        350,
        420,
        250,
        0.45,
    ),
    DemoGauge(
        "shagan-shagan",
        ("Шаған", "Шаган", "Shagan"),
        ("Шаған (демо)", "Шаган (демо)", "Shagan (demo)"),
        "KZ10",
        50.40,
        79.60,
        300,
        380,
        120,
        0.45,
    ),
    DemoGauge(
        "ishim-petropavl",
        ("Есіл", "Ишим", "Ishim"),
        ("Петропавл (демо)", "Петропавловск (демо)", "Petropavl (demo)"),
        "KZ59",
        54.87,
        69.15,
        800,
        900,
        520,
        0.0,
    ),
    DemoGauge(
        "ilek-aktobe",
        ("Елек", "Илек", "Ilek"),
        ("Ақтөбе (демо)", "Актобе (демо)", "Aktobe (demo)"),
        "KZ15",
        50.28,
        57.21,
        400,
        480,
        210,
        -0.1,
    ),
]
# The 2026 flood-season check in Abai region (the seeds' news feed).
ABAI_2026 = {
    "dams_km": Decimal("42"),
    "riverbeds_km": Decimal("7"),
    "drainage_km": Decimal("4"),
    "snow_m3": 275_000,
    "people": 1_436,
    "machines": 543,
}
ABAI_SETTLEMENTS = {"eliminated": 3, "reduced": 22, "present": 39}


# Last year's spring flood in the north and east, by how far each river's crest rose
# over its danger mark (cm; below zero: it stayed under).
SPRING = {
    "ishim-petropavl": 110,
    "ilek-aktobe": 45,
    "shagan-shagan": 80,
    "ayagoz-ayagoz": -30,
}


def _last_spring(gauge: Gauge, over: int, now: datetime) -> None:
    """Send last March and April through the real ingest, a day at a time.

    Readings every six hours, cresting early in April: the level changes, forecasts and
    their checks of a real season come out of the same rules as today's.
    """
    year = timezone.localdate().year - 1
    start = datetime(year, 3, 1, 2, 0, tzinfo=UTC)
    low, crest = gauge.danger_cm - 250, gauge.danger_cm + over
    for day in range(61):
        rows = []
        for quarter in range(4):
            t = day + quarter / 4
            level = low + (crest - low) * math.exp(-(((t - 36) / 11) ** 2))
            at = start + timedelta(hours=24 * day + 6 * quarter)
            rows.append({"time": at.isoformat(), "level_cm": round(level, 1)})
        ingest_levels(gauge, rows, now=now)


def generate_floods(seed: int = 2026) -> int:
    """Make the demo gauges with ten days of readings through the real ingest, once."""
    if Gauge.objects.exists():
        return Gauge.objects.count()
    rng = random.Random(seed)
    regions = {r.code: r for r in Region.objects.all()}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for demo in GAUGES:
        gauge = Gauge.objects.create(
            code=demo.code,
            river_kk=demo.river[0],
            river_ru=demo.river[1],
            river_en=demo.river[2],
            name_kk=demo.name[0],
            name_ru=demo.name[1],
            name_en=demo.name[2],
            lat=demo.lat,
            lon=demo.lon,
            region=regions[demo.region],
            danger_cm=demo.danger,
            critical_cm=demo.critical,
            automatic=True,
            upstream=Gauge.objects.filter(code=demo.upstream).first() if demo.upstream else None,
            travel_hours=demo.travel,
        )
        hours = 240
        rows = [
            {
                "time": (now - timedelta(hours=hours - h)).isoformat(),
                "level_cm": round(demo.base + demo.rise * h + rng.uniform(-2, 2), 1),
                "ice": "drift" if demo.code == "ishim-petropavl" and h < 48 else "",
            }
            for h in range(hours + 1)
        ]
        if demo.code in SPRING:
            _last_spring(gauge, SPRING[demo.code], now)
        ingest_levels(gauge, rows, now=now + timedelta(minutes=1))
    abai = regions.get("KZ10")
    if abai is not None:
        Preparedness.objects.get_or_create(
            region=abai,
            district=None,
            year=timezone.localdate().year,
            defaults={**ABAI_2026, "source": "Abai region flood-season check, 2026 (news feed)"},
        )
        governing = Gauge.objects.filter(region=abai).first()
        number = 0
        for status, count in ABAI_SETTLEMENTS.items():
            for _i in range(count):
                number += 1
                Settlement.objects.create(
                    name=f"Абай облысы, елді мекен {number} (демо)",
                    region=abai,
                    gauge=governing,
                    status=status,
                    shelter_places=rng.choice([0, 50, 120, 300]),
                    evacuation_points=rng.choice([0, 1, 2]),
                )
    return Gauge.objects.count()
