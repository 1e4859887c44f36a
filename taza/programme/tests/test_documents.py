"""The consolidated report opens in Word's format and in LibreOffice, in the seed's layout."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from taza.geo.models import Region
from taza.programme.documents import to_docx, to_xlsx
from taza.programme.models import Measure
from taza.programme.tests.helpers import put_report

pytestmark = pytest.mark.django_db

SEED_COLUMNS = [
    "№ п/п",
    "Наименование",
    "Форма завершения",
    "Срок завершения",
    "Ответственные исполнители",
    "Информация о ходе исполнения",
]


def table_of(content: bytes) -> Any:
    document = Document(io.BytesIO(content))
    assert len(document.tables) == 1
    return document, document.tables[0]


def measure_rows(table: Any) -> list[list[str]]:
    rows = []
    for row in table.rows[2:]:
        cells = [c.text for c in row.cells]
        if len(set(cells)) > 1 and cells[0].rstrip(".").isdigit():
            rows.append(cells)
    return rows


def test_the_national_docx_has_the_seeds_columns_directions_and_all_sixty_measures():
    _document, table = table_of(to_docx(2024, None, "ru"))
    assert [c.text for c in table.rows[0].cells] == SEED_COLUMNS
    assert [c.text for c in table.rows[1].cells] == ["1", "2", "3", "4", "5", "6"]
    rows = measure_rows(table)
    assert [r[0] for r in rows] == [f"{n}." for n in range(1, 61)]
    first = rows[0]
    assert first[1] == "Увеличение количества камер для фиксации экологических правонарушений"
    assert first[2] == "точки фиксации правонарушений в 20 регионах"
    assert first[3] == "ежегодно"
    assert first[4] == "МИО, МВД, МЦРИАП"
    assert first[5].startswith("МИО: В целях развития систем видеонаблюдения")
    merged = [row.cells[0].text for row in table.rows if len({c.text for c in row.cells}) == 1]
    assert sum(text.startswith("Направление") for text in merged) == 3
    assert any("2029 год – 38 %" in text for text in merged)
    assert "Снят с контроля" in rows[44][5]


def test_a_regional_kazakh_docx_has_kazakh_headers_and_only_the_regions_reports():
    put_report(13, region="KZ62", year=2025, fact=3, assessment="in_progress")
    put_report(13, region="KZ10", year=2025, fact=9)
    _document, table = table_of(to_docx(2025, Region.objects.get(code="KZ62"), "kk"))
    assert [c.text for c in table.rows[0].cells][:2] == ["№ р/с", "Атауы"]
    rows = {r[0]: r for r in measure_rows(table)}
    assert "11." not in rows  # universities' measure: akimats do not carry it out
    assert rows["13."][1].startswith("Адамдар көп жиналатын жерлерде экобокстар")
    assert rows["13."][3] == "жыл сайын"
    assert rows["13."][4] == "ЖАО, ҰКП (келісім бойынша)"
    assert rows["13."][5] == "test"  # Ulytau's text only, without another region's
    assert rows["14."][3].startswith("Тұжырымдама бекітілген күннен бастап екі ай ішінде")


def test_the_docx_converts_to_pdf_with_libreoffice_and_renders_a_page(tmp_path: Path) -> Any:
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice and poppler-utils are missing; .ci/run installs them")
        pytest.skip("LibreOffice or poppler-utils is not installed")
    source = tmp_path / "plan.docx"
    source.write_bytes(to_docx(2024, None, "ru"))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "plan.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Наименование" in text and "Направление 1" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 5000  # a drawn page, not a blank one


def test_the_xlsx_export_has_the_same_table():
    workbook = load_workbook(io.BytesIO(to_xlsx(2024, None, "ru")))
    sheet = workbook.worksheets[0]
    assert "в оригинале" in sheet["A3"].value or "языке оригинала" in sheet["A3"].value
    assert [c.value for c in sheet[4]] == SEED_COLUMNS
    numbers = [
        row[0] for row in sheet.iter_rows(min_row=6, values_only=True) if str(row[0]).endswith(".")
    ]
    assert len(numbers) == Measure.objects.count() == 60


def test_the_export_page_serves_both_formats_for_a_region(client):
    response = client.get("/programme/export/", {"format": "xlsx", "region": "KZ62", "lang": "kk"})
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].endswith('taza-plan-KZ62-2025-kk.xlsx"')
        or "KZ62" in (response["Content-Disposition"])
    )
    response = client.get("/programme/export/", {"format": "docx", "year": "2024", "lang": "xx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('taza-plan-KZ-2024-ru.docx"')
    Document(io.BytesIO(response.content))


def test_any_half_year_region_and_language_can_be_exported_saying_what_is_original(client):
    from taza.programme.choices import ReportStatus
    from taza.programme.tests.helpers import put_report

    put_report(13, region="KZ62", year=2026, period="H1", status=ReportStatus.ACCEPTED)
    answer = client.get(
        "/programme/export/",
        {"format": "docx", "region": "KZ62", "lang": "en", "year": "2026", "period": "H1"},
    )
    assert answer["Content-Disposition"].endswith('taza-plan-KZ62-2026-h1-en.docx"')
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "first half of 2026" in text and "in its original language" in text
    cells = [c.text for t in Document(io.BytesIO(answer.content)).tables for c in t._cells]
    assert any(c.startswith("(first half-year) test") for c in cells)
    kazakh = load_workbook(
        io.BytesIO(
            client.get(
                "/programme/export/",
                {"format": "xlsx", "lang": "kk", "year": "2026", "period": "H1"},
            ).content
        )
    ).worksheets[0]
    assert "2026" in kazakh["A2"].value and kazakh["A3"].value
    assert client.get("/programme/export/", {"period": "Q3"}).status_code == 400
