"""Every list page and list endpoint makes as many queries for 20 rows as for 2.

NetBox-style baselines: each list is loaded with 2 rows and then with 20, and the two
query counts must be equal, so a query per row (N+1) fails here before it reaches a
page with 300,000 reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from taza.campaigns.services import ResultInput, submit_result
from taza.campaigns.tests.helpers import make_over, new_event
from taza.conftest import PASSWORD
from taza.programme.choices import ReportStatus
from taza.programme.models import ExecutorReport
from taza.programme.tests.helpers import put_report
from taza.reports.services import Submission, submit_report, transition_report
from taza.sites.choices import SiteSource
from taza.sites.services import Sighting, record_sighting

pytestmark = pytest.mark.django_db


def _reports(n: int, cast: Any) -> None:
    for i in range(n):
        report = submit_report(
            Submission(
                channel="api",
                category_code="illegal_dump" if i % 2 else "overflowing_container",
                description=f"Мусор у дома {i}",
                lat=51.15 + i * 0.002,
                lon=71.42 + i * 0.002,
            )
        ).report
        transition_report(report, action="accept", actor=cast.astana_operator, note=f"Принято {i}")


def _sites(n: int, cast: Any) -> None:
    for i in range(n):
        record_sighting(
            Sighting(lat=47.0 + i * 0.01, lon=67.0, source=SiteSource.SATELLITE, score=0.9)
        )
        record_sighting(Sighting(lat=48.0 + i * 0.01, lon=67.0, source=SiteSource.RAID))


def _waste(n: int, cast: Any) -> None:
    from taza.databank.models import WasteRecord
    from taza.databank.services import import_waste

    start = WasteRecord.objects.count()
    rows = "".join(
        f"{REGIONS[(start + i) % len(REGIONS)]},{2004 + (start + i) // len(REGIONS)},20 03 01,"
        "100,90,20,5,60,\n"
        for i in range(n)
    )
    header = "region,year,waste_code,generated,collected,recycled,recovered,disposed\n"
    import_waste(f"w{start}.csv", (header + rows).encode(), actor=cast.analyst)


def _carbon(n: int, cast: Any) -> None:
    """Add n facilities in different regions, each with CO2, CH4 and a control measurement."""
    from taza.databank.models import Facility
    from taza.databank.services import import_carbon, import_control, import_facilities

    start = Facility.objects.count()
    places = [(51.1, 71.4), (43.25, 76.9), (47.1, 51.9), (49.8, 73.1), (52.3, 76.95)]
    facilities = "".join(
        f"Q{start + i},990140000123,Plant {start + i},Op LLP,no,I,power,"
        f"{places[(start + i) % 5][0]},{places[(start + i) % 5][1]},\n"
        for i in range(n)
    )
    header = "code,bin,name,operator,operator_is_person,category,sector,lat,lon,permit\n"
    import_facilities(f"f{start}.csv", (header + facilities).encode(), actor=cast.analyst)
    lines = "".join(
        f"Q{start + i},Boiler,2024,CO2,{1000 + i},t,C,\nQ{start + i},Boiler,2024,CH4,5,t,E,\n"
        for i in range(n)
    )
    header = "facility,installation,year,gas,amount,unit,method\n"
    import_carbon(f"c{start}.csv", (header + lines).encode(), actor=cast.analyst)
    checks = "".join(
        f"Q{start + i},Stack,source,SOX,2024-03-0{1 + i % 9},{10 + i},15,g/s,\n" for i in range(n)
    )
    header = "facility,point,kind,pollutant,date,value,limit,unit\n"
    import_control(f"k{start}.csv", (header + checks).encode(), actor=cast.analyst)


def _events(n: int, cast: Any) -> None:
    for i in range(n):
        event = new_event(cast.astana_operator, days=3 + i, capacity=10)
        if i % 2:
            make_over(event)


REGIONS = ["KZ10", "KZ11", "KZ15", "KZ19", "KZ23", "KZ27", "KZ31", "KZ33", "KZ35", "KZ39"]


def _executor_reports(n: int, cast: Any) -> None:
    # A few measures for every region: each row of the desk is a (measure, region) report.
    taken = ExecutorReport.objects.count()
    for i in range(taken, taken + n):
        put_report(
            [3, 5, 6, 7][i // len(REGIONS) % 4],
            region=REGIONS[i % len(REGIONS)],
            status=ReportStatus.SUBMITTED,
        )


def _results(n: int, cast: Any) -> None:
    for _i in range(n):
        event = make_over(new_event(cast.astana_operator, capacity=10))
        submit_result(event, ResultInput(participants=10, volunteers=5), actor=cast.astana_operator)


def _scans(n: int, cast: Any) -> None:
    from taza.geo.models import Region
    from taza.sites.models import ScanJob

    region = Region.objects.get(code="KZ62")
    for i in range(n):
        ScanJob.objects.create(folder=f"/scenes/T42T-{i}", status="done", region=region)


def _air_posts(n: int, cast: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from taza.air.models import City, Post
    from taza.air.services import add_sensor, create_post, ingest
    from taza.core.actors import SYSTEM

    almaty = City.objects.get(slug="almaty")
    taken = Post.objects.count()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for i in range(taken, taken + n):
        post = create_post(
            actor=SYSTEM,
            city=almaty,
            code=f"almaty-q{i}",
            name_kk=f"П{i}",
            name_ru=f"П{i}",
            name_en=f"P{i}",
            lat=43.2 + i * 0.001,
            lon=76.9,
            kind="automatic",
            owner_kind="kazhydromet",
        )
        add_sensor(actor=SYSTEM, post=post, parameter="pm25")
        add_sensor(actor=SYSTEM, post=post, parameter="no2", unit="ppb")
        rows = [
            {"sensor": p, "time": (now - timedelta(hours=h)).isoformat(), "value": 20 + h}
            for h in range(4)
            for p in ("pm25", "no2")
        ]
        ingest(post, rows)


def _fires(n: int, cast: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from taza.hazards.firms import Hotspot
    from taza.hazards.models import Detection
    from taza.hazards.services import ingest

    # Each call a few days after the last, so its hotspots make fires of their own.
    start = datetime(2026, 5, 3, 8, 0, tzinfo=UTC) + timedelta(days=Detection.objects.count())
    ingest(
        [
            Hotspot(49.0 + i * 0.1, 80.0, start, "N", "VIIRS", "n", 330.0, 10.0, 0.4, 0.4, "D", "2")
            for i in range(n)
        ],
        source="test",
    )


def _signed_in(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _count(client: Client, url: str) -> int:
    # A first request does the once-per-change work (rollups of a changed day, the
    # per-process reference caches); the second is the steady state that is counted.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


LISTS: list[tuple[str, Callable[[int, Any], None], str | None]] = [
    ("/api/v1/reports/?limit=50", _reports, None),
    ("/open311/v2/requests.json", _reports, None),
    ("/open311/v2/requests.xml", _reports, None),
    ("/console/?state=accepted", _reports, "astana_operator"),
    ("/console/", _reports, "analyst"),
    ("/api/v1/map/?zoom=15&bbox=71,51,72,52", _reports, None),
    ("/statistics/", _reports, None),
    ("/sites/", _sites, None),
    ("/sites/sites.geojson", _sites, None),
    ("/sites/queue/", _sites, "analyst"),
    ("/sites/queue/?source=satellite", _sites, "analyst"),
    ("/sites/scans/?status=done&region=KZ62", _scans, "analyst"),
    ("/campaigns/", _events, None),
    ("/campaigns/events.geojson", _events, None),
    ("/api/v1/campaigns/events/", _events, None),
    ("/campaigns/console/", _events, "astana_operator"),
    ("/campaigns/console/?region=KZ71&text=%D0%B0", _events, "astana_operator"),
    ("/campaigns/review/", _results, "analyst"),
    ("/campaigns/review/?region=KZ71&kind=taza_qazaqstan", _results, "analyst"),
    ("/campaigns/results/", _results, None),
    ("/programme/reporting/", _executor_reports, "analyst"),
    ("/sites/indicators/", _sites, None),
    ("/air/", _air_posts, None),
    ("/air/almaty/", _air_posts, None),
    ("/air/almaty/posts.geojson", _air_posts, None),
    ("/api/v1/air/posts/?city=almaty", _air_posts, None),
    ("/hazards/fires/", _fires, None),
    ("/hazards/fires.geojson", _fires, None),
    ("/hazards/fires/", _fires, "analyst"),
    ("/databank/waste/", _waste, None),
    ("/databank/waste/?year=2004&region=KZ35", _waste, None),
    ("/databank/import/", _waste, "analyst"),
    ("/databank/carbon/", _carbon, None),
    ("/databank/carbon/?region=KZ75", _carbon, None),
    ("/databank/control/", _carbon, None),
    ("/databank/pollutants/", _carbon, None),
    ("/api/v1/databank/carbon/", _carbon, None),
    ("/databank/missing/?year=2023", _carbon, "analyst"),
    ("/databank/facilities/Q0/", _carbon, None),
    ("/programme/indicators/D1-RECYCLED-MSW/", _waste, None),
]


@pytest.mark.parametrize(("url", "make", "who"), LISTS, ids=[u for u, _m, _w in LISTS])
def test_a_list_makes_as_many_queries_for_twenty_rows_as_for_two(cast, url, make, who):
    client = _signed_in(getattr(cast, who)) if who else Client()
    make(2, cast)
    few = _count(client, url)
    make(18, cast)
    many = _count(client, url)
    assert many == few, f"{url}: {few} queries for 2 rows, {many} for 20"
