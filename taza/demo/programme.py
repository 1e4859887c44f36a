"""Demo regional plans and executors' reports for 2025 and the first half of 2026.

Most regions meet their plans; the three the Prime Minister named in February 2026
(seeds 000/001) miss theirs on the measures he named, so the lagging list the system
produces can be checked against the one he read out:

* Almaty Region: irrigation and water saving (7), grants and NGO funding (57);
* Ulytau Region: no inventory of green spaces (5), no reverse-vending machines (13),
  no digitalised water supply (3);
* Abai Region: green infrastructure below plan (6), no cultural events (48).

Rows are bulk-written with one audit entry each, as the demo reports are.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_noop

from taza.audit.services import record_created
from taza.bodies.models import Body, BodyKind
from taza.geo.models import Region
from taza.programme.choices import Assessment, Period, ReportSource, ReportStatus, TargetSource
from taza.programme.models import ExecutorReport, Measure, MeasureTarget
from taza.programme.status import PlanSnapshot, due_date

REASON = gettext_noop("Demo data set")
YEARS = (2025, 2026)
# Regional yearly targets for countable measures: a base per region, scaled by weight.
TARGET_BASES = {6: 60000, 13: 8, 7: 6, 57: 5, 48: 12, 3: 2, 15: 1500, 55: 1, 19: 1}
SCRIPTED: dict[tuple[str, int], tuple[str, Decimal | None]] = {
    ("KZ19", 7): (Assessment.NOT_DONE, Decimal("0.4")),
    ("KZ19", 57): (Assessment.NOT_DONE, Decimal("0.2")),
    ("KZ62", 5): (Assessment.IN_PROGRESS, None),
    ("KZ62", 13): (Assessment.NOT_DONE, Decimal(0)),
    ("KZ62", 3): (Assessment.NOT_DONE, Decimal(0)),
    ("KZ10", 6): (Assessment.NOT_DONE, Decimal("0.7")),
    ("KZ10", 48): (Assessment.NOT_DONE, Decimal(0)),
}
TEXTS: dict[str, str] = {
    Assessment.DONE: "Мероприятие исполнено в полном объеме. Подтверждающие документы приложены.",
    Assessment.IN_PROGRESS: "Работа ведется по утвержденному региональному плану.",
    Assessment.NOT_DONE: "Мероприятие не исполнено: работы не проведены, финансирование не "
    "выделено.",
}


def _weight(region: Region) -> Decimal:
    """Bigger regions plan more: a rough scale from the region's area."""
    return Decimal(max(0.4, min(2.5, region.area_km2 / 120000))).quantize(Decimal("0.01"))


def _at(day: date, rng: random.Random, late: bool) -> datetime:
    shift = rng.randint(3, 40) if late else -rng.randint(1, 20)
    return timezone.make_aware(datetime.combine(day + timedelta(days=shift), datetime.min.time()))


def generate_programme(*, seed: int = 2026, today: date | None = None) -> int:
    """Create the demo targets and reports once; return how many reports were made."""
    if ExecutorReport.objects.filter(source=ReportSource.DEMO).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    snap = PlanSnapshot.load(today)
    regions = {r.pk: r for r in snap.regions}
    targets: list[MeasureTarget] = []
    reports: list[ExecutorReport] = []
    existing: set[tuple[int, int, int | None, int, str]] = {
        (r.measure_id, r.body_id, r.region_id, r.year, r.period)
        for r in ExecutorReport.objects.all()
    }
    for measure in snap.measures:
        if measure.removed_on is not None:
            continue
        for region in regions.values():
            if not snap.applies_to(measure, region.pk):
                continue
            akimat = snap.akimats[region.pk]
            script = SCRIPTED.get((region.code, measure.number))
            base = TARGET_BASES.get(measure.number)
            for year in YEARS:
                if not measure.first_year <= year <= measure.last_year:
                    continue
                target = None
                if base is not None and measure.is_recurring:
                    target = (Decimal(base) * _weight(region)).quantize(Decimal(1))
                    targets.append(
                        MeasureTarget(
                            measure=measure,
                            region=region,
                            year=year,
                            value=target,
                            source=TargetSource.DEMO,
                        )
                    )
                for period in _periods(measure, year):
                    due = due_date(year, period)
                    if due > today:
                        continue
                    key = (measure.pk, akimat.pk, region.pk, year, period)
                    if key in existing or (script is None and rng.random() < 0.03):
                        continue  # a few reports are simply missing
                    reports.append(
                        _report(measure, akimat, region, year, period, target, script, due, rng)
                    )
        for executor in measure.executors.all():
            body = executor.body
            if body.kind == BodyKind.GROUP or body.region_id or executor.by_agreement:
                continue
            for year in YEARS:
                if not measure.first_year <= year <= measure.last_year:
                    continue
                for period in _periods(measure, year):
                    due = due_date(year, period)
                    if due > today or (measure.pk, body.pk, None, year, period) in existing:
                        continue
                    reports.append(_report(measure, body, None, year, period, None, None, due, rng))
    MeasureTarget.objects.bulk_create(targets, ignore_conflicts=True)
    ExecutorReport.objects.bulk_create(reports, batch_size=500)
    record_created(reports, reason=REASON, fields=("status", "assessment"))
    return len(reports)


def _periods(measure: Measure, year: int) -> list[str]:
    if measure.is_recurring:
        return [Period.HALF_YEAR, Period.YEAR]
    return [Period.YEAR] if measure.due.year == year else []


def _report(
    measure: Measure,
    body: Body,
    region: Region | None,
    year: int,
    period: str,
    target: Decimal | None,
    script: tuple[str, Decimal | None] | None,
    due: date,
    rng: random.Random,
) -> ExecutorReport:
    fact = None
    if script is not None and (period == Period.YEAR or script[0] == Assessment.NOT_DONE):
        assessment, share = script
        if target is not None and share is not None:
            fact = (target * share).quantize(Decimal(1))
    else:
        if period == Period.YEAR:
            assessment = Assessment.DONE if rng.random() < 0.8 else Assessment.IN_PROGRESS
            if not measure.is_recurring:
                assessment = Assessment.DONE
        else:
            assessment = Assessment.IN_PROGRESS
        if target is not None:
            share = Decimal(rng.uniform(1.0, 1.25)) if period == Period.YEAR else Decimal("0.55")
            fact = (target * share).quantize(Decimal(1))
    recent = year == max(YEARS)
    status = ReportStatus.SUBMITTED if recent and rng.random() < 0.3 else ReportStatus.ACCEPTED
    return ExecutorReport(
        measure=measure,
        body=body,
        region=region,
        year=year,
        period=period,
        text=f"[Демо] {TEXTS[assessment]}",
        fact_value=fact,
        assessment=assessment,
        status=status,
        source=ReportSource.DEMO,
        submitted_at=_at(due, rng, late=rng.random() < 0.12),
        reviewed_at=None if status == ReportStatus.SUBMITTED else _at(due, rng, late=True),
    )
