"""The data bank's indicators: each formula against figures computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from taza.databank.indicators import BY_CODE, INDICATORS
from taza.databank.services import (
    import_facilities,
    import_permits,
    import_releases,
    import_waste,
)

pytestmark = pytest.mark.django_db
FACILITIES = (
    "code,bin,name,operator,operator_is_person,category,sector,lat,lon\n"
    "A-1,990140000123,Gas plant,Oil LLP,no,I,oil_gas,47.11,51.92\n"
    "A-2,990140000124,Cement works,Cement JSC,no,II,other,43.3,76.9\n"
    "A-3,990140000125,Bakery,Bakery LLP,no,II,other,49.80,73.10\n"
    "A-4,990140000126,Small shop,Shop LLP,no,IV,other,51.1,71.4\n"
)


@pytest.fixture
def bank(cast):
    import_facilities("f.csv", FACILITIES.encode(), actor=cast.analyst)
    import_waste(
        "w.csv",
        b"region,year,waste_code,generated,collected,recycled,recovered,disposed\n"
        b"KZ75,2024,20 03 01,1000,800,200,0,500\n"
        b"KZ23,2024,20 03 01,3000,1500,300,100,1000\n"
        b"KZ23,2024,10 01 01,9000,9000,9000,0,0\n",
        actor=cast.analyst,
    )
    import_releases(
        "r.csv",
        b"facility,pollutant,year,medium,amount,unit,method\n"
        b"A-1,SOX,2024,air,120,t,M\nA-1,NOX,2024,air,50,t,M\nA-2,SOX,2024,air,10,t,C\n",
        actor=cast.analyst,
    )
    import_permits(
        "p.csv",
        b"facility,permit,kind,issued_on,valid_until,pollutant,medium,amount,unit\n"
        b"A-1,P-1,integrated,2020-01-01,2029-12-31,SOX,air,100,t\n"
        b"A-1,P-1,integrated,2020-01-01,2029-12-31,NOX,air,50,t\n"
        b"A-2,P-2,emissions,2020-01-01,2023-12-31,SOX,air,5,t\n",
        actor=cast.analyst,
    )


def test_each_indicator_against_hand_figures(bank):
    def percent(code: str, region: int | None = None) -> Decimal | None:
        return BY_CODE[code].compute(2024, region).percent

    # Municipal only: (200 + 300) / (1000 + 3000); the ash of 10 01 01 does not count.
    assert percent("recycled-share") == Decimal("12.50")
    assert percent("collected-share") == Decimal("57.50")  # (800 + 1500) / 4000
    # reported; A-3 (category II) did not; A-4 (IV) need not.
    assert percent("reported-share") == Decimal("66.67")
    # A-1's SOx 120 t over its 100 t, its NOx 50 t at its 50 t (within); A-2's permit
    # ended in 2023, so its 2024 release has no limit and is not counted: 1 of 2.
    assert percent("within-permit-share") == Decimal("50.00")
    from taza.geo.models import Region

    almaty = Region.objects.get(code="KZ75").pk
    assert percent("recycled-share", almaty) == Decimal("20.00")
    assert percent("within-permit-share", almaty) is None  # nothing to count: not 0


def test_the_indicators_in_the_api_with_their_terms(bank):
    rows = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/api/v1/databank/indicators/?year=2024").json()
    assert [r["code"] for r in rows] == [i.code for i in INDICATORS]
    first = rows[0]
    assert (first["percent"], first["numerator"], first["denominator"]) == (
        "12.50",
        "500.000",
        "4000.000",
    )
    assert first["name"] == "Доля переработанных коммунальных отходов"
    assert first["region"] == "KZ" and first["year"] == 2024
    empty = Client().get("/api/v1/databank/indicators/?year=2001").json()
    # No waste, no release, no permit in 2001: nothing to count, except that none of
    # the three facilities that owe a report reported.
    assert [r["percent"] for r in empty] == [None, None, "0.00", None]
    assert Client().get("/api/v1/databank/indicators/?year=abc").status_code == 400
    assert Client().get("/api/v1/databank/indicators/?region=XX").status_code == 400
