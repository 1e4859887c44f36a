"""What of citizens' reports is open data: every report, without what identifies people."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Dataset, Row
from taza.geo.datasets import TERRITORY_COLUMNS, territory_values
from taza.reports.models import Report

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
