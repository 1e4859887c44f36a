"""No malformed query parameter makes a server error, on any page or endpoint.

Each list page and endpoint is asked with every parameter that any of them reads,
given values that broke things before: impossible dates, offsets no clock has, NUL
bytes, numbers past any integer column, non-ASCII and non-numbers. The answer must be
a 2xx or a 4xx (with a reason), never a 5xx.
"""

from __future__ import annotations

import pytest
from django.test import Client

from taza.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/statistics/",
    "/map/",
    "/console/",
    "/campaigns/",
    "/campaigns/results/",
    "/campaigns/console/",
    "/campaigns/review/",
    "/sites/",
    "/sites/sites.geojson",
    "/sites/queue/",
    "/sites/indicators/",
    "/databank/waste/",
    "/databank/facilities/",
    "/databank/carbon/",
    "/databank/control/",
    "/databank/pollutants/",
    "/databank/pollutants/SOX/",
    "/databank/permits/",
    "/programme/",
    "/programme/regions/",
    "/programme/lagging/",
    "/programme/reporting/",
    "/audit/export/",
    "/hazards/",
    "/hazards/fires/",
    "/hazards/fires.geojson",
    "/hazards/floods/",
    "/hazards/areas/",
    "/hazards/follow/",
    "/hazards/floods/work/",
    "/api/v1/reports/",
    "/api/v1/statistics/",
    "/api/v1/map/",
    "/api/v1/programme/measures/",
    "/api/v1/programme/scorecards/",
    "/api/v1/campaigns/events/",
    "/api/v1/campaigns/totals/",
    "/api/v1/databank/releases/",
    "/api/v1/databank/carbon/",
    "/api/v1/databank/permits/",
    "/api/v1/databank/indicators/",
    "/api/v1/hazards/fires/",
    "/api/v1/hazards/gauges/",
    "/api/v1/hazards/settlements/",
    "/open311/v2/requests.json",
    "/open311/v2/requests.xml",
]
PARAMS = [
    "pollutant", "since", "until", "from", "region", "category", "state", "kind", "year", "zoom",
    "bbox", "lat", "lon", "limit", "offset", "page", "ids", "overdue", "text",
    "service_request_id", "service_code", "start_date", "end_date", "status", "in_force_on",
    "level", "source", "sort", "mine",
]  # fmt: skip
VALUES = ["2024-02-30", "2026-03-01T00:00:00+24:00", "\x00", "9" * 30, "é", "nan"]
# Pages that answer only signed-in staff are walked as an analyst too.
STAFF_URLS = [
    "/console/",
    "/campaigns/console/",
    "/campaigns/review/",
    "/sites/queue/",
    "/sites/scans/",
    "/databank/import/",
    "/databank/missing/",
    "/programme/reporting/",
    "/audit/export/",
    "/hazards/areas/upload/",
    "/hazards/floods/work/",
    "/alerts/",
    "/crews/",
]


@pytest.mark.parametrize("who", [None, "analyst"])
def test_no_malformed_parameter_makes_a_server_error(cast, who):
    client = Client()
    if who:
        assert client.login(username=getattr(cast, who).username, password=PASSWORD)
    failures = []
    for url in STAFF_URLS if who else URLS:
        for name in PARAMS:
            for value in VALUES:
                status = client.get(url, {name: value}).status_code
                if status >= 500:
                    failures.append(f"{url}?{name}={value!r}: {status}")
    assert failures == []


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/reports/", {"since": "2024-02-30"}, "since"),
        ("/api/v1/reports/", {"until": "2026-03-01T00:00:00+24:00"}, "until"),
        ("/api/v1/reports/", {"category": "\x00"}, "category"),
        ("/api/v1/reports/", {"offset": "9" * 30}, "offset"),
        ("/api/v1/statistics/", {"region": "KZ00"}, "region"),
        ("/api/v1/map/", {"zoom": "29"}, "zoom"),
        ("/api/v1/campaigns/totals/", {"kind": "nonsense"}, "kind"),
        ("/api/v1/campaigns/events/", {"lat": "91"}, "lat"),
        ("/api/v1/programme/measures/", {"year": "2030"}, "year"),
    ],
)
def test_a_malformed_parameter_is_a_400_that_names_it(url, params, field):
    response = Client().get(url, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("url", ["/statistics/?since=2026-02-30", "/campaigns/?from=2026-02-30"])
def test_a_page_with_a_malformed_parameter_says_what_is_wrong_in_the_persons_language(url):
    page = Client(HTTP_ACCEPT_LANGUAGE="ru").get(url)
    assert page.status_code == 400
    text = page.content.decode()
    assert "Запрос отклонён" in text
    assert "Это не дата" in text
