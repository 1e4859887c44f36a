"""Demo wildfires: FIRMS-shaped hotspots over the last days, run through the real ingest.

Fires in the pine forests of Abai region (where the 2023 Semey forest fire burned), in
the steppe of Kostanay and in the Ile delta, a gas flare near Atyrau that the heat-source
layer keeps out, and low-confidence noise; one fire confirmed and one extinguished by
the district akimat, one dismissed as a false alarm.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from taza.accounts.models import Role, User
from taza.hazards.choices import FireState, HeatSourceKind
from taza.hazards.firms import Hotspot
from taza.hazards.models import FireEvent, HeatSource
from taza.hazards.services import ingest, step

# (lat, lon, hotspots, hours ago): places of fires, as VIIRS would see them.
FIRES = [
    (50.42, 80.25, 14, 30),  # Abai region, pine forest
    (50.30, 80.05, 6, 8),
    (52.10, 63.40, 9, 50),  # Kostanay steppe
    (45.40, 74.20, 5, 3),  # Ile delta reeds
]
FLARE = (47.12, 51.93)  # a gas flare by Atyrau


def _hotspot(rng: random.Random, lat: float, lon: float, at: datetime, conf: str) -> Hotspot:
    return Hotspot(
        lat=round(lat + rng.uniform(-0.006, 0.006), 4),
        lon=round(lon + rng.uniform(-0.006, 0.006), 4),
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


def generate_hazards(seed: int = 2026) -> int:
    """Make the demo fires once; return how many fire events there are."""
    if FireEvent.objects.exists():
        return FireEvent.objects.count()
    rng = random.Random(seed)
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
    fires = list(FireEvent.objects.order_by("first_seen"))
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


def _operator_of(fire: FireEvent) -> User | None:
    """Return the demo operator of the fire's akimat, who acts on it."""
    return User.objects.filter(
        role_assignments__role=Role.OPERATOR, role_assignments__body=fire.body
    ).first()
