"""Permits and their limits: every import rule, the limit in force, the pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from taza.databank.models import PermitLimit, PermitState, permit_state
from taza.databank.querysets import limits_for, permits
from taza.databank.services import ImportRefused, import_permits, import_releases

pytestmark = pytest.mark.django_db
HEADER = "facility,permit,kind,issued_on,valid_until,pollutant,medium,amount,unit,correction\n"
OLD = "KZ23-0001,P-1,emissions,2019-01-01,2023-06-30,SOX,air,1500,t,"
NEW = "KZ23-0001,P-2,integrated,2023-07-01,2032-12-31,SOX,air,1100,t,"


def limits(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def errors_of(content: bytes, cast: Any) -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as refused:
        import_permits("p.csv", content, actor=cast.analyst)
    return [(e.row, e.column) for e in refused.value.errors]


@pytest.mark.parametrize(
    ("issued", "until", "today", "state"),
    [
        (date(2020, 1, 1), date(2030, 1, 1), date(2026, 1, 1), PermitState.IN_FORCE),
        (date(2020, 1, 1), date(2026, 3, 31), date(2026, 1, 1), PermitState.EXPIRING),
        (date(2020, 1, 1), date(2026, 4, 1), date(2026, 1, 1), PermitState.EXPIRING),
        (date(2020, 1, 1), date(2026, 4, 2), date(2026, 1, 1), PermitState.IN_FORCE),
        (date(2020, 1, 1), date(2026, 1, 1), date(2026, 1, 1), PermitState.EXPIRING),
        (date(2020, 1, 1), date(2025, 12, 31), date(2026, 1, 1), PermitState.EXPIRED),
        (date(2026, 1, 2), date(2030, 1, 1), date(2026, 1, 1), PermitState.NOT_YET),
    ],
)
def test_a_permits_state_on_a_day_at_every_edge(issued, until, today, state):
    # Within 90 days of its end a permit is "expiring" (1 April is 90 days after 1 January).
    assert permit_state(issued, until, today) == state


def test_the_limit_of_the_permit_in_force_that_year_applies(cast, plants):
    result = import_permits("p.csv", limits(OLD, NEW), actor=cast.analyst)
    assert (result.created, result.corrected) == (2, 0)
    import_releases(
        "r.csv",
        b"facility,pollutant,year,medium,amount,unit,method\n"
        b"KZ23-0001,SOX,2022,air,1400,t,M\nKZ23-0001,SOX,2024,air,1250.5,t,M\n",
        actor=cast.analyst,
    )
    from taza.databank.models import Facility

    plant = Facility.objects.get(code="KZ23-0001")
    found = limits_for(plant, {2022, 2023, 2024, 2040})
    assert found[("SOX", "air", 2022)].permit == "P-1"
    # In 2023 both were in force: the newer permit's limit applies.
    assert found[("SOX", "air", 2023)].permit == "P-2"
    assert found[("SOX", "air", 2024)].permit == "P-2"
    assert ("SOX", "air", 2040) not in found
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/databank/facilities/KZ23-0001/").content.decode()
    # 2024: 1,250.5 t against 1,100 t permitted: above; 2022: 1,400 against 1,500: within.
    assert page.count('class="exceeds"') == 1
    assert 'data-year="2024" class="exceeds"' in page
    assert "above the permit" in page and 'id="release-charts"' in page
    assert 'data-permit="P-2"' in page and "Department of Ecology for Atyrau Region" in page


def test_a_permit_is_one_kind_and_one_period_in_a_file(cast, plants):
    other = NEW.replace("SOX", "NOX").replace("2032-12-31", "2033-12-31")
    assert errors_of(limits(NEW, other), cast) == [(3, "permit")]
    assert not PermitLimit.objects.exists()


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("KZ99-9999,P-2,integrated,2023-07-01,2032-12-31,SOX,air,1,t,", "facility"),
        ("KZ23-0001," + "P" * 41 + ",integrated,2023-07-01,2032-12-31,SOX,air,1,t,", "permit"),
        ("KZ23-0001,P-2,licence,2023-07-01,2032-12-31,SOX,air,1,t,", "kind"),
        ("KZ23-0001,P-2,integrated,2023-13-01,2032-12-31,SOX,air,1,t,", "issued_on"),
        ("KZ23-0001,P-2,integrated,01.07.2023,2032-12-31,SOX,air,1,t,", "issued_on"),
        ("KZ23-0001,P-2,integrated,2023-07-01,2022-12-31,SOX,air,1,t,", "valid_until"),
        ("KZ23-0001,P-2,integrated,1999-07-01,2032-12-31,SOX,air,1,t,", "issued_on"),
        ("KZ23-0001,P-2,integrated,2023-07-01,2032-12-31,XYZ,air,1,t,", "pollutant"),
        ("KZ23-0001,P-2,integrated,2023-07-01,2032-12-31,SOX,sky,1,t,", "medium"),
        ("KZ23-0001,P-2,integrated,2023-07-01,2032-12-31,SOX,air,-1,t,", "amount"),
        ("KZ23-0001,P-2,integrated,2023-07-01,2032-12-31,SOX,air,NaN,t,", "amount"),
        ("KZ23-0001,P-2,integrated,2023-07-01,2032-12-31,SOX,air,9e12,t,", "amount"),
        ("KZ23-0001,P-2,integrated,2023-07-01,2032-12-31,SOX,air,1,mg/m3,", "unit"),
        ("KZ23-0001,P-2,integrated,2023-07-01,2032-12-31,SOX,air,1,t,maybe", "correction"),
        (",P-2,integrated,2023-07-01,2032-12-31,SOX,air,1,t,", "facility"),
    ],
)
def test_every_bad_cell_is_named_and_nothing_is_saved(cast, plants, row, column):
    found = errors_of(limits(NEW.replace("SOX", "NOX"), row), cast)
    # A row of permit P-2 with another kind or dates also disagrees with row 2.
    assert found in ([(3, column)], sorted([(3, column), (3, "permit")]))
    assert not PermitLimit.objects.exists()


def test_a_permit_issued_in_the_future_is_refused(cast, plants):
    ahead = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert errors_of(limits(NEW.replace("2023-07-01", ahead)), cast) == [(2, "issued_on")]


def test_the_same_file_twice_and_a_correction_keep_history(cast, plants):
    import_permits("a.csv", limits(NEW), actor=cast.analyst)
    assert import_permits("copy.csv", limits(NEW), actor=cast.analyst).repeated
    lower = NEW.replace(",1100,", ",900,")
    assert errors_of(limits(lower), cast) == [(2, "correction")]
    assert errors_of(limits(NEW, NEW), cast) == [(2, "correction"), (3, "pollutant")]
    assert import_permits("b.csv", limits(lower + "yes"), actor=cast.analyst).corrected == 1
    old, new = PermitLimit.objects.order_by("pk")
    assert not old.current and old.replaced_by == new and new.tonnes == 900


def test_only_analysts_take_in_permits(cast, plants):
    from taza.core.errors import Forbidden

    with pytest.raises(Forbidden):
        import_permits("p.csv", limits(NEW), actor=cast.almaty_operator)
    assert not PermitLimit.objects.exists()


def test_the_permits_list_by_state_and_region_in_three_languages(cast, plants):
    today = timezone.localdate()
    soon = (today + timedelta(days=30)).isoformat()
    import_permits(
        "p.csv",
        limits(
            OLD,
            NEW,
            NEW.replace("P-2", "P-3").replace("2032-12-31", soon).replace("SOX", "NOX"),
        ),
        actor=cast.analyst,
    )
    rows = list(permits(today))
    assert [r["permit"] for r in rows] == ["P-1", "P-3", "P-2"]  # ending first, first
    assert [r["permit"] for r in permits(today, state="expiring")] == ["P-3"]
    assert [r["permit"] for r in permits(today, state="expired")] == ["P-1"]
    titles = {"kk": "Экологиялық рұқсаттар", "ru": "Экологические разрешения"}
    for language, word in (*titles.items(), ("en", "Environmental permits")):
        answer = Client(HTTP_ACCEPT_LANGUAGE=language).get("/databank/permits/?state=expiring")
        assert answer.status_code == 200
        body = answer.content.decode()
        assert 'data-permit="P-3"' in body and 'data-permit="P-2"' not in body
        assert f"<h1>{word}</h1>" in body, language
    assert (
        Client().get("/databank/permits/?region=KZ75").content.decode().count("data-permit=") == 0
    )
    assert Client().get("/databank/permits/?state=forever").status_code == 400
    assert Client().get("/databank/permits/?page=x").status_code == 200


def test_the_permits_template_comes_as_csv_json_and_xlsx(cast):
    from taza.conftest import PASSWORD

    client = Client()
    client.login(username=cast.analyst.username, password=PASSWORD)
    csv = client.get("/databank/import/?template=permits")
    assert csv.status_code == 200 and csv.content.startswith(HEADER.encode())
    assert client.get("/databank/import/?template=permits&format=json").status_code == 200
    assert client.get("/databank/import/?template=permits&format=xlsx").status_code == 200


def test_the_demo_permits_show_every_state_and_are_open_data():
    from taza.databank.models import Facility
    from taza.demo.databank import generate_facilities
    from taza.opendata.publish import BY_SLUG

    generate_facilities()
    today = timezone.localdate()
    states = {permit_state(r["issued_on"], r["valid_until"], today) for r in permits(today)}
    assert {PermitState.IN_FORCE, PermitState.EXPIRING, PermitState.EXPIRED} <= states
    assert not Facility.objects.filter(department__isnull=True).exists()
    rows = list(BY_SLUG["permitted-releases"].rows())
    assert len(rows) == PermitLimit.objects.count() > 0
    assert set(rows[0]) >= {"permit", "issued_on", "valid_until", "tonnes", "operator"}
    # Some demo facilities released more than their permit allowed in 2024.
    over = [
        f
        for f in Facility.objects.filter(limits__isnull=False).distinct()
        if any(
            r.tonnes > limit.tonnes
            for r in f.releases.filter(year=2024)
            for key, limit in limits_for(f, {2024}).items()
            if key == (r.pollutant, r.medium, 2024)
        )
    ]
    assert over


def test_the_permits_limits_in_the_api_by_day_and_region(cast, plants):
    import_permits("p.csv", limits(OLD, NEW), actor=cast.analyst)
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    answer = client.get("/api/v1/databank/permits/").json()
    assert [r["permit"] for r in answer["results"]] == ["P-2", "P-1"]
    on = client.get("/api/v1/databank/permits/?in_force_on=2022-05-01").json()["results"]
    assert [(r["permit"], r["tonnes"], r["valid_until"]) for r in on] == [
        ("P-1", "1500.000", "2023-06-30")
    ]
    assert on[0]["facility"] == {
        "code": "KZ23-0001",
        "name": "Gas processing plant",
        "operator": "Example Oil LLP",
        "region": "KZ23",
        "sector": "oil_gas",
    }
    assert client.get("/api/v1/databank/permits/?region=KZ75").json()["count"] == 0
    refused = client.get("/api/v1/databank/permits/?in_force_on=2024-02-30")
    assert refused.status_code == 400 and "ГГГГ-ММ-ДД" in refused.content.decode()
