"""Write reports and targets straight into the database, for rule tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from taza.bodies.models import Body
from taza.geo.models import Region
from taza.programme.choices import ReportSource, ReportStatus, TargetSource
from taza.programme.models import ExecutorReport, Measure, MeasureTarget


def akimat(code: str) -> Body:
    return Body.objects.get(code=f"AKIMAT-{code}")


def put_report(
    number: int,
    *,
    region: str | None = None,
    body: str | None = None,
    year: int = 2025,
    period: str = "Y",
    assessment: str = "done",
    fact: float | None = None,
    status: str = ReportStatus.ACCEPTED,
    submitted: date | None = None,
) -> ExecutorReport:
    submitted = submitted or date(year + 1 if period == "Y" else year, 1 if period == "Y" else 7, 5)
    return ExecutorReport.objects.create(
        measure=Measure.objects.get(number=number),
        body=akimat(region) if region else Body.objects.get(code=body),
        region=Region.objects.get(code=region) if region else None,
        year=year,
        period=period,
        text="test",
        fact_value=None if fact is None else Decimal(str(fact)),
        assessment=assessment,
        status=status,
        source=ReportSource.WEB,
        submitted_at=datetime.combine(submitted, datetime.min.time(), tzinfo=UTC),
    )


def put_target(number: int, year: int, value: float, region: str | None = None) -> MeasureTarget:
    target, _created = MeasureTarget.objects.update_or_create(
        measure=Measure.objects.get(number=number),
        region=Region.objects.get(code=region) if region else None,
        year=year,
        defaults={"value": Decimal(str(value)), "source": TargetSource.DEMO},
    )
    return target


def all_regions_report(number: int, year: int, period: str, **kwargs: object) -> None:
    for region in Region.objects.all():
        put_report(number, region=region.code, year=year, period=period, **kwargs)
