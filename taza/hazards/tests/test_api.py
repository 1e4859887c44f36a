"""Reading fires, gauges and settlements in the REST API.

What the public may see, filtered and paged; malformed parameters refused in the
person's language.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from taza.accounts.models import Role
from taza.conftest import make_user
from taza.geo.models import Region
from taza.hazards.choices import FireState, RiskStatus
from taza.hazards.firms import parse
from taza.hazards.models import FireEvent, Settlement
from taza.hazards.services import ingest, step
from taza.hazards.tests.test_fires import LAT, LON, VIIRS, viirs
from taza.hazards.tests.test_floods import zhosaly  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _two_fires() -> tuple[FireEvent, FireEvent]:
    ingest(
        parse(VIIRS + viirs() + viirs(LAT - 1.0, LON, when="2026-05-03,1000")).hotspots,
        source="VIIRS_SNPP_NRT",
    )
    first, second = FireEvent.objects.order_by("pk")
    return first, second


def test_fires_are_listed_and_read_without_false_alarms_for_the_public(client, cast):
    kept, dismissed = _two_fires()
    operator = make_user("abai-api", Role.OPERATOR, "AKIMAT-KZ10")
    step(actor=operator, event=dismissed, to=FireState.FALSE_ALARM)
    step(actor=operator, event=kept, to=FireState.CONFIRMED)
    step(actor=operator, event=kept, to=FireState.EXTINGUISHED, burned_ha=Decimal("86.5"))
    answer = client.get("/api/v1/hazards/fires/").json()
    assert [f["id"] for f in answer["results"]] == [kept.pk]
    fire = answer["results"][0]
    assert fire["state"] == "extinguished" and fire["burned_ha"] == "86.50"
    assert fire["region"] == "KZ10" and len(fire["bbox"]) == 4
    assert fire["responsible"].startswith("AKIMAT-")
    assert client.get(f"/api/v1/hazards/fires/{dismissed.pk}/").status_code == 404
    assert client.get(f"/api/v1/hazards/fires/{kept.pk}/").json()["id"] == kept.pk
    client.force_login(cast.analyst)
    assert len(client.get("/api/v1/hazards/fires/").json()["results"]) == 2
    assert [
        f["id"]
        for f in client.get("/api/v1/hazards/fires/", {"state": "false_alarm"}).json()["results"]
    ] == [dismissed.pk]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/hazards/fires/", {"state": "burning"}),
        ("/api/v1/hazards/fires/", {"region": "KZ99"}),
        ("/api/v1/hazards/gauges/", {"level": "high"}),
        ("/api/v1/hazards/settlements/", {"status": "gone"}),
        ("/api/v1/hazards/fires/", {"limit": "x"}),
        ("/api/v1/hazards/gauges/", {"offset": "-1"}),
    ],
)
def test_malformed_parameters_are_a_400_or_404_in_the_persons_language(client, url, params):
    answer = client.get(url, params, HTTP_ACCEPT_LANGUAGE="kk")
    assert answer.status_code in (400, 404)
    assert answer.json()["detail"]


def test_gauges_and_settlements(client, zhosaly):  # noqa: F811
    Settlement.objects.create(
        name="Жосалы",
        region=Region.objects.get(code="KZ43"),
        gauge=zhosaly,
        status=RiskStatus.REDUCED,
        shelter_places=120,
    )
    gauges = client.get("/api/v1/hazards/gauges/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert gauges[0]["code"] == "syrdarya-zhosaly" and gauges[0]["river"] == "Syr Darya"
    assert (gauges[0]["danger_cm"], gauges[0]["critical_cm"]) == (665, 770)
    one = client.get("/api/v1/hazards/gauges/syrdarya-zhosaly/").json()
    assert one["level"] == "normal"
    assert client.get("/api/v1/hazards/gauges/nowhere/").status_code == 404
    rows = client.get("/api/v1/hazards/settlements/", {"region": "KZ43"}).json()["results"]
    assert rows == [
        {
            "id": rows[0]["id"],
            "name": "Жосалы",
            "region": "KZ43",
            "district": None,
            "gauge": "syrdarya-zhosaly",
            "status": "reduced",
            "shelter_places": 120,
            "evacuation_points": 0,
        }
    ]
    assert client.get("/api/v1/hazards/settlements/", {"region": "KZ10"}).json()["results"] == []
