"""Demo reports: a year of citizens' appeals shaped by the figures in the seeds.

Rows are written in bulk (hundreds of thousands take minutes, not hours), with the
same routing, H3 cells and deadlines the intake service gives, and one audit entry
each. They are marked channel "import" with a message id ``demo-<seed>-<n>``, so a
second run finds them and adds nothing.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

import h3
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from taza.audit.services import record_created
from taza.bodies.models import Body
from taza.demo.facts import (
    APPEALS_JAN_JUL_2025,
    CATEGORY_COUNTS_JAN_JUL_2025,
    DISPUTED_CLOSURES_JAN_JUL_2025,
    EXECUTED_SHARE_JAN_JUL_2025,
    OVERDUE_JAN_JUL_2025,
    region_weights,
)
from taza.demo.spread import spread
from taza.geo.lookup import default_locator
from taza.geo.models import District, Region
from taza.reports.choices import Channel, ReportState
from taza.reports.models import Report, ServiceCategory
from taza.reports.services import H3_RESOLUTION, route
from taza.reports.stats import rebuild_all

BATCH = 2000
# The seed names three categories' counts; the rest of the 11,966 is Taza's estimate.
CATEGORY_WEIGHTS = CATEGORY_COUNTS_JAN_JUL_2025 | {
    "overflowing_container": 2500,
    "illegal_dump": 1800,
    "green_spaces": 900,
    "waste_burning": 600,
    "waste_water_discharge": 300,
    "other": 702,
}
DESCRIPTIONS = {
    "territory_cleaning": ["Мусор во дворе не убирают", "Аула қоқыспен толып кетті"],
    "household_waste_removal": ["Мусор не вывозят третий день", "Қоқыс үш күннен бері шығарылмады"],
    "street_improvement": ["Сломана скамейка на остановке", "Тротуар бұзылған"],
    "overflowing_container": ["Контейнеры переполнены", "Контейнерлер толып кеткен"],
    "illegal_dump": ["Строительный мусор за гаражами", "Жол жиегінде заңсыз қоқыс үйіндісі"],
    "green_spaces": ["Вырубили деревья во дворе", "Ағаштар кесілді"],
    "waste_burning": ["Жгут мусор, сильный дым", "Қоқыс өртеліп жатыр"],
    "waste_water_discharge": ["Сточные воды текут в арык", "Ағынды су арыққа ағып жатыр"],
    "other": ["Другая проблема", "Басқа мәселе"],
}


def _pick_state(rng: random.Random) -> str:
    """Draw a state with the shares the seeds report (93.5% executed, a few still open)."""
    roll = rng.random()
    if roll < EXECUTED_SHARE_JAN_JUL_2025 - 0.04:
        return ReportState.CLOSED
    if roll < EXECUTED_SHARE_JAN_JUL_2025:
        return ReportState.RESOLVED
    if roll < EXECUTED_SHARE_JAN_JUL_2025 + 0.01:
        return ReportState.REJECTED
    return rng.choice([ReportState.NEW, ReportState.ACCEPTED, ReportState.IN_PROGRESS])


def point_in(geometry: shapely.Geometry, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = geometry.bounds
    for _ in range(1000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(geometry, x, y):
            return y, x
    point = geometry.representative_point()
    return point.y, point.x


@transaction.atomic
def generate_reports(*, count: int, seed: int, now: datetime | None = None) -> int:
    """Create up to ``count`` demo reports; return how many were new."""
    now = now or timezone.now()
    rng = random.Random(seed * 7919 + 1)
    prefix = f"demo-{seed}-"
    done = set(
        Report.objects.filter(
            channel=Channel.IMPORT, channel_message_id__startswith=prefix
        ).values_list("channel_message_id", flat=True)
    )
    used_ids = set(Report.objects.values_list("public_id", flat=True))
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    codes = [c for c in CATEGORY_WEIGHTS if c in categories]
    weights = [CATEGORY_WEIGHTS[c] for c in codes]
    regions = {r.code: r for r in Region.objects.all()}
    districts = {d.code: d for d in District.objects.select_related("region")}
    bodies = {b.code: b for b in Body.objects.filter(code__startswith="AKIMAT-")}
    locator = default_locator()
    # Cities draw most appeals: weigh a city or urban district six times a rural district.
    by_region: dict[str, tuple[list[int], list[float]]] = {}
    for i, code in enumerate(locator.district_codes):
        region = locator.region_codes[locator.district_region[i]]
        items, w = by_region.setdefault(region, ([], []))
        items.append(i)
        w.append(1.0 if districts[code].kind == "district" else 6.0)

    overdue_share = OVERDUE_JAN_JUL_2025 / APPEALS_JAN_JUL_2025
    dispute_share = DISPUTED_CLOSURES_JAN_JUL_2025 / APPEALS_JAN_JUL_2025
    rows: list[Report] = []
    number = 0
    created = 0
    for region_code, n in sorted(spread(count, region_weights()).items()):
        items, w = by_region[region_code]
        lateness = 1.0 + 0.25 * random.Random(region_code).random()
        for _ in range(n):
            number += 1
            message_id = f"{prefix}{number}"
            index = rng.choices(items, w)[0]
            lat, lon = point_in(locator.district_geoms[index], rng)
            category = categories[rng.choices(codes, weights)[0]]
            created_at = now - timedelta(days=rng.uniform(0, 365), minutes=rng.uniform(0, 1440))
            state = _pick_state(rng)
            public_id = f"{rng.randrange(10_000_000, 100_000_000)}"
            while public_id in used_ids:
                public_id = f"{rng.randrange(10_000_000, 100_000_000)}"
            disputed = state == ReportState.CLOSED and rng.random() < dispute_share
            if message_id in done:
                continue
            used_ids.add(public_id)
            district = districts[locator.district_codes[index]]
            body = route(category, regions[region_code], district)
            body = bodies.get(body.code, body)
            report = _demo_report(
                rng,
                category,
                state,
                created_at,
                now,
                lat,
                lon,
                district,
                body,
                disputed,
                overdue_share,
                lateness,
            )
            report.public_id = public_id
            report.channel_message_id = message_id
            rows.append(report)
            if len(rows) >= BATCH:
                created += _flush(rows)
    created += _flush(rows)
    if created:
        rebuild_all()
    return created


def _demo_report(
    rng: random.Random,
    category: ServiceCategory,
    state: str,
    created_at: datetime,
    now: datetime,
    lat: float,
    lon: float,
    district: District,
    body: Body,
    disputed: bool,
    overdue_share: float,
    lateness: float = 1.1,
) -> Report:
    # Most akimats resolve within the deadline; some run late more often than others
    # (``lateness`` is the region's, from 1.0 to 1.25 of the time allowed).
    hours_to_resolve = rng.uniform(2, category.resolve_hours * lateness)
    resolved_at = created_at + timedelta(hours=hours_to_resolve)
    finished = state in (ReportState.CLOSED, ReportState.RESOLVED)
    if finished and resolved_at > now:
        resolved_at = now - timedelta(minutes=1)
    open_state = state in (ReportState.NEW, ReportState.ACCEPTED, ReportState.IN_PROGRESS)
    deadline_hours = category.accept_hours if state == ReportState.NEW else category.resolve_hours
    deadline = (now if open_state else created_at) + timedelta(hours=deadline_hours)
    overdue = open_state and rng.random() < overdue_share * 20
    if overdue:
        deadline = now - timedelta(hours=rng.uniform(1, 48))
    return Report(
        category=category,
        description=rng.choice(DESCRIPTIONS[category.code]),
        lat=lat,
        lon=lon,
        h3_cell=h3.latlng_to_cell(lat, lon, H3_RESOLUTION),
        region_id=district.region_id,
        district=district,
        body=body,
        state=state,
        deadline_at=None if state in (ReportState.CLOSED, ReportState.REJECTED) else deadline,
        is_overdue=overdue,
        escalated_at=deadline if overdue else None,
        dispute_count=1 if disputed else 0,
        created_at=created_at,
        updated_at=resolved_at if finished else created_at,
        resolved_at=resolved_at if finished else None,
        resolved_late=finished and hours_to_resolve > category.resolve_hours,
        closed_at=resolved_at if state == ReportState.CLOSED else None,
        channel=Channel.IMPORT,
        reporter_name="",
        reporter_token=secrets.token_urlsafe(32),
        language=rng.choice(["kk", "ru"]),
    )


def _flush(rows: list[Report]) -> int:
    if not rows:
        return 0
    Report.objects.bulk_create(rows, batch_size=BATCH)
    # bulk_create gives primary keys back on PostgreSQL and SQLite alike.
    record_created(rows, reason=gettext_noop("Demo data set"), fields=("state", "channel"))
    n = len(rows)
    rows.clear()
    return n
