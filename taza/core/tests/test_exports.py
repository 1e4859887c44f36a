"""A text that looks like a formula stays a text in every export."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from taza.audit.export import csv_lines
from taza.audit.models import AuditEntry
from taza.audit.services import record
from taza.core.actors import SYSTEM
from taza.core.exports import append_row, csv_safe, put
from taza.geo.models import Region
from taza.programme.documents import to_xlsx
from taza.programme.tests.helpers import put_report

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("http://evil.example/","Click me")'


@pytest.mark.parametrize("text", [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_values_that_start_like_a_formula_are_quoted(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Свалка у реки", "", 12, -3.5, None])
def test_ordinary_values_are_left_alone(value):
    assert csv_safe(value) == value


def test_xlsx_cells_keep_a_formula_looking_text_as_text():
    workbook = Workbook()
    sheet = workbook.active
    append_row(sheet, [ATTACK, 5])
    put(sheet, 2, 1, "=1+1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert read.cell(1, 1).data_type == "s" and read.cell(1, 1).value == ATTACK
    assert read.cell(1, 2).value == 5
    assert read.cell(2, 1).data_type == "s"


def test_the_public_programme_export_holds_an_executors_formula_as_text(cast):
    report = put_report(6, region="KZ62", year=2024)
    report.text = ATTACK
    report.save()
    workbook = load_workbook(io.BytesIO(to_xlsx(2024, Region.objects.get(code="KZ62"), "ru")))
    cells = [
        c
        for row in workbook.active.iter_rows()
        for c in row
        if c.value and "HYPERLINK" in str(c.value)
    ]
    assert cells, "the report's text is in the export"
    assert all(c.data_type == "s" for c in cells)


def test_the_audit_csv_quotes_a_reason_that_starts_like_a_formula(cast):
    region = Region.objects.first()
    record(obj=region, actor=SYSTEM, action="update", changes={}, reason=ATTACK)
    text = "".join(csv_lines(AuditEntry.objects.filter(reason=ATTACK)))
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
