"""The OpenAQ import against a local server that answers as OpenAQ documents."""

from datetime import timedelta

import pytest

from taza.air.models import HourlyValue, Post, Reading, Sensor
from taza.air.openaq import Client, OpenAQError, import_locations, import_measurements
from taza.air.tests.fake_openaq import HOURS, KEY, START, FakeOpenAQ
from taza.core.actors import SYSTEM


@pytest.fixture
def server():
    with FakeOpenAQ() as fake:
        yield fake


def test_locations_become_posts_once(db, server):
    client = Client(server.url, KEY, sleep=lambda s: None)
    first = import_locations(client, actor=SYSTEM)
    assert first.posts == 1 and first.sensors == 2  # the steppe location has no city
    assert "temperature" in first.skipped_parameters
    post = Post.objects.get(code="openaq-8118")
    assert post.city.slug == "almaty" and post.owner_name == "Kazhydromet"
    assert {s.parameter: s.unit for s in post.sensors.all()} == {"pm25": "ug/m3", "no2": "ppm"}
    again = import_locations(client, actor=SYSTEM)
    assert again.posts == 0 and again.sensors == 0


def test_measurements_are_paged_throttled_and_stored_once(db, server):
    waits: list[float] = []
    client = Client(server.url, KEY, sleep=waits.append)
    import_locations(client, actor=SYSTEM)
    until = START + timedelta(hours=HOURS)
    done = import_measurements(client, since=START, until=until)
    assert waits == [2.0]  # the 429's x-ratelimit-reset
    assert done.stored == 2 * HOURS and done.refused == 0
    assert any("page=2" in path for path in server.requests)
    no2 = Sensor.objects.get(parameter="no2")
    first = Reading.objects.filter(sensor=no2).order_by("observed_at").first()
    assert first.value == pytest.approx(0.02 * 1000 * 46.0055 / 24.45)  # ppm -> µg/m³
    assert HourlyValue.objects.filter(sensor__parameter="pm25").count() == HOURS
    again = import_measurements(client, since=START, until=until)
    assert again.stored == 0 and again.duplicates == 2 * HOURS


def test_a_wrong_key_is_refused_plainly(db, server):
    client = Client(server.url, "wrong", sleep=lambda s: None)
    with pytest.raises(OpenAQError) as refused:
        import_locations(client, actor=SYSTEM)
    assert refused.value.code == "openaq_key"
    assert Post.objects.count() == 0


def test_an_unknown_sensor_stops_the_import_with_the_status(db, server):
    client = Client(server.url, KEY, sleep=lambda s: None)
    import_locations(client, actor=SYSTEM)
    Sensor.objects.filter(parameter="pm25").update(instrument="openaq-sensor:555")
    with pytest.raises(OpenAQError) as refused:
        import_measurements(client, since=START, until=START + timedelta(hours=2))
    assert "404" in str(refused.value)
