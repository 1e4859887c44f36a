"""The consolidated report in the ministries' own table: DOCX and XLSX.

The layout is the published plan's: № п/п, name, completion form, deadline,
executors, progress information; a row per direction, its target indicators, then
its measures. It is made for the whole country or one region, in Russian or Kazakh
(and English for the monitoring centre's foreign partners).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from taza.core.exports import append_row
from taza.geo.models import Region
from taza.programme.choices import Period, ReportStatus
from taza.programme.models import Direction, ExecutorReport, Indicator, Measure
from taza.programme.status import PlanSnapshot, period_label
from taza.programme.wording import deadline_text, executors_text, indicator_line

EXPORT_LANGUAGES = ("ru", "kk", "en")


@dataclass
class Row:
    kind: str  # "direction", "indicators" or "measure"
    cells: list[str]


def headers() -> list[str]:
    """Return the plan's own column titles."""
    return [
        pgettext("plan column", "No."),
        pgettext("plan column", "Name"),
        pgettext("plan column", "Completion form"),
        pgettext("plan column", "Deadline"),
        pgettext("plan column", "Responsible executors"),
        pgettext("plan column", "Progress information"),
    ]


def title(region: Region | None, year: int, period: str = Period.YEAR) -> tuple[str, str]:
    plan = _(
        "Action plan for the Concept for the Development of Environmental Culture "
        "“Taza Qazaqstan” for 2024–2029"
    )
    where = region.name if region else _("Republic of Kazakhstan")
    return plan, _("Progress information for %(year)s: %(where)s") % {
        "year": period_label(year, period),
        "where": where,
    }


def original_language_note() -> str:
    """Say that executors' texts are quoted as written, so a reader knows why they differ."""
    return _(
        "The progress information is quoted as the executors wrote it, in its original "
        "language: most of it is in Russian. The rest of the document is translated."
    )


def progress_text(
    reports: list[ExecutorReport], region: Region | None, period: str = Period.YEAR
) -> str:
    """Return the period's reports from each executor.

    For a year: the annual report, or the half-year one if that is all; for the first
    half: the half-year reports alone.
    """
    chosen: dict[tuple[int, int | None], ExecutorReport] = {}
    for report in reports:
        if period == Period.HALF_YEAR and report.period != Period.HALF_YEAR:
            continue
        key = (report.body_id, report.region_id)
        if key not in chosen or report.period == Period.YEAR:
            chosen[key] = report
    parts = []
    for report in sorted(
        chosen.values(), key=lambda r: (r.region.code if r.region else "", r.body.code)
    ):
        text = report.text
        if report.period == Period.HALF_YEAR:
            text = _("(first half-year) ") + text
        if region is None:
            who = (
                report.region.name
                if report.region
                else (report.body.abbreviation or report.body.name)
            )
            text = f"{who}: {text}"
        parts.append(text)
    return "\n".join(parts)


def consolidated_rows(
    year: int, region: Region | None, language: str, period: str = Period.YEAR
) -> list[Row]:
    """Return the table's rows in the language asked for."""
    with translation.override(language):
        snap = PlanSnapshot.load(date.today())
        reports: dict[int, list[ExecutorReport]] = {}
        queryset = (
            ExecutorReport.objects.filter(year=year)
            .exclude(status=ReportStatus.RETURNED)
            .select_related("body", "region")
        )
        if region is not None:
            queryset = queryset.filter(region=region)
        for report in queryset:
            reports.setdefault(report.measure_id, []).append(report)
        measures = Measure.objects.prefetch_related("executors__body").order_by("number")
        indicators = Indicator.objects.prefetch_related("values").order_by("order")
        rows: list[Row] = []
        for direction in Direction.objects.order_by("number"):
            rows.append(
                Row(
                    "direction",
                    [
                        _("Direction %(number)s. %(name)s")
                        % {"number": direction.number, "name": direction.name}
                    ],
                )
            )
            lines = []
            if language == "ru":
                lines.append(direction.indicators_wording)
            else:
                for indicator in indicators:
                    if indicator.direction_id == direction.pk:
                        national = [v for v in indicator.values.all() if v.region_id is None]
                        lines.append(indicator_line(indicator, national))
            rows.append(Row("indicators", [_("Target indicators") + "\n" + "\n".join(lines)]))
            for measure in measures:
                if measure.direction_id != direction.pk:
                    continue
                if region is not None and not snap.applies_to(measure, region.pk):
                    continue
                progress = progress_text(reports.get(measure.pk, []), region, period)
                if measure.removed_on is not None:
                    progress = "\n".join(filter(None, [progress, measure.removed_note]))
                rows.append(
                    Row(
                        "measure",
                        [
                            f"{measure.number}.",
                            measure.name,
                            measure.form,
                            deadline_text(measure),
                            executors_text(measure),
                            progress,
                        ],
                    )
                )
        return rows


def to_docx(year: int, region: Region | None, language: str, period: str = Period.YEAR) -> bytes:
    rows = consolidated_rows(year, region, language, period)
    with translation.override(language):
        document = Document()
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(1.5))
        style = document.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(10)
        plan_title, subtitle = title(region, year, period)
        for text, bold in ((plan_title, True), (subtitle, False)):
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.bold = bold
            run.font.size = Pt(12)
        note = document.add_paragraph().add_run(original_language_note())
        note.italic = True
        table = document.add_table(rows=2, cols=6)
        table.style = "Table Grid"
        widths = [Cm(1.2), Cm(6.5), Cm(3.2), Cm(3.0), Cm(3.6), Cm(9.2)]
        for index, text in enumerate(headers()):
            table.rows[0].cells[index].text = text
            table.rows[1].cells[index].text = str(index + 1)
            for paragraph in table.rows[0].cells[index].paragraphs:
                for run in paragraph.runs:
                    run.bold = True
        for row in rows:
            cells = table.add_row().cells
            if row.kind == "measure":
                for index, text in enumerate(row.cells):
                    cells[index].text = text
            else:
                merged = cells[0].merge(cells[5])
                merged.text = row.cells[0]
                if row.kind == "direction":
                    for run in merged.paragraphs[0].runs:
                        run.bold = True
        # LibreOffice reads the grid's column widths, Word the cells': set both.
        table.autofit = False
        for index, width in enumerate(widths):
            table.columns[index].width = width
        for row in table.rows:
            for index, width in enumerate(widths):
                row.cells[index].width = width
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def to_xlsx(year: int, region: Region | None, language: str, period: str = Period.YEAR) -> bytes:
    rows = consolidated_rows(year, region, language, period)
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(year)
        plan_title, subtitle = title(region, year, period)
        append_row(sheet, [plan_title])
        append_row(sheet, [subtitle])
        append_row(sheet, [original_language_note()])
        append_row(sheet, headers())
        append_row(sheet, [1, 2, 3, 4, 5, 6])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            append_row(sheet, row.cells if row.kind == "measure" else [row.cells[0]])
            line = sheet.max_row
            if row.kind != "measure":
                sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=6)
                sheet.cell(line, 1).font = Font(bold=row.kind == "direction")
            for cell in sheet[line]:
                cell.alignment = wrap
        for letter, width in zip("ABCDEF", (6, 50, 24, 20, 28, 80), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A6"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
