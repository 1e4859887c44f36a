"""Statistics of reports: rollups kept up to date, and the figures read from them.

Every write to a report marks its day dirty (one tiny upsert). ``refresh_dirty_days``
rebuilds the rollup rows of dirty days with one GROUP BY per day; a periodic task
runs it every minute, and the statistics page runs it first, so the figures are never
stale. The page then sums rollup rows: about 65,000 a year, whatever the number of
reports.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from taza.core.dates import day_bounds, local_day
from taza.reports.choices import OPEN_STATES, ReportState
from taza.reports.models import (
    BUCKETS,
    HOUR_EDGES,
    DirtyDay,
    DistrictRollup,
    Report,
    ReportRollup,
)

STATE_FIELDS = [s.value for s in ReportState]
# The rollup columns a figure sums.
SUMMED = ["total", "overdue", "ever_disputed", *STATE_FIELDS, *BUCKETS]


def mark_dirty(moment: datetime) -> None:
    """Note that the reports of this moment's day changed."""
    DirtyDay.objects.bulk_create([DirtyDay(day=local_day(moment))], ignore_conflicts=True)


@transaction.atomic
def rebuild_day(day: date) -> int:
    """Rebuild the rollup rows of one day from its reports; return how many rows."""
    start, end = day_bounds(day)
    reports = Report.objects.filter(created_at__gte=start, created_at__lt=end)
    counts = reports.values("region_id", "district_id", "category_id").annotate(
        total=Count("id"),
        overdue=Count("id", filter=Q(is_overdue=True, state__in=OPEN_STATES)),
        ever_disputed=Count("id", filter=Q(dispute_count__gt=0)),
        **{state: Count("id", filter=Q(state=state)) for state in STATE_FIELDS},
    )
    hist: dict[tuple[int, int | None, int], list[int]] = {}
    for region_id, district_id, category_id, created, resolved in reports.filter(
        resolved_at__isnull=False
    ).values_list("region_id", "district_id", "category_id", "created_at", "resolved_at"):
        if resolved is None:
            continue
        hours = (resolved - created).total_seconds() / 3600
        key = (region_id, district_id, category_id)
        buckets = hist.setdefault(key, [0] * len(BUCKETS))
        buckets[bisect.bisect_right(HOUR_EDGES, hours)] += 1
    ReportRollup.objects.filter(day=day).delete()
    DistrictRollup.objects.filter(day=day).delete()
    empty = [0] * len(BUCKETS)
    by_district = []
    by_region: dict[tuple[int, int], dict[str, int]] = {}
    for row in counts:
        key = (row["region_id"], row["district_id"], row["category_id"])
        values = {**row, **dict(zip(BUCKETS, hist.get(key, empty), strict=True))}
        by_district.append(DistrictRollup(day=day, **values))
        # The region's row is the sum of its districts' rows.
        values.pop("district_id")
        into = by_region.setdefault(
            (row["region_id"], row["category_id"]), dict.fromkeys(values, 0)
        )
        for name, value in values.items():
            into[name] = value if name in ("region_id", "category_id") else into[name] + value
    DistrictRollup.objects.bulk_create(by_district)
    ReportRollup.objects.bulk_create([ReportRollup(day=day, **v) for v in by_region.values()])
    return len(by_district)


def refresh_dirty_days() -> int:
    """Rebuild every dirty day; safe to run from several workers at once."""
    done = 0
    for day in list(DirtyDay.objects.values_list("day", flat=True)):
        with transaction.atomic():
            # Unmark first: a change that lands while we rebuild marks the day again.
            if DirtyDay.objects.filter(day=day).delete()[0] == 0:
                continue  # another worker took it
        rebuild_day(day)
        done += 1
    return done


def rebuild_all(days: Iterable[date] | None = None) -> int:
    """Rebuild the rollups of the given days, or of every day that has reports."""
    if days is None:
        days = {local_day(m) for m in Report.objects.datetimes("created_at", "day")}
    return sum(rebuild_day(day) for day in days)


def median_hours(buckets: list[int]) -> float | None:
    """Estimate the median from bucket counts, interpolating inside the middle bucket."""
    total = sum(buckets)
    if not total:
        return None
    half, seen = total / 2, 0
    edges = [0.0, *map(float, HOUR_EDGES)]
    for i, count in enumerate(buckets):
        if seen + count >= half and count:
            low = edges[i]
            high = edges[i + 1] if i + 1 < len(edges) else low * 2
            return round(low + (high - low) * (half - seen) / count, 1)
        seen += count
    return None


@dataclass
class Figures:
    total: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0
    rejected: int = 0
    ever_disputed: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))

    @property
    def done_share(self) -> float | None:
        return round(self.done / self.total, 4) if self.total else None

    @property
    def overdue_share(self) -> float | None:
        return round(self.overdue / self.open, 4) if self.open else None

    @property
    def median_hours_to_resolve(self) -> float | None:
        return median_hours(self.buckets)

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "done": self.done,
            "done_share": self.done_share,
            "open": self.open,
            "overdue": self.overdue,
            "overdue_share": self.overdue_share,
            "rejected": self.rejected,
            "disputed": self.ever_disputed,
            "median_hours_to_resolve": self.median_hours_to_resolve,
            "by_state": self.by_state,
        }


def _add(figures: Figures, row: dict[str, int]) -> None:
    figures.total += row["total"] or 0
    figures.done += (row["resolved"] or 0) + (row["closed"] or 0)
    figures.open += sum(row[s] or 0 for s in OPEN_STATES)
    figures.overdue += row["overdue"] or 0
    figures.rejected += row["rejected"] or 0
    figures.ever_disputed += row["ever_disputed"] or 0
    for state in STATE_FIELDS:
        figures.by_state[state] = figures.by_state.get(state, 0) + (row[state] or 0)
    for i, name in enumerate(BUCKETS):
        figures.buckets[i] += row[name] or 0


@dataclass
class Statistics:
    overall: Figures
    by_region: dict[int, Figures]
    by_category: dict[int, Figures]
    # Keyed by district id; None holds reports outside every district's outline.
    by_district: dict[int | None, Figures] = field(default_factory=dict)
    # The first day of each month with reports, in order.
    by_month: list[tuple[date, Figures]] = field(default_factory=list)


# Figures are kept in the cache this long at most; a change of the rollups makes a new
# key at once (see ``rollups_version``), so they are never stale.
CACHE_SECONDS = 600


def rollups_version() -> str:
    """Return a mark that changes whenever rollup rows are rebuilt, in one cheap query.

    A rebuild deletes a day's rows and inserts new ones, whose ids are higher than any
    before: the highest id and the number of rows together change with every rebuild.
    """
    mark = ReportRollup.objects.aggregate(top=Max("id"), rows=Count("id"))
    return f"{mark['top']}-{mark['rows']}"


def statistics(
    *,
    since: date | None = None,
    until: date | None = None,
    region_id: int | None = None,
    districts: bool = False,
) -> Statistics:
    """Return the figures for a period (days, inclusive) and optionally one region.

    Overall, by region and category come from one GROUP BY over the per-region rollups,
    by month of filing from a second; by district (when asked) from a third over the
    per-district rollups, which hold about ten times as many rows. The answer is cached
    under the rollups' version, so a page read many times a minute sums them once.
    """
    refresh_dirty_days()
    key = f"taza:statistics:{rollups_version()}:{since}:{until}:{region_id}:{districts}"
    found: Statistics | None = cache.get(key)
    if found is None:
        found = _statistics(since, until, region_id, districts)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _statistics(
    since: date | None, until: date | None, region_id: int | None, districts: bool
) -> Statistics:
    sums = {name: Sum(name) for name in SUMMED}
    rows = _period(ReportRollup.objects.all(), since, until, region_id)
    overall = Figures()
    by_region: dict[int, Figures] = {}
    by_category: dict[int, Figures] = {}
    for row in rows.values("region_id", "category_id").annotate(**sums).order_by():
        _add(by_region.setdefault(row["region_id"], Figures()), row)
        _add(by_category.setdefault(row["category_id"], Figures()), row)
        _add(overall, row)
    months: dict[date, Figures] = {}
    for row in rows.annotate(month=TruncMonth("day")).values("month").annotate(**sums).order_by():
        _add(months.setdefault(row["month"], Figures()), row)
    by_district: dict[int | None, Figures] = {}
    if districts:
        detail = _period(DistrictRollup.objects.all(), since, until, region_id)
        for row in detail.values("district_id").annotate(**sums).order_by():
            _add(by_district.setdefault(row["district_id"], Figures()), row)
    return Statistics(overall, by_region, by_category, by_district, sorted(months.items()))


def overall_figures() -> Figures:
    """Return the figures of every report ever filed, in one sum (for the home page)."""
    refresh_dirty_days()
    key = f"taza:overall:{rollups_version()}"
    figures: Figures | None = cache.get(key)
    if figures is None:
        figures = Figures()
        _add(figures, ReportRollup.objects.aggregate(**{name: Sum(name) for name in SUMMED}))
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def _period(
    rows: QuerySet[Any], since: date | None, until: date | None, region_id: int | None
) -> QuerySet[Any]:
    if since:
        rows = rows.filter(day__gte=since)
    if until:
        rows = rows.filter(day__lte=until)
    if region_id:
        rows = rows.filter(region_id=region_id)
    return rows
