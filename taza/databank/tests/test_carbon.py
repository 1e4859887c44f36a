"""The carbon cadastre: CO2-equivalent by the stated potentials, every import rule, pages."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from taza.conftest import PASSWORD
from taza.databank.greenhouse import gases
from taza.databank.models import GreenhouseEmission
from taza.databank.services import ImportRefused, import_carbon

pytestmark = pytest.mark.django_db
HEADER = "facility,installation,year,gas,amount,unit,method,correction\n"


def carbon(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def errors_of(content: bytes, cast: Any, name: str = "c.csv") -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as refused:
        import_carbon(name, content, actor=cast.analyst)
    return [(e.row, e.column) for e in refused.value.errors]


def test_the_potentials_are_ar5_and_stated_with_their_source():
    """Check the data file against the AR5 table (WG1 ch. 8, table 8.A.1), not against itself."""
    known = gases()
    assert {code: known[code].gwp for code in ("CO2", "CH4", "N2O", "SF6", "NF3")} == {
        "CO2": 1,
        "CH4": 28,
        "N2O": 265,
        "SF6": 23500,
        "NF3": 16100,
    }
    assert known["HFC-134A"].gwp == 1300 and known["CF4"].gwp == 6630
    from taza.databank.greenhouse import DATA

    assert "AR5" in json.loads(DATA.read_text(encoding="utf-8"))["source"]


def test_co2_equivalent_is_computed_kept_and_corrected_with_history(cast, plants):
    good = carbon(
        "KZ23-0001,Gas turbine 1,2024,CO2,412.5,kt,C,",
        "KZ23-0001,Flare,2024,ch4,96.2,t,E,no",
        "KZ23-0001,Switchgear,2024,SF6,12,kg,C,no",
    )
    result = import_carbon("c.csv", good, actor=cast.analyst)
    assert (result.created, result.corrected) == (3, 0)
    by_gas = {r.gas: r for r in GreenhouseEmission.objects.all()}
    # Worked by hand: 412.5 kt = 412,500 t CO2; 96.2 t CH4 x 28; 0.012 t SF6 x 23,500.
    assert by_gas["CO2"].co2e == Decimal("412500")
    assert by_gas["CH4"].co2e == Decimal("2693.6") and by_gas["CH4"].gwp == 28
    assert by_gas["SF6"].tonnes == Decimal("0.012") and by_gas["SF6"].co2e == Decimal("282")
    assert import_carbon("copy.csv", good, actor=cast.analyst).repeated
    again = carbon("KZ23-0001,Flare,2024,CH4,90,t,E,")
    assert errors_of(again, cast) == [(2, "correction")]
    fix = carbon("KZ23-0001,Flare,2024,CH4,90,t,E,yes")
    fixed = import_carbon("fix.csv", fix, actor=cast.analyst)
    assert fixed.corrected == 1
    old, new = GreenhouseEmission.objects.filter(gas="CH4").order_by("pk")
    assert not old.current and old.replaced_by == new and new.co2e == Decimal("2520")


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("KZ99-9999,Boiler,2024,CO2,1,t,M,", "facility"),
        ("KZ23-0001,Boiler,2024,CO3,1,t,M,", "gas"),
        ("KZ23-0001,Boiler,2024,SOX,1,t,M,", "gas"),  # a pollutant, not a greenhouse gas
        ("KZ23-0001,Boiler,2999,CO2,1,t,M,", "year"),
        ("KZ23-0001,Boiler,1990,CO2,1,t,M,", "year"),
        ("KZ23-0001,Boiler,2024,CO2,1,m3,M,", "unit"),
        ("KZ23-0001,Boiler,2024,CO2,-1,t,M,", "amount"),
        ("KZ23-0001,Boiler,2024,CO2,inf,t,M,", "amount"),
        ("KZ23-0001,Boiler,2024,SF6,20000,t,M,", "amount"),  # 470 Mt CO2e: more than the country
        ("KZ23-0001,Boiler,2024,CO2,1,t,Q,", "method"),
        ("KZ23-0001,Boiler,2024,CO2,1,t,M,maybe", "correction"),
        ("KZ23-0001,Boiler,2023,CO2,1,t,M,yes", "correction"),  # nothing to correct
        ("KZ23-0001,,2024,CO2,1,t,M,", "installation"),
        ("KZ23-0001," + "x" * 101 + ",2024,CO2,1,t,M,", "installation"),
        ("KZ23-0001,Gas turbine 1,2024,CO2,5,t,M,", "gas"),  # the same line twice in a file
    ],
)
def test_a_bad_carbon_cell_is_named_and_nothing_is_saved(cast, plants, row, column):
    content = carbon("KZ23-0001,Gas turbine 1,2024,CO2,10,t,M,", row)
    assert (3, column) in errors_of(content, cast)
    assert not GreenhouseEmission.objects.exists()


def test_a_json_file_is_taken_like_a_csv(cast, plants):
    rows = [
        {"facility": "KZ23-0001", "installation": "Flare", "year": 2024, "gas": "CH4",
         "amount": 10.5, "unit": "t", "method": "E", "correction": False},
    ]  # fmt: skip
    result = import_carbon("c.json", json.dumps(rows).encode(), actor=cast.analyst)
    assert result.created == 1 and GreenhouseEmission.objects.get().co2e == Decimal("294")
    for broken in (b"{", b'{"rows": 5}', b"[1, 2]", b'[{"gas": {"nested": 1}}]', b"\xff\xfe"):
        assert errors_of(broken, cast, name="broken.json") == [(0, "file")]


def test_the_carbon_page_sums_by_gas_region_and_sector_in_every_language(cast, plants):
    import_carbon(
        "c.csv",
        carbon(
            "KZ23-0001,Gas turbine 1,2024,CO2,100000,t,C,",
            "KZ23-0001,Flare,2024,CH4,100,t,E,",
            "KZ35-0002,Oven,2024,CO2,50,t,E,",
        ),
        actor=cast.analyst,
    )
    for language, word in (("kk", "Метан"), ("ru", "Метан"), ("en", "Methane")):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        page = client.get("/databank/carbon/").content.decode()
        assert word in page and "Aigerim" not in page
        assert "102" in page  # 100,000 + 2,800 + 50 t CO2e, in the reader's digits
        assert page.index("Gas turbine 1") < page.index("Oven")
    atyrau = Client().get("/databank/carbon/?region=KZ23&year=2024").content.decode()
    assert "Gas turbine 1" in atyrau and "Oven" not in atyrau
    facility = Client().get("/databank/facilities/KZ23-0001/").content.decode()
    assert 'id="greenhouse"' in facility and "Flare" in facility
    for bad in ("?year=abc", "?year=1800", "?region=KZ99"):
        assert Client().get("/databank/carbon/" + bad).status_code == 400
    assert "no reports yet" not in Client().get("/databank/carbon/?year=2023").content.decode()


def test_an_empty_cadastre_says_so(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/databank/carbon/")
    assert page.status_code == 200 and "no reports yet" in page.content.decode()


def test_the_import_page_takes_the_carbon_cadastre_and_gives_json_templates(client, cast, plants):
    client.login(username="analyst", password=PASSWORD)
    template = client.get("/databank/import/?template=carbon")
    assert template.content.startswith(b"facility,installation,")
    as_json = json.loads(client.get("/databank/import/?template=carbon&format=json").content)
    assert as_json[0]["gas"] == "CO2" and as_json[0]["unit"] == "kt"
    upload = SimpleUploadedFile(
        "c.json", json.dumps([dict(as_json[0], facility="KZ23-0001")]).encode()
    )
    answer = client.post("/databank/import/", {"kind": "carbon", "file": upload})
    assert answer.status_code == 200 and GreenhouseEmission.objects.count() == 1
    client.logout()
    client.login(username="astana", password=PASSWORD)
    assert client.get("/databank/import/?template=carbon").status_code == 403


def test_the_demo_carbon_cadastre_follows_the_releases_and_the_potentials():
    from taza.demo.databank import generate_facilities

    generate_facilities()
    for record in GreenhouseEmission.objects.all():
        assert record.co2e == (record.tonnes * gases()[record.gas].gwp).quantize(Decimal("0.001"))
    assert GreenhouseEmission.objects.filter(gas="SF6").exists()
    assert GreenhouseEmission.objects.filter(facility__region__code="KZ55", gas="CO2").exists()


def test_the_api_lists_releases_and_the_carbon_cadastre_without_personal_data(cast, plants):
    from taza.databank.services import import_releases

    import_carbon(
        "c.csv",
        carbon("KZ23-0001,Flare,2024,CH4,96.2,t,E,", "KZ35-0002,Oven,2024,CO2,50,t,E,"),
        actor=cast.analyst,
    )
    lines = "facility,pollutant,year,medium,amount,unit,method\n"
    lines += "KZ23-0001,SOX,2024,air,1250.5,t,M\nKZ35-0002,SOX,2023,air,2,t,E\n"
    import_releases("r.csv", lines.encode(), actor=cast.analyst)
    client = Client()
    found = client.get("/api/v1/databank/carbon/?gas=CH4").json()
    assert found["count"] == 1
    assert found["results"][0] | {"facility": None} == {
        "facility": None,
        "installation": "Flare",
        "year": 2024,
        "gas": "CH4",
        "tonnes": "96.200",
        "gwp": 28,
        "co2e": "2693.600",
        "method": "E",
    }
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    karaganda = english.get("/api/v1/databank/carbon/?region=KZ35").json()["results"]
    assert [r["facility"]["operator"] for r in karaganda] == ["individual entrepreneur"]
    releases = client.get("/api/v1/databank/releases/?pollutant=SOX&year=2024").json()
    assert [r["facility"]["code"] for r in releases["results"]] == ["KZ23-0001"]
    assert releases["results"][0]["tonnes"] == "1250.500"
    everything = client.get("/api/v1/databank/releases/?limit=1").json()
    assert everything["count"] == 2 and len(everything["results"]) == 1
    assert "Aigerim" not in client.get("/api/v1/databank/releases/").content.decode()
    for bad in ("?year=soon", "?pollutant=XYZ", "?medium=space", "?region=KZ00", "?limit=0"):
        answer = client.get("/api/v1/databank/releases/" + bad)
        assert answer.status_code == 400, bad
    assert client.get("/api/v1/databank/carbon/?gas=SOX").status_code == 400


def test_every_template_comes_as_csv_json_and_xlsx_and_is_taken_back(client, cast, plants):
    import io

    from openpyxl import load_workbook

    client.login(username="analyst", password=PASSWORD)
    for kind, sheet in (
        ("csv", "Waste codes"),
        ("facilities", None),
        ("releases", "Pollutants"),
        ("carbon", "Gases"),
        ("control", "Pollutants"),
        ("transfers", None),
    ):
        as_csv = client.get(f"/databank/import/?template={kind}", HTTP_ACCEPT_LANGUAGE="en")
        book = load_workbook(
            io.BytesIO(
                client.get(
                    f"/databank/import/?template={kind}&format=xlsx", HTTP_ACCEPT_LANGUAGE="en"
                ).content
            )
        )
        header = [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))]
        assert header == as_csv.content.decode().splitlines()[0].split(","), kind
        assert (sheet in book.sheetnames) if sheet else len(book.sheetnames) == 1, kind
        as_json = json.loads(client.get(f"/databank/import/?template={kind}&format=json").content)
        assert list(as_json[0]) == header, kind
    # The XLSX template, filled in as an analyst would, is taken in like the CSV.
    book = load_workbook(
        io.BytesIO(client.get("/databank/import/?template=carbon&format=xlsx").content)
    )
    book.worksheets[0]["A2"] = "KZ23-0001"
    book.worksheets[0].delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("carbon.xlsx", buffer.getvalue())
    answer = client.post("/databank/import/", {"kind": "carbon", "file": upload})
    assert answer.status_code == 200 and GreenhouseEmission.objects.get().co2e == 412500
    assert client.get("/databank/import/?template=xlsx").content[:2] == b"PK"  # the old link
