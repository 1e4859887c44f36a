"""The waste cadastre: every import rule and error, corrections with history, the share."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from taza.audit.models import AuditEntry
from taza.conftest import PASSWORD
from taza.databank.models import ImportBatch, WasteRecord
from taza.databank.querysets import balance, recycled_share_by_region, recycled_share_by_year
from taza.databank.services import ImportRefused, import_waste
from taza.geo.models import Region

pytestmark = pytest.mark.django_db
HEADER = "region,year,waste_code,generated,collected,recycled,recovered,disposed,correction\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


GOOD = csv(
    "KZ75,2024,20 03 01,1000,900,200,50,600,",
    "KZ75,2024,200139,100,100,60,0,40,no",  # a code without spaces is read too
    "KZ71,2024,20 03 01,3000,2800,600,100,2000,",
    "KZ35,2024,10 01 01,5000000,5000000,0,0,5000000,",  # industrial: not in the share
)


def errors_of(content: bytes, cast: Any, name: str = "f.csv") -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as refused:
        import_waste(name, content, actor=cast.analyst)
    return [(e.row, e.column) for e in refused.value.errors]


def test_a_good_file_is_taken_and_the_recycled_share_is_computed_by_hand(cast):
    result = import_waste("2024.csv", GOOD, actor=cast.analyst)
    assert (result.created, result.corrected, result.repeated) == (4, 0, False)
    # By hand: (200 + 60 + 600) / (1000 + 100 + 3000) = 860 / 4100 = 20.98 %.
    assert recycled_share_by_year()[2024].percent == Decimal("20.98")
    astana = Region.objects.get(code="KZ71")
    almaty = Region.objects.get(code="KZ75")
    shares = recycled_share_by_region(2024)
    assert shares[astana.pk].percent == Decimal("20.00")
    assert shares[almaty.pk].percent == Decimal("23.64")  # 260 / 1100
    totals = balance(2024, almaty.pk)
    assert totals["uncollected"] == Decimal(100) and totals["unaccounted"] == Decimal(50)
    # The file is audited once, on its batch, by the analyst; every record points to it.
    (entry,) = AuditEntry.objects.filter(action="create", reason__startswith="waste")
    assert entry.actor == cast.analyst and entry.changes["rows"] == [None, 4]
    assert entry.object_id == str(result.batch.pk)
    assert set(WasteRecord.objects.values_list("batch", flat=True)) == {result.batch.pk}


def test_the_same_file_twice_changes_nothing(cast):
    import_waste("2024.csv", GOOD, actor=cast.analyst)
    again = import_waste("copy.csv", GOOD, actor=cast.analyst)
    assert again.repeated and WasteRecord.objects.count() == 4 and ImportBatch.objects.count() == 1


def test_a_second_report_must_say_it_corrects_and_the_old_one_is_kept(cast):
    import_waste("2024.csv", GOOD, actor=cast.analyst)
    same_place = csv("KZ71,2024,20 03 01,3000,2800,900,100,1700,")
    assert errors_of(same_place, cast) == [(2, "correction")]
    nothing = csv("KZ71,2023,20 03 01,3000,2800,900,100,1700,yes")
    assert errors_of(nothing, cast) == [(2, "correction")]
    result = import_waste(
        "fix.csv", csv("KZ71,2024,20 03 01,3000,2800,900,100,1700,yes"), actor=cast.analyst
    )
    assert (result.created, result.corrected) == (0, 1)
    old, new = WasteRecord.objects.filter(region__code="KZ71").order_by("pk")
    assert not old.current and old.replaced_by == new and new.current
    assert old.recycled == 600 and new.recycled == 900
    # (200 + 60 + 900) / 4100 = 28.29 %: the correction counts once.
    assert recycled_share_by_year()[2024].percent == Decimal("28.29")
    assert AuditEntry.objects.filter(object_id=str(old.pk), action="update").exists()


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("KZ00,2024,20 03 01,1,1,0,0,1,", "region"),
        ("KZ75,2999,20 03 01,1,1,0,0,1,", "year"),
        ("KZ75,1990,20 03 01,1,1,0,0,1,", "year"),
        ("KZ75,twenty,20 03 01,1,1,0,0,1,", "year"),
        ("KZ75,2024,99 99 99,1,1,0,0,1,", "waste_code"),
        ("KZ75,2024,20 03 01,-5,1,0,0,1,", "generated"),
        ("KZ75,2024,20 03 01,nan,1,0,0,1,", "generated"),
        ("KZ75,2024,20 03 01,inf,1,0,0,1,", "generated"),
        ("KZ75,2024,20 03 01,90000000000,1,0,0,1,", "generated"),  # more than the country
        ("KZ75,2024,20 03 01,100,200,0,0,100,", "collected"),
        ("KZ75,2024,20 03 01,100,100,80,10,50,", "recycled"),
        ("KZ75,2024,20 03 01,100,100,10,10,50,maybe", "correction"),
        ("KZ75,2024,20 03 01,,100,10,10,50,", "generated"),
    ],
)
def test_every_bad_cell_is_named_and_nothing_is_saved(cast, row, column):
    content = csv("KZ71,2024,20 03 01,3000,2800,600,100,2000,", row)
    assert (3, column) in errors_of(content, cast)
    assert not WasteRecord.objects.exists() and not ImportBatch.objects.exists()


def test_duplicates_in_a_file_and_broken_files_are_refused(cast):
    twice = csv("KZ75,2024,20 03 01,1,1,0,0,1,", "KZ75,2024,200301,1,1,0,0,1,")
    assert errors_of(twice, cast) == [(3, "waste_code")]
    assert errors_of(b"\xff\xfe\x00garbage", cast) == [(0, "file")]
    assert errors_of(HEADER.encode(), cast) == [(0, "file")]
    assert errors_of(b"PK\x03\x04not a zip", cast, "f.xlsx") == [(0, "file")]
    assert not WasteRecord.objects.exists()


def test_a_file_of_200_000_rows_is_answered_row_by_row_and_more_are_refused(cast, settings):
    from taza.databank import services

    settings.DEBUG = False
    monkey_rows = services.MAX_ROWS
    rows = [f"KZ75,2024,20 03 01,{i + 1},0,0,0,0," for i in range(monkey_rows + 1)]
    assert errors_of(csv(*rows), cast) == [(0, "file")]
    rows = [f"KZ75,{2000 + i % 25},20 03 01,1,1,1,0,0," for i in range(3)] + [
        "KZ75,2024,20 03 01,-1,0,0,0,0,"
    ]
    assert (5, "generated") in errors_of(csv(*rows), cast)


def test_an_xlsx_file_is_read_like_a_csv(cast):
    book = Workbook()
    sheet = book.worksheets[0]
    for line in GOOD.decode().strip().splitlines():
        sheet.append([float(c) if c.replace(".", "").isdigit() else c for c in line.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_waste("2024.xlsx", buffer.getvalue(), actor=cast.analyst)
    assert result.created == 4 and recycled_share_by_year()[2024].percent == Decimal("20.98")


def test_only_analysts_take_files_in_and_the_pages_answer_in_three_languages(client, cast):
    from taza.core.errors import Forbidden

    with pytest.raises(Forbidden):
        import_waste("f.csv", GOOD, actor=cast.astana_operator)
    assert client.get("/databank/import/").status_code == 302
    client.login(username="astana", password=PASSWORD)
    assert client.get("/databank/import/").status_code == 403
    import_waste("2024.csv", GOOD, actor=cast.analyst)
    for language, words in (("kk", "Коммуналдық"), ("ru", "Коммунальные"), ("en", "Municipal")):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/databank/waste/")
        assert page.status_code == 200 and words in page.content.decode()
    assert Client().get("/databank/waste/?year=abc").status_code == 400
    assert Client().get("/databank/waste/?region=KZ00").status_code == 400
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "20.98" in english.get("/databank/waste/?year=2024").content.decode()


def test_the_import_page_takes_a_file_and_gives_templates(client, cast):
    client.login(username="analyst", password=PASSWORD)
    template = client.get("/databank/import/?template=csv")
    assert template.content.decode().startswith("region,year,waste_code")
    sheet = load_workbook(io.BytesIO(client.get("/databank/import/?template=xlsx").content))
    assert sheet.worksheets[1]["A2"].value == "01 03 06"
    bad = client.post(
        "/databank/import/",
        {"file": upload("bad.csv", csv("KZ75,2024,20 03 01,-1,0,0,0,0,"))},
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Nothing was saved" in page and "The tonnes cannot be negative." in page
    good = client.post("/databank/import/", {"file": upload("2024.csv", GOOD)})
    assert good.status_code == 200 and "Saved: 4 new records, 0 corrected." in good.content.decode()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_indicator_page_shows_the_computed_share_beside_the_plans(client, cast):
    from taza.demo.databank import generate_cadastre

    assert generate_cadastre() > 0 and generate_cadastre() == 0
    shares = recycled_share_by_year()
    assert shares[2024].percent == Decimal("25.87") and shares[2023].percent == Decimal("24.00")
    for language, fact in (("en", "25.87"), ("ru", "25,87"), ("kk", "25,87")):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/programme/indicators/D1-RECYCLED-MSW/")
        text = page.content.decode()
        assert page.status_code == 200 and 'id="computed-values"' in text, language
        assert f"{fact}" in text and "%%" not in text, language
    text = client.get("/programme/indicators/D1-RECYCLED-MSW/").content.decode()
    assert 'data-region="KZ35"' in text  # regions' computed shares, each year
    # An indicator Taza does not compute has no such table.
    other = client.get("/programme/indicators/D2-PROEKO/").content.decode()
    assert 'id="computed-values"' not in other


def test_the_api_gives_the_computed_share_for_the_country_or_a_region(client, cast):
    import_waste("2024.csv", GOOD, actor=cast.analyst)
    country = client.get("/api/v1/databank/recycled-share/").json()
    assert country == [
        {
            "year": 2024,
            "region": "KZ",
            "recycled_share": "20.98",
            "recycled_t": "860.000",
            "generated_t": "4100.000",
        }
    ]
    almaty = client.get("/api/v1/databank/recycled-share/?region=KZ75&year=2024").json()
    assert [r["recycled_share"] for r in almaty] == ["23.64"]
    assert client.get("/api/v1/databank/recycled-share/?year=2023").json() == []
    assert client.get("/api/v1/databank/recycled-share/?year=soon").status_code == 400


def test_the_scorecards_show_the_regions_computed_share_without_scoring_it(client, cast):
    from datetime import date

    from taza.programme.scorecard import scorecards

    before = {c.region.code: c.score for c in scorecards(date(2025, 6, 1), 2025)}
    import_waste("2024.csv", GOOD, actor=cast.analyst)
    cards = {c.region.code: c for c in scorecards(date(2025, 6, 1), 2025)}
    almaty = cards["KZ75"]
    assert almaty.recycled_year == 2024 and almaty.recycled is not None
    assert almaty.recycled.percent == Decimal("23.64")  # 260 / 1100, as above
    assert cards["KZ10"].recycled is None  # no cadastre for Abai
    assert {code: card.score for code, card in cards.items()} == before  # shown, not scored
    # A scorecard of a year before the cadastre's first shows nothing.
    assert all(c.recycled is None for c in scorecards(date(2023, 12, 31), 2023))
    api = {c["region"]: c for c in client.get("/api/v1/programme/scorecards/?year=2025").json()}
    assert api["KZ75"]["recycled_share"] == {"year": 2024, "percent": 23.64}
    assert api["KZ10"]["recycled_share"] is None
    for language, figure in (("en", "23.6%"), ("ru", "23,6%"), ("kk", "23,6%")):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/programme/regions/?year=2025")
        assert figure in page.content.decode(), language
