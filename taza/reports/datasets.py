"""What of citizens' reports is open data: every report, without what identifies people."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Dataset, Row
from taza.geo.datasets import TERRITORY_COLUMNS, territory_values
from taza.geo.models import District, Region
from taza.reports.models import DistrictRollup, Report, ServiceCategory
from taza.reports.stats import Figures, Statistics, refresh_dirty_days

COLUMNS = (
    Column("number", _("number"), _("The report's public number; its page is /reports/NUMBER/.")),
    Column("category", _("category code")),
    Column("category_name", _("category")),
    Column(
        "state",
        _("state code"),
        _("new, accepted, in_progress, resolved, disputed, closed or rejected"),
    ),
    Column("state_name", _("state")),
    *TERRITORY_COLUMNS,
    Column("body", _("responsible body code")),
    Column("body_name", _("responsible body")),
    Column("lat", _("latitude"), _("WGS 84, rounded to 4 decimals (about 11 m)")),
    Column("lon", _("longitude"), _("WGS 84, rounded to 4 decimals (about 11 m)")),
    Column("created_at", _("reported at")),
    Column("deadline_at", _("deadline")),
    Column("resolved_at", _("resolved at")),
    Column("closed_at", _("closed at")),
    Column(
        "is_overdue", _("overdue"), _("true when the deadline passed before the step was taken")
    ),
    Column(
        "resolved_late",
        _("resolved late"),
        _("true when the last resolution came after the deadline then in force"),
    ),
    Column("dispute_count", _("disputes")),
    Column("duplicate_of", _("duplicate of"), _("the number of the report this one repeats")),
)


def rows() -> Iterator[Row]:
    """Yield every report as open data shows it, oldest first, in batches."""
    reports = Report.objects.select_related(
        "category", "region", "district", "body", "duplicate_of"
    ).order_by("pk")
    for report in reports.iterator(chunk_size=2000):
        yield {
            "number": report.public_id,
            "category": report.category.code,
            "category_name": report.category.name,
            "state": report.state,
            "state_name": report.get_state_display(),
            **territory_values(report.region, report.district),
            "body": report.body.code,
            "body_name": report.body.name,
            "lat": round(report.lat, 4),
            "lon": round(report.lon, 4),
            "created_at": report.created_at,
            "deadline_at": report.deadline_at,
            "resolved_at": report.resolved_at,
            "closed_at": report.closed_at,
            "is_overdue": report.is_overdue,
            "resolved_late": report.resolved_late,
            "dispute_count": report.dispute_count,
            "duplicate_of": report.duplicate_of.public_id if report.duplicate_of else None,
        }


REPORTS = Dataset(
    slug="reports",
    title=_("Citizens' reports"),
    description=_(
        "Every problem citizens reported through the website, the Telegram bot and the "
        "API, where it is, who must act, by when, and how far it has got."
    ),
    methodology=_(
        "One row per report, as the responsible akimat's console shows it, with nothing that "
        "identifies the person who reported it: no name, phone, e-mail or Telegram account, and"
        " no channel, description, address or photo, because people write names and phone "
        "numbers in them (each report's page shows its text and photos). Points are rounded to "
        "about 11 m. A report counts where it was placed, which may differ from where the "
        "problem is. The 26,137 appeals to the bot in 2025 that the government reports came "
        "before Taza and are not in this file. Overdue is computed by the same rule as on every"
        " page: the deadline passed before the akimat took the step it owed."
    ),
    columns=COLUMNS,
    rows=rows,
    point=lambda row: (row["lon"], row["lat"]),
    keywords=("reports", "waste", "akimat"),
)


COUNT_COLUMNS = (
    Column("month", _("month"), _("the first day of the month the reports were filed in")),
    *TERRITORY_COLUMNS,
    Column("category", _("category code")),
    Column("category_name", _("category")),
    Column("total", _("reports")),
    Column("done", _("resolved"), _("resolved or closed by now")),
    Column("open", _("open"), _("new, accepted, in progress or disputed by now")),
    Column("overdue", _("overdue"), _("open with the deadline passed")),
    Column("rejected", _("rejected")),
    Column("disputed", _("ever disputed"), _("resolutions the reporter disputed at least once")),
)


def count_rows() -> Iterator[Row]:
    """Yield the reports counted by month of filing, district and category."""
    refresh_dirty_days()
    regions = {r.pk: r for r in Region.objects.all()}
    districts = {d.pk: d for d in District.objects.all()}
    categories = {c.pk: c for c in ServiceCategory.objects.all()}
    states = ("new", "accepted", "in_progress", "disputed")
    sums = {
        name: Sum(name)
        for name in ("total", "resolved", "closed", "overdue", "rejected", "ever_disputed", *states)
    }
    grouped = (
        DistrictRollup.objects.annotate(month=TruncMonth("day"))
        .values("month", "region_id", "district_id", "category_id")
        .annotate(**sums)
        .order_by("month", "region_id", "district_id", "category_id")
    )
    for row in grouped.iterator(chunk_size=2000):
        category = categories[row["category_id"]]
        yield {
            "month": row["month"],
            **territory_values(regions[row["region_id"]], districts.get(row["district_id"])),
            "category": category.code,
            "category_name": category.name,
            "total": row["total"],
            "done": row["resolved"] + row["closed"],
            "open": sum(row[state] for state in states),
            "overdue": row["overdue"],
            "rejected": row["rejected"],
            "disputed": row["ever_disputed"],
        }


REPORT_COUNTS = Dataset(
    slug="report-counts",
    title=_("Citizens' reports by month, district and category"),
    description=_(
        "How many reports were filed each month in each district and category, and how many"
        " of them are resolved, open, overdue, rejected or were disputed."
    ),
    methodology=_(
        "Counted from the reports in Taza, by the month each report was filed (Almaty time) "
        "and the district its point lies in; the district is empty for points outside every "
        "district's outline. The states are as they stand now, not as they stood at the end "
        "of the month, so the figures of a month change while its reports are worked on. "
        "Overdue counts open reports whose deadline passed. Only reports filed in Taza are "
        "counted: the appeals the government reports from before Taza are not."
    ),
    columns=COUNT_COLUMNS,
    rows=count_rows,
    keywords=("reports", "statistics", "districts"),
)


FIGURE_COLUMNS = (
    Column("level", _("level"), _("country, region, district, category or month")),
    Column("code", _("code")),
    Column("name", _("name")),
    Column("total", _("reports")),
    Column("done", _("resolved")),
    Column("done_share", _("share resolved"), _("resolved or closed, of all reports: 0 to 1")),
    Column("open", _("open")),
    Column("overdue", _("overdue")),
    Column("rejected", _("rejected")),
    Column("disputed", _("ever disputed")),
    Column(
        "median_hours",
        _("median hours to resolve"),
        _("estimated from time buckets (1, 2, 4, 8, 12, 24 hours...)"),
    ),
)


def figure_row(level: str, code: str, name: str, figures: Figures) -> Row:
    """Return one line of the statistics download."""
    return {
        "level": level,
        "code": code,
        "name": name,
        "total": figures.total,
        "done": figures.done,
        "done_share": figures.done_share,
        "open": figures.open,
        "overdue": figures.overdue,
        "rejected": figures.rejected,
        "disputed": figures.ever_disputed,
        "median_hours": figures.median_hours_to_resolve,
    }


def statistics_dataset(found: Statistics, title: str) -> Dataset:
    """Return the figures of the statistics page, as filtered, as a dataset to download."""
    regions = {r.pk: r for r in Region.objects.all()}
    districts = {d.pk: d for d in District.objects.all()}
    categories = {c.pk: c for c in ServiceCategory.objects.all()}

    def rows() -> Iterator[Row]:
        yield figure_row("country", "KZ", str(_("Kazakhstan")), found.overall)
        for pk, figures in sorted(found.by_region.items(), key=lambda i: regions[i[0]].code):
            yield figure_row("region", regions[pk].code, regions[pk].name, figures)
        known = sorted(
            ((districts[pk], f) for pk, f in found.by_district.items() if pk is not None),
            key=lambda pair: pair[0].code,
        )
        for district, figures in known:
            yield figure_row("district", district.code, district.name, figures)
        if None in found.by_district:
            outside = str(_("outside every district"))
            yield figure_row("district", "", outside, found.by_district[None])
        for pk, figures in sorted(found.by_category.items(), key=lambda i: categories[i[0]].code):
            yield figure_row("category", categories[pk].code, categories[pk].name, figures)
        for month, figures in found.by_month:
            yield figure_row("month", month.strftime("%Y-%m"), month.strftime("%Y-%m"), figures)

    return Dataset(
        slug="statistics",
        title=title,
        description=REPORT_COUNTS.description,
        methodology=REPORT_COUNTS.methodology,
        columns=FIGURE_COLUMNS,
        rows=rows,
    )
