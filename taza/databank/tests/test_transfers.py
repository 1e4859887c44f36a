"""Transfers of waste off site (the register's second half): every rule, the page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from taza.databank.models import Transfer
from taza.databank.services import ImportRefused, import_transfers

pytestmark = pytest.mark.django_db
HEADER = "facility,year,hazardous,treatment,country,amount,unit,method,correction\n"
GOOD = "KZ23-0001,2024,yes,D,KZ,145.2,t,M,"


def transfers(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def errors_of(content: bytes, cast: Any) -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as refused:
        import_transfers("t.csv", content, actor=cast.analyst)
    return [(e.row, e.column) for e in refused.value.errors]


def test_transfers_are_taken_against_the_registers_thresholds(cast, plants):
    result = import_transfers(
        "t.csv",
        transfers(GOOD, "KZ23-0001,2024,no,R,,1500,t,C,", "KZ23-0001,2024,yes,R,uz,1500,kg,E,"),
        actor=cast.analyst,
    )
    assert result.created == 3
    by_key = {(t.hazardous, t.treatment, t.country): t for t in Transfer.objects.all()}
    assert by_key[(True, "D", "KZ")].above_threshold  # 145 t hazardous over 2 t
    assert not by_key[(False, "R", "KZ")].above_threshold  # 1,500 t other under 2,000 t
    abroad = by_key[(True, "R", "UZ")]
    assert abroad.tonnes == Decimal("1.5") and not abroad.above_threshold  # 1.5 t under 2 t
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/databank/facilities/KZ23-0001/")
    assert 'id="transfers"' in page.content.decode()


def test_a_correction_keeps_the_history(cast, plants):
    import_transfers("a.csv", transfers(GOOD), actor=cast.analyst)
    assert import_transfers("copy.csv", transfers(GOOD), actor=cast.analyst).repeated
    assert errors_of(transfers(GOOD.replace("145.2", "150")), cast) == [(2, "correction")]
    fixed = transfers(GOOD.replace("145.2", "150") + "yes")
    assert import_transfers("b.csv", fixed, actor=cast.analyst).corrected == 1
    old, new = Transfer.objects.order_by("pk")
    assert not old.current and old.replaced_by == new and new.tonnes == 150


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("KZ99-9999,2024,yes,D,KZ,1,t,M,", "facility"),
        ("KZ23-0001,2999,yes,D,KZ,1,t,M,", "year"),
        ("KZ23-0001,2024,maybe,D,KZ,1,t,M,", "hazardous"),
        ("KZ23-0001,2024,yes,X,KZ,1,t,M,", "treatment"),
        ("KZ23-0001,2024,yes,D,Kazakhstan,1,t,M,", "country"),
        ("KZ23-0001,2024,yes,D,K1,1,t,M,", "country"),
        ("KZ23-0001,2024,yes,D,KZ,1,m3,M,", "unit"),
        ("KZ23-0001,2024,yes,D,KZ,-1,t,M,", "amount"),
        ("KZ23-0001,2024,yes,D,KZ,1e12,t,M,", "amount"),
        ("KZ23-0001,2024,yes,D,KZ,1,t,Z,", "method"),
        ("KZ23-0001,2023,yes,D,KZ,1,t,M,yes", "correction"),  # nothing to correct
        (GOOD, "treatment"),  # the same transfer twice in a file
    ],
)
def test_a_bad_transfer_cell_is_named_and_nothing_is_saved(cast, plants, row, column):
    assert (3, column) in errors_of(transfers(GOOD, row), cast)
    assert not Transfer.objects.exists()


def test_the_demo_transfers_exist_and_are_open_data():
    from taza.demo.databank import generate_facilities
    from taza.opendata.publish import BY_SLUG

    generate_facilities()
    assert Transfer.objects.filter(hazardous=True).exists()
    rows = list(BY_SLUG["waste-transfers"].rows())
    assert len(rows) == Transfer.objects.count() and rows[0]["country"] == "KZ"
