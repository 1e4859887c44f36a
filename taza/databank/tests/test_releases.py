"""Facilities and the pollutant release register: every import rule, corrections, pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from taza.audit.models import AuditEntry
from taza.conftest import PASSWORD
from taza.databank.models import Facility, ImportBatch, Release
from taza.databank.services import ImportRefused, import_facilities, import_releases

pytestmark = pytest.mark.django_db
FACILITIES = (
    "code,bin,name,operator,operator_is_person,category,sector,lat,lon,permit\n"
    "KZ23-0001,990140000123,Gas processing plant,Example Oil LLP,no,I,oil_gas,47.11,51.92,P-1\n"
    "KZ35-0002,010203040506,Small bakery,Aigerim Seitkali,yes,IV,other,49.80,73.10,\n"
)
HEADER = "facility,pollutant,year,medium,amount,unit,method,correction\n"


def releases(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def errors_of(importer: Any, content: bytes, cast: Any) -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as refused:
        importer("f.csv", content, actor=cast.analyst)
    return [(e.row, e.column) for e in refused.value.errors]


def test_facilities_are_placed_and_imported_twice_stay_one(cast):
    first = import_facilities("f.csv", FACILITIES.encode(), actor=cast.analyst)
    assert (first.created, first.corrected) == (2, 0)
    plant = Facility.objects.get(code="KZ23-0001")
    assert plant.region.code == "KZ23" and plant.category == "I"
    assert plant.akimat is not None and plant.akimat.region_id == plant.region_id
    assert plant.department is not None and plant.department.code == "DEP-ECO-KZ23"
    several = FACILITIES.replace(",P-1\n", ",KZ01VCZ0001; KZ02VDD0002 ;\n")
    import_facilities("h.csv", several.encode(), actor=cast.analyst)
    assert Facility.objects.get(code="KZ23-0001").permits == ["KZ01VCZ0001", "KZ02VDD0002"]
    page = Client().get("/databank/facilities/KZ23-0001/").content.decode()
    assert "<li>KZ02VDD0002</li>" in page
    too_long = FACILITIES.replace(",P-1\n", "," + "X" * 41 + "\n")
    with pytest.raises(ImportRefused) as refused:
        import_facilities("i.csv", too_long.encode(), actor=cast.analyst)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "permit")]
    again = FACILITIES.replace("Gas processing plant", "Gas processing plant No. 1")
    second = import_facilities("g.csv", again.encode(), actor=cast.analyst)
    assert (second.created, second.corrected) == (0, 1) and Facility.objects.count() == 2
    # An individual entrepreneur's name never reaches the trail's values.
    entry = AuditEntry.objects.filter(object_id=str(Facility.objects.get(code="KZ35-0002").pk))
    assert "Aigerim" not in str(list(entry.values_list("changes", flat=True)))


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("X,123,N,O,no,I,oil_gas,47.1,51.9,", "bin"),
        ("X,990140000123,N,O,no,V,oil_gas,47.1,51.9,", "category"),
        ("X,990140000123,N,O,no,I,fishing,47.1,51.9,", "sector"),
        ("X,990140000123,N,O,maybe,I,oil_gas,47.1,51.9,", "operator_is_person"),
        ("X,990140000123,N,O,no,I,oil_gas,10.0,10.0,", "lat"),
        ("X,990140000123,N,O,no,I,oil_gas,north,51.9,", "lat"),
        ("X,990140000123,,O,no,I,oil_gas,47.1,51.9,", "name"),
    ],
)
def test_a_bad_facility_cell_is_named_and_nothing_is_saved(cast, row, column):
    content = FACILITIES.encode() + (row + "\n").encode()
    assert (4, column) in errors_of(import_facilities, content, cast)
    assert not Facility.objects.exists()


def test_releases_are_checked_corrected_with_history_and_never_doubled(cast, plants):
    good = releases("KZ23-0001,SOX,2024,air,1250.5,t,M,", "KZ23-0001,HG,2024,air,3,kg,C,no")
    result = import_releases("r.csv", good, actor=cast.analyst)
    assert (result.created, result.corrected) == (2, 0)
    assert Release.objects.get(pollutant="HG").tonnes == Decimal("0.003")  # kg to tonnes
    assert import_releases("copy.csv", good, actor=cast.analyst).repeated
    again = releases("KZ23-0001,SOX,2024,air,1300,t,M,")
    assert errors_of(import_releases, again, cast) == [(2, "correction")]
    fixed = import_releases(
        "fix.csv", releases("KZ23-0001,SOX,2024,air,1300,t,M,yes"), actor=cast.analyst
    )
    assert fixed.corrected == 1
    old, new = Release.objects.filter(pollutant="SOX").order_by("pk")
    assert not old.current and old.replaced_by == new and new.tonnes == 1300
    assert ImportBatch.objects.filter(kind="releases").count() == 2


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("KZ99-9999,SOX,2024,air,1,t,M,", "facility"),
        ("KZ23-0001,XYZ,2024,air,1,t,M,", "pollutant"),
        ("KZ23-0001,SOX,2999,air,1,t,M,", "year"),
        ("KZ23-0001,SOX,2024,space,1,t,M,", "medium"),
        ("KZ23-0001,SOX,2024,air,1,mg/m3,M,", "unit"),  # a concentration, not an amount
        ("KZ23-0001,SOX,2024,air,-1,t,M,", "amount"),
        ("KZ23-0001,SOX,2024,air,nan,t,M,", "amount"),
        ("KZ23-0001,SOX,2024,air,90000000,t,M,", "amount"),  # more than any country
        ("KZ23-0001,SOX,2024,air,1,t,X,", "method"),
        ("KZ23-0001,SOX,2023,air,1,t,M,yes", "correction"),  # nothing to correct
    ],
)
def test_a_bad_release_cell_is_named_and_nothing_is_saved(cast, plants, row, column):
    content = releases("KZ23-0001,NOX,2024,air,10,t,M,", row)
    assert (3, column) in errors_of(import_releases, content, cast)
    assert not Release.objects.exists()


def test_the_pages_rank_emitters_and_show_a_facility_without_personal_data(cast, plants):
    import_releases(
        "r.csv",
        releases(
            "KZ23-0001,SOX,2024,air,1250.5,t,M,",
            "KZ35-0002,SOX,2024,air,2,t,E,",
            "KZ23-0001,CO2,2024,air,50000,t,C,",
        ),
        actor=cast.analyst,
    )
    for language in ("kk", "ru", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        page = client.get("/databank/facilities/?pollutant=SOX&year=2024").content.decode()
        assert page.index("KZ23-0001") < page.index("KZ35-0002")
        assert "Aigerim" not in page and "Example Oil LLP" in page
        detail = client.get("/databank/facilities/KZ35-0002/")
        assert detail.status_code == 200 and "Aigerim" not in detail.content.decode()
    plant = Client(HTTP_ACCEPT_LANGUAGE="en").get("/databank/facilities/KZ23-0001/").content
    assert "above: must be reported" in plant.decode()  # 1,250 t SOx over 150 t
    assert "below" in plant.decode()  # 50,000 t CO2 under 100,000 t
    assert Client().get("/databank/facilities/?pollutant=XYZ").status_code == 400
    assert Client().get("/databank/facilities/NOPE/").status_code == 404


def test_the_import_page_takes_each_kind_and_gives_its_template(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.login(username="analyst", password=PASSWORD)
    assert client.get("/databank/import/?template=releases").content.startswith(b"facility,")
    answer = client.post(
        "/databank/import/",
        {"kind": "facilities", "file": SimpleUploadedFile("f.csv", FACILITIES.encode())},
    )
    assert answer.status_code == 200 and Facility.objects.count() == 2


def test_the_demo_facilities_look_like_the_economy():
    from taza.demo.databank import generate_facilities

    made = generate_facilities()
    assert made > 20 and generate_facilities() == 0
    sectors = set(Facility.objects.values_list("region__code", "sector"))
    assert {("KZ23", "oil_gas"), ("KZ35", "metallurgy"), ("KZ55", "power")} <= sectors
    assert Facility.objects.filter(sector="waste").count() == 20  # a landfill in each region


def test_a_pollutant_page_sums_the_releases_by_year_and_medium(cast, plants):
    import_releases(
        "r.csv",
        releases(
            "KZ23-0001,SOX,2024,air,1000,t,M,",
            "KZ35-0002,SOX,2024,air,500,kg,E,",
            "KZ23-0001,SOX,2023,air,800,t,M,",
            "KZ23-0001,SOX,2024,water,3,t,C,",
        ),
        actor=cast.analyst,
    )
    for language, word in (("kk", "Күкірт"), ("ru", "Оксиды серы"), ("en", "Sulphur oxides")):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/databank/pollutants/sox/")
        text = page.content.decode()
        assert page.status_code == 200 and word in text, language
        assert "Aigerim" not in text
        row = text.split('data-year="2024" data-medium="air"')[1].split("</tr>")[0]
        # 1,000 t and 500 kg: 1,000.5 t, by two facilities, in the reader's digits.
        assert ("000,5" in row or "000.5" in row) and '<td class="number">2</td>' in row
    listing = Client().get("/databank/pollutants/").content.decode()
    assert 'data-pollutant="HG"' in listing and "/databank/pollutants/SOX/" in listing
    assert Client().get("/databank/pollutants/XYZ/").status_code == 404
    assert Client().get("/databank/pollutants/NOX/").status_code == 200  # nothing reported yet


def test_every_demo_facility_has_its_local_akimat():
    from taza.demo.databank import generate_facilities

    generate_facilities()
    for facility in Facility.objects.select_related("akimat", "district"):
        assert facility.akimat is not None, facility.code
        assert facility.akimat.region_id == facility.region_id
        if facility.district is not None:
            assert facility.akimat.district_id == facility.district_id


def _totals_from_releases() -> dict[tuple[Any, ...], Decimal]:
    from django.db.models import Sum

    rows = (
        Release.objects.filter(current=True)
        .values_list("year", "pollutant", "medium", "facility__region", "facility__sector")
        .annotate(sum=Sum("tonnes"))
    )
    return {tuple(row[:5]): row[5] for row in rows}


def _kept_totals() -> dict[tuple[Any, ...], Decimal]:
    from taza.databank.models import ReleaseTotal

    return {
        (t.year, t.pollutant, t.medium, t.region_id, t.sector): t.tonnes
        for t in ReleaseTotal.objects.all()
    }


def test_the_kept_totals_follow_imports_corrections_and_a_facility_that_moves(cast, plants):
    from taza.databank.querysets import totals_by

    import_releases(
        "r.csv",
        releases("KZ23-0001,SOX,2024,air,1250.5,t,M,", "KZ35-0002,SOX,2024,air,300,kg,E,"),
        actor=cast.analyst,
    )
    assert _kept_totals() == _totals_from_releases() and len(_kept_totals()) == 2
    import_releases("c.csv", releases("KZ23-0001,SOX,2024,air,1000,t,M,yes"), actor=cast.analyst)
    assert _kept_totals() == _totals_from_releases()
    by_region = {row["region"]: row["tonnes"] for row in totals_by("region", "SOX", 2024)}
    assert sorted(Decimal(str(t)) for t in by_region.values()) == [Decimal("0.3"), Decimal("1000")]
    # The register moves the plant to another region and sector: the totals follow it.
    moved = FACILITIES.replace("oil_gas,47.11,51.92", "power,51.72,75.32")
    import_facilities("moved.csv", moved.encode(), actor=cast.analyst)
    assert Facility.objects.get(code="KZ23-0001").region.code == "KZ55"
    assert _kept_totals() == _totals_from_releases()
    assert {row["sector"] for row in totals_by("sector", "SOX", 2024)} == {"power", "other"}


def test_the_top_emitters_are_the_largest_releases_within_a_region(cast, plants):
    from taza.databank.querysets import top_emitters

    import_releases(
        "r.csv",
        releases("KZ23-0001,SOX,2024,air,1,t,M,", "KZ35-0002,SOX,2024,air,2,t,E,"),
        actor=cast.analyst,
    )
    assert [f.code for f in top_emitters("SOX", 2024)] == ["KZ35-0002", "KZ23-0001"]
    atyrau = Facility.objects.get(code="KZ23-0001").region_id
    top = top_emitters("SOX", 2024, region_id=atyrau)
    assert [(f.code, f.tonnes) for f in top] == [("KZ23-0001", Decimal("1.000"))]  # type: ignore[attr-defined]
    assert top_emitters("SOX", 2023) == []
