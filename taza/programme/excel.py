"""Make and read the executors' Excel template, checked cell by cell.

A template is made for one executor (and region) and period, filled in by hand and
uploaded back.

An upload is all or nothing: every error is listed with its row and column, and
nothing is saved until the whole sheet is right.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from taza.bodies.models import Body
from taza.core.exports import put
from taza.core.spreadsheets import SpreadsheetError, open_workbook, sheet_rows
from taza.geo.models import Region
from taza.programme.choices import Assessment, Period, ReportSource, ReportStatus
from taza.programme.models import ExecutorReport, Measure
from taza.programme.services import (
    ProgrammeError,
    ReportInput,
    may_report,
    may_report_at_all,
    measures_for,
    report_problems,
    submit_report,
)
from taza.programme.status import PlanSnapshot

FORMAT = "taza-programme-report"
VERSION = "1"
META_SHEET = "taza"
FIRST_ROW = 7
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 500
MAX_EXPANDED_BYTES = 20 * 1024 * 1024
COLUMNS = ("A", "B", "C", "D", "E", "F", "G", "H")
NUMBER = re.compile(r"^\d+(\.\d+)?$")


def column_titles() -> list[str]:
    return [
        _("No."),
        _("Measure"),
        _("Plan"),
        _("Unit"),
        _("Fact"),
        _("Assessment"),
        _("Progress information"),
        _("Evidence links"),
    ]


def assessment_labels() -> dict[str, str]:
    """Every way of writing an assessment that the template accepts, in any language."""
    accepted: dict[str, str] = {}
    for code in Assessment.values:
        accepted[code] = code
        for language in ("kk", "ru", "en"):
            with translation.override(language):
                accepted[str(Assessment(code).label).strip().lower()] = code
    return accepted


def template_name(body: Body, region: Region | None, year: int, period: str) -> str:
    place = region.code if region else body.code
    return f"taza-report-{place}-{year}-{period}.xlsx"


def make_template(
    body: Body, region: Region | None, year: int, period: str, language: str
) -> bytes:
    """Make a workbook with a row per measure the executor reports on, plan values filled in."""
    snap = PlanSnapshot.load(date.today())
    measures = measures_in_template(body, region, year)
    existing = {
        r.measure_id: r
        for r in ExecutorReport.objects.filter(body=body, region=region, year=year, period=period)
    }
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Report")[:31]
        sheet["A1"] = _("Taza · report on the “Taza Qazaqstan” action plan")
        sheet["A1"].font = Font(bold=True, size=13)
        sheet["A2"] = _("Executor: %(body)s") % {"body": body.name}
        sheet["A3"] = _("Region: %(region)s") % {"region": region.name if region else "—"}
        sheet["A4"] = _("Period: %(period)s %(year)s") % {
            "period": Period(period).label,
            "year": year,
        }
        sheet["A5"] = _(
            "Fill in columns E to H only. Assessment: choose from the list. Links: one per "
            "line, starting with https://. Rows left empty are not sent."
        )
        for index, text in enumerate(column_titles()):
            cell = sheet.cell(FIRST_ROW - 1, index + 1, text)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBDD")
        labels = [str(Assessment(code).label) for code in Assessment.values]
        validation = DataValidation(
            type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True
        )
        validation.error = _("Choose done, in progress or not done.")
        sheet.add_data_validation(validation)
        wrap = Alignment(wrap_text=True, vertical="top")
        for offset, measure in enumerate(measures):
            line = FIRST_ROW + offset
            target = snap.target(measure, region.pk if region else None, year)
            report = existing.get(measure.pk)
            values: list[Any] = [
                measure.number,
                measure.name,
                float(target) if target is not None else None,
                measure.target_unit,
                float(report.fact_value) if report and report.fact_value is not None else None,
                str(Assessment(report.assessment).label) if report else None,
                report.text if report else None,
                "\n".join(report.evidence.exclude(url="").values_list("url", flat=True))
                if report
                else None,
            ]
            for index, value in enumerate(values):
                cell = put(sheet, line, index + 1, value)
                cell.alignment = wrap
                if index >= 4:
                    cell.protection = Protection(locked=False)
            validation.add(f"F{line}")
        for letter, width in zip(COLUMNS, (6, 60, 12, 14, 12, 16, 70, 40), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = f"A{FIRST_ROW}"
        sheet.protection.sheet = True
        meta = workbook.create_sheet(META_SHEET)
        for row in (
            ("format", FORMAT),
            ("version", VERSION),
            ("body", body.code),
            ("region", region.code if region else ""),
            ("year", year),
            ("period", period),
            ("language", language),
        ):
            meta.append(row)
        meta.sheet_state = "hidden"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        titles = dict(zip(COLUMNS, column_titles(), strict=True))
        return _("Row %(row)s, column %(column)s (%(title)s): %(message)s") % {
            "row": self.row,
            "column": self.column,
            "title": titles.get(self.column, ""),
            "message": self.message,
        }


class UploadError(ProgrammeError):
    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(_("The file was not accepted; nothing was saved."), "file")
        self.errors = errors


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
            raise ValueError
        if value < 0:
            raise ArithmeticError  # negative
        return Decimal(str(value))
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
    if text.startswith("-") and NUMBER.match(text[1:]):
        raise ArithmeticError  # negative
    if not NUMBER.match(text):
        raise ValueError
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError from None


# Where the service's findings go: its field names and the template's columns.
SERVICE_COLUMNS = {"fact_value": "E", "assessment": "F", "text": "G", "links": "H"}


def read_upload(handle: IO[bytes], *, user: Any) -> list[ReportInput]:
    """Check the whole file and return the reports it holds, or raise UploadError."""
    if not may_report_at_all(user):
        raise UploadError(
            [CellError(0, "", _("You may only report for your own body and territory."))]
        )
    raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise UploadError([CellError(0, "", _("The file is larger than 5 MB."))])
    try:
        workbook = open_workbook(raw, max_expanded_bytes=MAX_EXPANDED_BYTES)
        if META_SHEET not in workbook.sheetnames:
            raise UploadError(
                [CellError(0, "", _("This is not a Taza template; download the template first."))]
            )
        meta = {
            _text(row[0]): _text(row[1])
            for _line, row in sheet_rows(workbook[META_SHEET], max_rows=50, max_col=2)
            if row and row[0]
        }
    except SpreadsheetError as exc:
        raise UploadError([CellError(0, "", exc.message)]) from None
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise UploadError(
            [CellError(0, "", _("This is not a Taza template; download the template first."))]
        )
    body = Body.objects.filter(code=meta.get("body", "")).first()
    region = Region.objects.filter(code=meta.get("region", "")).first()
    try:
        year = int(meta.get("year", ""))
    except ValueError:
        year = 0
    period = meta.get("period", "")
    if (
        body is None
        or (meta.get("region") and region is None)
        or not year
        or (period not in Period.values)
    ):
        raise UploadError([CellError(0, "", _("The template's hidden settings were changed."))])
    if not may_report(user, body, region):
        raise UploadError(
            [CellError(0, "", _("You may only report for your own body and territory."))]
        )
    allowed = {m.number: m for m in measures_for(body, region)}
    accepted = set(
        ExecutorReport.objects.filter(
            body=body, region=region, year=year, period=period, status=ReportStatus.ACCEPTED
        ).values_list("measure__number", flat=True)
    )
    labels = assessment_labels()
    sheet = workbook.worksheets[0]
    errors: list[CellError] = []
    inputs: list[ReportInput] = []
    seen: dict[int, int] = {}
    try:
        rows = list(sheet_rows(sheet, min_row=FIRST_ROW, max_col=8, max_rows=MAX_ROWS))
    except SpreadsheetError as exc:
        raise UploadError([CellError(0, "", exc.message)]) from None
    for line, row in rows:
        number_cell, _name, _plan, _unit, fact_cell, assessment_cell, text_cell, links_cell = (
            list(row) + [None] * 8
        )[:8]
        filled = [_text(v) for v in (fact_cell, assessment_cell, text_cell, links_cell)]
        if not _text(number_cell) and not any(filled):
            continue
        row_errors: list[CellError] = []
        try:
            number = int(_number(number_cell))
        except (ValueError, ArithmeticError):
            errors.append(CellError(line, "A", _("The measure number is missing or changed.")))
            continue
        measure = allowed.get(number)
        if measure is None:
            errors.append(
                CellError(
                    line,
                    "A",
                    _("Measure %(number)s is not yours to report on.") % {"number": number},
                )
            )
            continue
        if number in seen:
            errors.append(
                CellError(
                    line,
                    "A",
                    _("Measure %(number)s is already on row %(row)s.")
                    % {"number": number, "row": seen[number]},
                )
            )
            continue
        seen[number] = line
        if not any(filled):
            continue  # an untouched row: nothing to report for this measure
        fact: Decimal | None = None
        if _text(fact_cell):
            try:
                fact = _number(fact_cell)
            except ArithmeticError:
                fact = -_number(_text(fact_cell).lstrip("-"))  # the service refuses it
            except ValueError:
                row_errors.append(
                    CellError(
                        line,
                        "E",
                        _("“%(value)s” is not a number.") % {"value": _text(fact_cell)[:40]},
                    )
                )
        assessment = labels.get(_text(assessment_cell).lower())
        if assessment is None and not _text(assessment_cell):
            row_errors.append(CellError(line, "F", _("The assessment is required.")))
        if number in accepted:
            row_errors.append(
                CellError(
                    line,
                    "A",
                    _(
                        "The report on this measure has already been accepted; "
                        "ask an analyst to return it before changing it."
                    ),
                )
            )
        data = ReportInput(
            measure=measure,
            body=body,
            region=region,
            year=year,
            period=period,
            text=_text(text_cell),
            assessment=assessment or _text(assessment_cell),
            fact_value=fact,
            links=[link for link in re.split(r"[\s,;]+", _text(links_cell)) if link],
            source=ReportSource.EXCEL,
        )
        # The rules are the service's: each problem it finds goes into its cell.
        row_errors += [
            CellError(line, SERVICE_COLUMNS.get(problem.field, "A"), problem.message)
            for problem in report_problems(data)
            if not (problem.field == "assessment" and assessment is None and not data.assessment)
        ]
        if row_errors:
            errors += row_errors
            continue
        inputs.append(data)
    if errors:
        raise UploadError(errors)
    if not inputs:
        raise UploadError([CellError(0, "", _("The sheet has no filled rows to send."))])
    return inputs


@transaction.atomic
def import_upload(handle: IO[bytes], *, user: Any) -> list[ExecutorReport]:
    """Save every report in the file, or none of them."""
    return [submit_report(data, actor=user) for data in read_upload(handle, user=user)]


def measures_in_template(body: Body, region: Region | None, year: int) -> list[Measure]:
    return [m for m in measures_for(body, region) if m.first_year <= year <= m.last_year]
