"""Place search: the gazetteer in three languages, and geocoders as their APIs answer."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from taza.geo.places import gazetteer, search
from taza.geo.tests.fake_geocoder import FakeGeocoder

pytestmark = pytest.mark.django_db


@pytest.fixture
def geocoder(settings):
    fake = FakeGeocoder().start()
    settings.TAZA_GEOCODER_URL = fake.url
    settings.TAZA_GEOCODER_TIMEOUT = 1
    yield fake
    fake.stop()


@pytest.mark.parametrize(
    ("query", "lang", "name"),
    [
        ("Байконыр", "ru", "Байконырский район"),
        ("байқоңыр", "kk", "Байқоңыр ауданы"),
        ("baykonyr", "en", "Baykonyr District"),
    ],
)
def test_the_gazetteer_finds_a_district_by_any_of_its_names(query, lang, name):
    with translation.override(lang):
        places = gazetteer(query)
    # Baikonur city (Kyzylorda Region) matches too; the district of Astana is the one meant.
    district = next(p for p in places if p.kind == "district" and 50.9 < p.lat < 51.4)
    assert district.name.casefold() == name.casefold()
    assert district.bbox is not None
    west, south, east, north = district.bbox
    assert west < district.lon < east and south < district.lat < north
    assert 50.9 < district.lat < 51.4 and 71.2 < district.lon < 71.8  # Astana


def test_regions_come_before_districts_and_short_queries_find_nothing():
    with translation.override("en"):
        places = gazetteer("almaty")
    assert places[0].kind == "region" and gazetteer("a") == [] and gazetteer("  ") == []


def test_nominatim_is_asked_as_documented_and_a_foreign_answer_dropped(geocoder, settings):
    settings.TAZA_GEOCODER_KIND = "nominatim"
    with translation.override("kk"):
        places = search("Кенесары 40")
    path, query, agent = geocoder.requests[-1]
    assert path == "/search" and query["format"] == ["jsonv2"] and query["countrycodes"] == ["kz"]
    assert query["accept-language"] == ["kk"] and agent == settings.TAZA_GEOCODER_AGENT
    addresses = [p for p in places if p.kind == "address"]
    assert [(a.lat, a.lon) for a in addresses] == [(51.1712, 71.4263)]  # Bishkek left out


def test_photon_is_asked_as_documented(geocoder, settings):
    settings.TAZA_GEOCODER_KIND = "photon"
    places = search("Kenesary 40")
    path, query, _agent = geocoder.requests[-1]
    assert path == "/api" and query["bbox"] == ["46.4,40.5,87.4,55.5"]
    assert [p.name for p in places if p.kind == "address"] == ["Kenesary Street, 40"]


@pytest.mark.parametrize("failure", ["500", "json", "stall"])
def test_a_failing_geocoder_leaves_the_gazetteer_standing(geocoder, failure):
    geocoder.fail = failure
    with translation.override("ru"):
        places = search("Байконыр")
    assert places and all(p.kind != "address" for p in places)


def test_the_endpoint_answers_refuses_and_limits(settings):
    cache.clear()
    settings.TAZA_PLACES_RATE = "4/m"
    client = APIClient()
    found = client.get("/api/v1/places/", {"q": "Медеу"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert found.status_code == 200 and found.json()[0]["kind"] == "district"
    assert client.get("/api/v1/places/", {"q": ""}).status_code == 400
    assert client.get("/api/v1/places/").status_code == 400
    blank = client.get("/api/v1/places/", {"q": " \u200b "})  # nothing left to look for
    assert blank.status_code == 200 and blank.json() == []
    too_long = client.get("/api/v1/places/", {"q": "я" * 201}, HTTP_ACCEPT_LANGUAGE="ru")
    assert too_long.status_code == 400 and too_long.json()["field"] == "q"
    client.get("/api/v1/places/", {"q": "Медеу"})
    client.get("/api/v1/places/", {"q": "Медеу"})  # the third search this minute
    assert client.get("/api/v1/places/", {"q": "Медеу"}).status_code == 429
    cache.clear()
