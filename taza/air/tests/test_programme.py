"""Measure 2 from the registry, and the owner told when a post falls silent."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from taza.air.models import DailyValue, Post
from taza.air.querysets import automatic_posts_online, silent_posts
from taza.alerts.choices import AlertKind
from taza.alerts.events import events
from taza.geo.models import Region
from taza.programme.measured import registry_fact, registry_table


def test_measure_two_counts_automatic_posts_online_a_whole_day(station):
    post, _token = station
    sensor = post.sensors.get(parameter="pm25")
    day = date(2026, 3, 1)
    DailyValue.objects.create(sensor=sensor, day=day, mean=10, highest=20, hours=18, readings=18)
    DailyValue.objects.create(
        sensor=sensor, day=day + timedelta(days=1), mean=10, highest=20, hours=17, readings=17
    )
    assert automatic_posts_online(day) == {post.region_id: 1}
    assert automatic_posts_online(day + timedelta(days=1)) == {}  # 17 hours is not online
    assert registry_fact(2, post.region_id, 2026, day + timedelta(days=1)) == 1
    assert registry_fact(2, None, 2026, day + timedelta(days=1)) == 1
    assert registry_fact(3, None, 2026, day) is None  # not a measured measure
    Post.objects.filter(pk=post.pk).update(kind="manual")
    assert automatic_posts_online(day) == {}


def test_measure_page_shows_the_registry(client, station):
    post, _token = station
    rows = registry_table(2, list(Region.objects.all()), timezone.localdate())
    assert [(r["region"].pk, r["registered"]) for r in rows] == [(post.region_id, 1)]
    page = client.get("/programme/measures/2/").content.decode()
    assert 'id="registry"' in page
    assert 'id="registry"' not in client.get("/programme/measures/3/").content.decode()


def test_a_silent_post_is_told_once_to_its_territory(station):
    post, _token = station
    sensor = post.sensors.get(parameter="pm25")
    last = timezone.now() - timedelta(hours=25)
    sensor.last_at = last
    sensor.save()
    assert list(silent_posts()) == [post]
    window = (timezone.now() - timedelta(hours=2), timezone.now())
    found = events(AlertKind.AIR_POST_SILENT, *window)
    assert [e.region_id for e in found] == [post.region_id]
    earlier = (window[0] - timedelta(hours=5), window[0])
    assert events(AlertKind.AIR_POST_SILENT, *earlier) == []  # each crossing in one window


def test_a_post_never_heard_from_is_silent(station):
    post, _token = station
    assert post in silent_posts(datetime.now(tz=timezone.get_current_timezone()))
