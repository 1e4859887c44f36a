"""Campaign totals for any period and territory: a query over accepted results.

Only accepted results count; submitted ones are shown apart as awaiting review, so a
figure an analyst has not seen never reaches the national total.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from taza.campaigns.choices import EventStatus, ResultStatus
from taza.campaigns.models import FIGURE_FIELDS, RECYCLED_FIELDS, Event, EventResult
from taza.core.exports import append_row, csv_safe
from taza.geo.models import Region

FIGURES = (
    "events",
    "participants",
    "volunteers",
    "tonnes_collected",
    "tonnes_recycled",
    "hectares_cleaned",
    "trees_planted",
)


def figure_labels() -> dict[str, str]:
    return {
        "events": _("events"),
        "participants": _("participants"),
        "volunteers": _("volunteers"),
        "tonnes_collected": _("tonnes collected"),
        "tonnes_recycled": _("tonnes recycled"),
        "hectares_cleaned": _("hectares cleaned"),
        "trees_planted": _("trees planted"),
    }


@dataclass
class Totals:
    figures: dict[str, Any]
    by_region: list[tuple[Region, dict[str, Any]]] = field(default_factory=list)
    by_month: list[tuple[date, dict[str, Any]]] = field(default_factory=list)
    awaiting_review: int = 0


AGGREGATES = {
    "events": Count("pk"),
    **{name: Sum(name) for name in FIGURE_FIELDS},
}


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    figures = {key: row.get(key) or 0 for key in AGGREGATES}
    # SQLite sums decimals in floating point: round back to the fields' precision.
    for key in figures:
        if key.startswith("tonnes_"):
            figures[key] = Decimal(str(figures[key])).quantize(Decimal("0.001"))
        elif key == "hectares_cleaned":
            figures[key] = Decimal(str(figures[key])).quantize(Decimal("0.01"))
    figures["tonnes_recycled"] = sum((Decimal(figures[k]) for k in RECYCLED_FIELDS), Decimal(0))
    return figures


def _results(
    since: date | None, until: date | None, region: Region | None, campaign_kind: str | None
) -> QuerySet[EventResult]:
    results = EventResult.objects.all()
    if since:
        results = results.filter(event__starts_at__gte=_start(since))
    if until:
        results = results.filter(event__starts_at__lt=_start(until + timedelta(days=1)))
    if region is not None:
        results = results.filter(event__region=region)
    if campaign_kind:
        results = results.filter(event__campaign__kind=campaign_kind)
    return results


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def totals(
    *,
    since: date | None = None,
    until: date | None = None,
    region: Region | None = None,
    campaign_kind: str | None = None,
) -> Totals:
    results = _results(since, until, region, campaign_kind)
    accepted = results.filter(status=ResultStatus.ACCEPTED)
    overall = _clean(accepted.aggregate(**AGGREGATES))
    regions = {r.pk: r for r in Region.objects.all()}
    by_region = [
        (regions[row["event__region"]], _clean(row))
        for row in accepted.values("event__region").annotate(**AGGREGATES).order_by("event__region")
    ]
    by_region.sort(key=lambda item: -item[1]["participants"])
    by_month = [
        (
            timezone.localtime(row["month"]).date()
            if isinstance(row["month"], datetime)
            else row["month"],
            _clean(row),
        )
        for row in accepted.annotate(month=TruncMonth("event__starts_at"))
        .values("month")
        .annotate(**AGGREGATES)
        .order_by("month")
    ]
    awaiting = results.filter(status=ResultStatus.SUBMITTED).count()
    return Totals(overall, by_region, by_month, awaiting)


def results_per_region(year: int, until: date) -> dict[int, tuple[int, int]]:
    """For the programme's scorecards: (results accepted, events held) per region."""
    start, end = _start(date(year, 1, 1)), min(_start(date(year + 1, 1, 1)), _start(until))

    rows = (
        Event.objects.filter(ends_at__gte=start, ends_at__lt=end)
        .exclude(status=EventStatus.CANCELLED)
        .values("region")
        .annotate(
            held=Count("pk"),
            accepted=Count("pk", filter=Q(result__status=ResultStatus.ACCEPTED)),
        )
    )
    return {row["region"]: (row["accepted"], row["held"]) for row in rows}


def rows_for_export(found: Totals) -> list[list[Any]]:
    labels = figure_labels()
    header = [_("Region"), *[labels[key] for key in FIGURES]]
    rows: list[list[Any]] = [header]
    for region, figures in found.by_region:
        rows.append([region.name, *[figures[key] for key in FIGURES]])
    rows.append([_("Total"), *[found.figures[key] for key in FIGURES]])
    return rows


def to_csv(found: Totals) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows_for_export(found):
        writer.writerow([csv_safe(str(v)) for v in row])
    return buffer.getvalue()


def to_xlsx(found: Totals) -> bytes:

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("By region")[:31]
    for row in rows_for_export(found):
        append_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 32
    months = workbook.create_sheet(_("By month")[:31])
    labels = figure_labels()
    append_row(months, [_("Month"), *[labels[key] for key in FIGURES]])
    for month, figures in found.by_month:
        append_row(months, [month.strftime("%Y-%m"), *[float(figures[k]) for k in FIGURES]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
