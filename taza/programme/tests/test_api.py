"""The plan as open data: measures, indicators, scorecards and the lagging list."""

import pytest

from taza.programme.tests.helpers import put_report

pytestmark = pytest.mark.django_db


def test_the_measures_list_gives_all_sixty_with_structure_and_status(client):
    data = client.get("/api/v1/programme/measures/").json()
    assert [m["number"] for m in data] == list(range(1, 61))
    m24 = data[23]
    assert m24["deadline"] == {
        "wording_ru": "2024 – 2029 годы",
        "kind": "annual",
        "first_year": 2024,
        "last_year": 2029,
        "due": "2029-12-31",
    }
    assert [t["year"] for t in m24["targets"]] == [2024, 2025, 2026, 2027, 2028, 2029]
    assert any("twice" in flag for flag in m24["source_flags"])
    assert data[44]["status"]["code"] == "removed"
    assert {e["body"] for e in data[0]["executors"]} == {"MIO", "MVD", "MTSRIAP"}


def test_a_region_gets_only_its_measures_and_bad_parameters_are_400(client):
    put_report(13, region="KZ62", year=2025, assessment="not_done")
    data = client.get("/api/v1/programme/measures/", {"region": "KZ62"}).json()
    numbers = [m["number"] for m in data]
    assert 13 in numbers and 11 not in numbers
    one = client.get("/api/v1/programme/measures/13/", {"region": "KZ62"}).json()
    assert one["status"]["code"] in ("at_risk", "not_reported")
    assert client.get("/api/v1/programme/measures/", {"region": "XX"}).status_code == 400
    assert client.get("/api/v1/programme/measures/99/").status_code == 404
    assert client.get("/api/v1/programme/scorecards/", {"year": "2031"}).status_code == 400
    assert client.get("/api/v1/programme/scorecards/", {"year": "abc"}).status_code == 400


def test_indicators_scorecards_and_lagging_are_open(client):
    indicators = {i["code"]: i for i in client.get("/api/v1/programme/indicators/").json()}
    assert indicators["D1-RECYCLED-MSW"]["status"]["code"] == "met"
    assert indicators["D1-RECYCLED-MSW"]["status"]["forecast"] == "35.2"
    assert len(indicators["D3-SATISFACTION"]["values"]) == 8
    cards = client.get("/api/v1/programme/scorecards/", {"year": "2025"}).json()
    assert len(cards) == 20
    assert {c["key"] for c in cards[0]["components"]} == {
        "measures",
        "citizen_reports",
        "reporting",
        "sites",
        "campaigns",
    }
    lagging = client.get("/api/v1/programme/lagging/", {"year": "2025"}).json()
    assert {r["region"] for r in lagging} >= {"KZ63", "KZ35", "KZ75", "KZ71"}  # measure 14
