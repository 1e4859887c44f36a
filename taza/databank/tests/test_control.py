"""Industrial environmental control: measurements against permitted limits, every rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from taza.conftest import PASSWORD
from taza.databank.models import ControlMeasurement
from taza.databank.services import ImportRefused, import_control

pytestmark = pytest.mark.django_db
HEADER = "facility,point,kind,pollutant,date,value,limit,unit,correction\n"
GOOD = "KZ23-0001,Stack 1,source,SOX,2024-05-17,12.4,15,g/s,"


def control(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def errors_of(content: bytes, cast: Any) -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as refused:
        import_control("c.csv", content, actor=cast.analyst)
    return [(e.row, e.column) for e in refused.value.errors]


def test_exceedances_are_flagged_and_a_value_at_the_limit_is_within_it(cast, plants):
    result = import_control(
        "c.csv",
        control(
            GOOD,
            "KZ23-0001,SPZ north,boundary,H2S,2024-05-17,0.011,0.008,mg/m³,no",
            "KZ23-0001,SPZ north,boundary,H2S,2024-06-17,0.008,0.008,mg/m3,no",
        ),
        actor=cast.analyst,
    )
    assert result.created == 3
    by_day = {
        (m.pollutant, m.measured_on): m for m in ControlMeasurement.objects.filter(current=True)
    }
    assert not by_day[("SOX", date(2024, 5, 17))].exceeds
    high = by_day[("H2S", date(2024, 5, 17))]
    assert high.exceeds and high.unit == "mg/m3" and round(high.ratio, 3) == 1.375
    assert not by_day[("H2S", date(2024, 6, 17))].exceeds  # equal to the limit


def test_a_correction_replaces_a_value_and_keeps_the_history(cast, plants):
    import_control("a.csv", control(GOOD), actor=cast.analyst)
    assert import_control("copy.csv", control(GOOD), actor=cast.analyst).repeated
    assert errors_of(control(GOOD.replace("12.4", "16")), cast) == [(2, "correction")]
    fixed = import_control("b.csv", control(GOOD.replace("12.4", "16") + "yes"), actor=cast.analyst)
    assert fixed.corrected == 1
    old, new = ControlMeasurement.objects.order_by("pk")
    assert not old.current and old.replaced_by == new and new.value == Decimal("16")


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("KZ99-9999,Stack 1,source,SOX,2024-05-18,1,15,g/s,", "facility"),
        ("KZ23-0001,Stack 1,chimney,SOX,2024-05-18,1,15,g/s,", "kind"),
        ("KZ23-0001,Stack 1,source,XYZ,2024-05-18,1,15,g/s,", "pollutant"),
        ("KZ23-0001,Stack 1,source,SOX,2024-02-30,1,15,g/s,", "date"),
        ("KZ23-0001,Stack 1,source,SOX,17.05.2024,1,15,g/s,", "date"),
        ("KZ23-0001,Stack 1,source,SOX,2999-01-01,1,15,g/s,", "date"),
        ("KZ23-0001,Stack 1,source,SOX,1999-01-01,1,15,g/s,", "date"),
        ("KZ23-0001,Stack 1,source,SOX,2024-05-18,-1,15,g/s,", "value"),
        ("KZ23-0001,Stack 1,source,SOX,2024-05-18,nan,15,g/s,", "value"),
        ("KZ23-0001,Stack 1,source,SOX,2024-05-18,5000000,15,g/s,", "value"),
        ("KZ23-0001,Stack 1,source,SOX,2024-05-18,1,0,g/s,", "limit"),
        ("KZ23-0001,Stack 1,source,SOX,2024-05-18,1,15,t,", "unit"),
        ("KZ23-0001,SPZ,boundary,SOX,2024-05-18,1,15,g/s,", "unit"),  # a rate at a boundary
        ("KZ23-0001,Stack 1,source,SOX,2024-05-18,1,15,g/s,perhaps", "correction"),
        ("KZ23-0001,Stack 1,source,SOX,2024-05-18,1,15,g/s,yes", "correction"),  # nothing
        ("KZ23-0001,,source,SOX,2024-05-18,1,15,g/s,", "point"),
        ("KZ23-0001," + "p" * 101 + ",source,SOX,2024-05-18,1,15,g/s,", "point"),
        (GOOD, "date"),  # the same point, pollutant and date twice in one file
    ],
)
def test_a_bad_control_cell_is_named_and_nothing_is_saved(cast, plants, row, column):
    assert (3, column) in errors_of(control(GOOD, row), cast)
    assert not ControlMeasurement.objects.exists()


def test_the_control_page_lists_exceedances_in_every_language(cast, plants):
    import_control(
        "c.csv",
        control(GOOD, "KZ23-0001,SPZ north,boundary,H2S,2024-05-17,0.011,0.008,mg/m3,"),
        actor=cast.analyst,
    )
    for language, word in (("kk", "Күкіртсутек"), ("ru", "Сероводород"), ("en", "Hydrogen")):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/databank/control/").content.decode()
        assert word in page and ("1,38" in page or "1.38" in page)
        assert "Stack 1" not in page.split('id="exceedances"')[1].split("</table>")[0]
    elsewhere = Client().get("/databank/control/?region=KZ75&year=2024").content.decode()
    assert "SPZ north" not in elsewhere
    facility = Client(HTTP_ACCEPT_LANGUAGE="en").get("/databank/facilities/KZ23-0001/")
    assert "above the limit: 1.38 times" in facility.content.decode()
    for bad in ("?year=x", "?year=99999", "?region=nowhere"):
        assert Client().get("/databank/control/" + bad).status_code == 400
    empty = Client(HTTP_ACCEPT_LANGUAGE="en").get("/databank/control/?year=2023")
    assert empty.status_code == 200 and "No measurement above its limit" in empty.content.decode()


def test_only_analysts_take_control_files_in(client, cast, plants):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.login(username="astana", password=PASSWORD)
    upload = SimpleUploadedFile("c.csv", control(GOOD))
    assert client.post("/databank/import/", {"kind": "control", "file": upload}).status_code == 403
    client.login(username="analyst", password=PASSWORD)
    assert client.get("/databank/import/?template=control").content.startswith(b"facility,point")
    upload = SimpleUploadedFile("c.csv", control(GOOD))
    assert client.post("/databank/import/", {"kind": "control", "file": upload}).status_code == 200
    assert ControlMeasurement.objects.count() == 1


def test_the_demo_control_has_a_few_exceedances():
    from taza.demo.databank import generate_facilities

    generate_facilities()
    measured = ControlMeasurement.objects.count()
    exceeded = sum(m.exceeds for m in ControlMeasurement.objects.all())
    assert measured > 100 and 0 < exceeded < measured * 0.25
