"""The Excel template: filled in, uploaded, checked cell by cell, saved whole or not at all."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from taza.bodies.models import Body
from taza.conftest import PASSWORD
from taza.geo.models import Region
from taza.programme.choices import ReportStatus
from taza.programme.excel import (
    FIRST_ROW,
    UploadError,
    import_upload,
    make_template,
    read_upload,
)
from taza.programme.models import ExecutorReport, Measure
from taza.programme.scorecard import lagging_regions, scorecards
from taza.programme.status import MeasureStatus, PlanSnapshot
from taza.programme.tests.helpers import put_report, put_target

pytestmark = pytest.mark.django_db
AFTER_2025 = date(2026, 3, 1)


def template(
    region: str = "KZ62", year: int = 2025, period: str = "Y", language: str = "ru"
) -> Any:
    body = Body.objects.get(code=f"AKIMAT-{region}")
    content = make_template(body, Region.objects.get(code=region), year, period, language)
    return load_workbook(io.BytesIO(content))


def rows_by_measure(workbook: Any) -> dict[int, int]:
    sheet = workbook.worksheets[0]
    return {
        sheet.cell(line, 1).value: line
        for line in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(line, 1).value is not None
    }


def as_file(workbook: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def fill(
    workbook: Any,
    number: int,
    fact: Any = None,
    assessment: Any = "выполнено",
    text: Any = "Сделано",
    links: Any = None,
) -> Any:
    sheet = workbook.worksheets[0]
    line = rows_by_measure(workbook)[number]
    sheet.cell(line, 5, fact)
    sheet.cell(line, 6, assessment)
    sheet.cell(line, 7, text)
    sheet.cell(line, 8, links)
    return line


def test_the_template_lists_the_regions_measures_with_their_plan_values():
    put_target(13, 2025, 12, region="KZ62")
    workbook = template()
    lines = rows_by_measure(workbook)
    numbers = set(lines)
    # Every measure akimats carry out and that runs in 2025, and none that is removed.
    assert {3, 5, 6, 13, 57} <= numbers
    assert 45 not in numbers and 11 not in numbers and 53 not in numbers
    sheet = workbook.worksheets[0]
    assert sheet.cell(lines[13], 3).value == 12
    assert sheet.cell(lines[13], 4).value == "шт."
    assert sheet.cell(FIRST_ROW - 1, 5).value == "Факт"
    assert workbook["taza"].sheet_state == "hidden"


def test_the_kazakh_template_has_kazakh_headers_and_its_labels_are_accepted(cast):
    workbook = template(language="kk")
    assert workbook.worksheets[0].cell(FIRST_ROW - 1, 5).value == "Нақты"
    fill(workbook, 13, fact=3, assessment="орындалды", text="Орнатылды")
    saved = import_upload(as_file(workbook), user=cast.ulytau_operator)
    assert [r.assessment for r in saved] == ["done"]


def test_an_upload_changes_the_measure_status_the_scorecard_and_the_lagging_list(cast):
    put_target(13, 2025, 10, region="KZ62")
    put_report(13, region="KZ62", year=2025, period="H1", assessment="in_progress")
    snap = PlanSnapshot.load(AFTER_2025)
    measure = Measure.objects.get(number=13)
    ulytau = Region.objects.get(code="KZ62")
    assert snap.verdict(measure, ulytau.pk).status == MeasureStatus.NOT_REPORTED
    before = next(c for c in scorecards(AFTER_2025, 2025) if c.region == ulytau)

    workbook = template()
    fill(workbook, 13, fact=2, assessment="не выполнено", text="Закуп не состоялся")
    fill(
        workbook,
        6,
        fact="1 250,5",
        assessment="в работе",
        text="Посажено",
        links="https://ulytau.gov.kz/a\nhttps://ulytau.gov.kz/b",
    )
    saved = import_upload(as_file(workbook), user=cast.ulytau_operator)
    assert len(saved) == 2
    # As if uploaded on 1 February 2026, before the day the statuses are read for.
    ExecutorReport.objects.filter(source="excel").update(
        submitted_at=datetime(2026, 2, 1, tzinfo=UTC)
    )
    tree = ExecutorReport.objects.get(measure__number=6, region=ulytau, year=2025, period="Y")
    assert tree.fact_value == Decimal("1250.5")
    assert tree.source == "excel" and tree.status == ReportStatus.SUBMITTED
    assert tree.evidence.count() == 2

    snap = PlanSnapshot.load(AFTER_2025)
    after_verdict = snap.verdict(measure, ulytau.pk)
    assert after_verdict.status == MeasureStatus.AT_RISK
    assert after_verdict.reasons[0] == "2025: 2 of 10 units planned (20%)."
    after = next(c for c in scorecards(AFTER_2025, 2025) if c.region == ulytau)
    assert 13 in after.lagging and 13 not in before.lagging
    reporting_before = next(c for c in before.components if c.key == "reporting")
    reporting_after = next(c for c in after.components if c.key == "reporting")
    assert reporting_after.cases == reporting_before.cases
    lagging = {
        item.card.region.code: [n for n, _v in item.measures]
        for item in lagging_regions(AFTER_2025, 2025)
    }
    assert 13 in lagging["KZ62"]


def test_errors_are_listed_by_row_and_column_and_nothing_is_saved(cast):
    workbook = template()
    good = fill(workbook, 6, fact=100, text="Посажено")
    bad_fact = fill(workbook, 13, fact="много", text="")
    negative = fill(workbook, 3, fact=-4, assessment="возможно")
    link = fill(workbook, 57, links="ftp://files.example.kz/act.pdf")
    sheet = workbook.worksheets[0]
    extra = sheet.max_row + 1
    sheet.cell(extra, 1, 999)
    sheet.cell(extra, 7, "лишняя строка")
    with pytest.raises(UploadError) as caught:
        import_upload(as_file(workbook), user=cast.ulytau_operator)
    messages = [str(e) for e in caught.value.errors]
    assert f"Row {bad_fact}, column E (Fact): “много” is not a number." in messages
    assert f"Row {bad_fact}, column G (Progress information): Describe what was done." in messages
    assert f"Row {negative}, column E (Fact): The fact cannot be negative." in messages
    assert (
        f"Row {negative}, column F (Assessment): Choose done, in progress or not done." in messages
    )
    assert any(m.startswith(f"Row {link}, column H (Evidence links):") for m in messages)
    assert f"Row {extra}, column A (No.): Measure 999 is not yours to report on." in messages
    assert not any(m.startswith(f"Row {good},") for m in messages)
    assert not ExecutorReport.objects.filter(
        region__code="KZ62", year=2025, source="excel"
    ).exists()


def test_a_measure_listed_twice_and_an_accepted_report_are_refused(cast):
    put_report(6, region="KZ62", year=2025, status="accepted")
    workbook = template()
    line = fill(workbook, 6, fact=1, text="Повторно")
    sheet = workbook.worksheets[0]
    copy = sheet.max_row + 1
    sheet.cell(copy, 1, 6)
    sheet.cell(copy, 6, "выполнено")
    sheet.cell(copy, 7, "Ещё раз")
    with pytest.raises(UploadError) as caught:
        read_upload(as_file(workbook), user=cast.ulytau_operator)
    messages = [str(e) for e in caught.value.errors]
    assert any(
        m.startswith(f"Row {line}, column A") and "already been accepted" in m for m in messages
    )
    assert f"Row {copy}, column A (No.): Measure 6 is already on row {line}." in messages


def test_someone_elses_template_is_refused(cast):
    workbook = template()
    fill(workbook, 6, fact=1)
    with pytest.raises(UploadError, match="nothing was saved") as caught:
        import_upload(as_file(workbook), user=cast.astana_operator)
    assert "your own body and territory" in str(caught.value.errors[0])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,fact\n6,100\n", "not an Excel workbook"),
        (b"", "not an Excel workbook"),
        (b"PK\x03\x04" + b"\x00" * 100, "not an Excel workbook"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(cast, content, message):
    with pytest.raises(UploadError) as caught:
        read_upload(io.BytesIO(content), user=cast.ulytau_operator)
    assert message in str(caught.value.errors[0])


def test_a_workbook_that_is_not_a_template_or_was_tampered_with_is_refused(cast):
    plain = Workbook()
    plain.active["A1"] = "hello"
    with pytest.raises(UploadError) as caught:
        read_upload(as_file(plain), user=cast.ulytau_operator)
    assert "not a Taza template" in str(caught.value.errors[0])
    workbook = template()
    workbook["taza"]["B5"] = "nonsense-year"
    with pytest.raises(UploadError) as caught:
        read_upload(as_file(workbook), user=cast.ulytau_operator)
    assert "hidden settings were changed" in str(caught.value.errors[0])


def test_an_untouched_template_and_a_huge_file_are_refused(cast, settings):
    with pytest.raises(UploadError) as caught:
        read_upload(as_file(template()), user=cast.ulytau_operator)
    assert "no filled rows" in str(caught.value.errors[0])
    huge = io.BytesIO(b"PK" + b"\x00" * (5 * 1024 * 1024 + 10))
    with pytest.raises(UploadError) as caught:
        read_upload(huge, user=cast.ulytau_operator)
    assert "larger than 5 MB" in str(caught.value.errors[0])


def test_upload_through_the_page_shows_errors_by_row_and_saves_on_success(cast, client):
    client.login(username="ulytau", password=PASSWORD)
    response = client.get(
        "/programme/reporting/template/",
        {"body": "AKIMAT-KZ62", "region": "KZ62", "year": 2025, "period": "Y", "lang": "ru"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('taza-report-KZ62-2025-Y.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    line = fill(workbook, 13, fact="x")
    response = client.post("/programme/reporting/upload/", {"file": as_file(workbook)})
    assert response.status_code == 400
    assert f"Row {line}, column E (Fact): “x” is not a number." in response.content.decode()
    fill(workbook, 13, fact=3)
    upload = as_file(workbook)
    upload.name = "filled.xlsx"
    response = client.post("/programme/reporting/upload/", {"file": upload})
    assert response.status_code == 302
    assert (
        ExecutorReport.objects.filter(
            measure__number=13, region__code="KZ62", source="excel"
        ).count()
        == 1
    )
    forbidden = client.get(
        "/programme/reporting/template/",
        {"body": "AKIMAT-KZ10", "region": "KZ10", "year": 2025, "period": "Y"},
    )
    assert forbidden.status_code == 403


def test_an_upload_from_someone_who_reports_for_nobody_is_refused_before_it_is_read(cast):
    """Anyone can sign up, so a citizen's workbook must cost nothing to refuse (M6)."""

    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the upload was read")

    with pytest.raises(UploadError) as caught:
        read_upload(Unread(), user=cast.citizen)
    assert "your own body and territory" in str(caught.value.errors[0])


def test_a_template_with_thousands_of_rows_is_refused_while_streaming(cast):
    workbook = template()
    for line in range(FIRST_ROW, FIRST_ROW + 600):
        workbook.worksheets[0][f"A{line}"] = 1
    with pytest.raises(UploadError) as caught:
        read_upload(as_file(workbook), user=cast.ulytau_operator)
    assert "too many rows" in str(caught.value.errors[0])
