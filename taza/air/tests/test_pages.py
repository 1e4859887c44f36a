"""The public air pages, НМУ and alerts: what a citizen sees and hears, once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from taza.air.models import City, NmuWarning, Post, Subscription
from taza.air.services import cancel_nmu, declare_nmu, ingest, send_threshold_alerts, subscribe
from taza.audit.models import AuditEntry
from taza.core.actors import SYSTEM


def _now_hours(
    post: Post, value: float, hours: int = 12, sensor: str = "pm25", ago: int = 0
) -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=ago)
    rows = [
        {
            "sensor": sensor,
            "time": (now - timedelta(hours=h)).isoformat(),
            "value": value + h % 2 / 10,
        }
        for h in range(hours)
    ]
    ingest(post, rows)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_pages_in_every_language(client, station, language):
    post, _token = station
    _now_hours(post, 60.0)
    for url in ("/air/", "/air/almaty/", f"/air/posts/{post.code}/", "/air/methodology/"):
        answer = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 200, url


def test_city_page_shows_aqi_advice_and_a_missing_post(client, station):
    post, _token = station
    _now_hours(post, 60.0)  # NowCast 60.0 -> 49/69.9*(60-55.5)+151 = 154.2 (unhealthy)
    page = client.get("/air/almaty/").content.decode()
    assert 'data-aqi="154"' in page
    assert "Everyone should cut down long or heavy activity outdoors" in page
    assert 'id="missing"' not in page


def test_unknown_city_post_or_sensor_is_404(client, station):
    assert client.get("/air/nowhere/").status_code == 404
    assert client.get("/air/posts/nowhere/").status_code == 404
    assert client.get("/air/posts/almaty-test/?parameter=zz").status_code == 404


@pytest.mark.parametrize("query", ["hours=0", "hours=abc", "hours=99999", "days=-1", "days=%00"])
def test_series_api_refuses_malformed_parameters(client, station, query):
    answer = client.get(f"/api/v1/air/posts/almaty-test/pm25/?{query}")
    assert answer.status_code == 400


def test_series_and_posts_api(client, station):
    post, _token = station
    _now_hours(post, 20.0, hours=3)
    values = client.get("/api/v1/air/posts/almaty-test/pm25/?hours=5").json()["values"]
    assert [v["mean"] for v in values][-3:] == [20.0, 20.1, 20.0]
    listed = client.get("/api/v1/air/posts/?city=almaty").json()
    assert listed[0]["code"] == "almaty-test" and listed[0]["aqi"] is not None
    assert "token" not in str(listed)


def test_nmu_shows_on_every_page_of_the_city_and_only_there(client, station):
    post, _token = station
    now = timezone.now()
    almaty = City.objects.get(slug="almaty")
    warning = declare_nmu(
        actor=SYSTEM, city=almaty, degree=2, starts_at=now, ends_at=now + timedelta(hours=6)
    )
    for url in ("/air/almaty/", f"/air/posts/{post.code}/", "/air/"):
        assert 'class="notice nmu"' in client.get(url).content.decode(), url
    assert 'class="notice nmu"' not in client.get("/air/astana/").content.decode()
    cancel_nmu(actor=SYSTEM, warning=warning)
    assert 'class="notice nmu"' not in client.get("/air/almaty/").content.decode()
    assert AuditEntry.objects.filter(object_id=str(warning.pk), action="update").exists()


def test_a_warning_must_end_after_it_starts(db):
    from taza.air.services import AirError

    now = timezone.now()
    with pytest.raises(AirError):
        declare_nmu(
            actor=SYSTEM, city=City.objects.get(slug="almaty"), degree=1, starts_at=now, ends_at=now
        )


def test_subscribers_hear_of_a_crossing_once(cast, station, django_capture_on_commit_callbacks):
    post, _token = station
    cast.citizen.email = "c@example.kz"
    cast.citizen.preferred_language = "en"
    cast.citizen.save()
    almaty = City.objects.get(slug="almaty")
    subscribe(actor=cast.citizen, city=almaty, threshold=101)
    _now_hours(post, 20.0, ago=3)
    assert send_threshold_alerts() == 0
    _now_hours(post, 120.0, hours=3)  # the NowCast jumps over 55.5: AQI above 150
    assert send_threshold_alerts() == 1
    assert send_threshold_alerts() == 0  # still above: no second message
    assert len(mail.outbox) == 1 and "AQI 1" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        declare_nmu(
            actor=SYSTEM,
            city=almaty,
            degree=1,
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(hours=3),
        )
    assert len(mail.outbox) == 2 and "НМУ" in mail.outbox[1].subject


def test_subscribing_needs_a_person_and_a_sane_threshold(client, cast, station):
    answer = client.post("/air/almaty/subscribe/", {"threshold": 150, "nmu": "on"})
    assert answer.status_code == 302 and "/login/" in answer["Location"]
    client.force_login(cast.citizen)
    client.post("/air/almaty/subscribe/", {"threshold": 900}, HTTP_ACCEPT_LANGUAGE="ru")
    assert not Subscription.objects.exists()
    client.post("/air/almaty/subscribe/", {"threshold": 150, "nmu": "on"})
    client.post("/air/almaty/subscribe/", {"threshold": 120})
    subscription = Subscription.objects.get()
    assert subscription.threshold == 120 and subscription.nmu is False
    assert NmuWarning.objects.count() == 0


def test_open_data_hourly_and_daily_as_csv_and_parquet(client, station):
    import csv
    import io

    import pyarrow.parquet as pq

    post, _token = station
    _now_hours(post, 30.0, hours=5)
    for slug in ("air-hourly", "air-daily"):
        table = list(
            csv.DictReader(io.StringIO(client.get(f"/data/ru/{slug}.csv").getvalue().decode()))
        )
        frame = pq.read_table(io.BytesIO(client.get(f"/data/ru/{slug}.parquet").getvalue()))
        assert frame.num_rows == len(table) > 0
        assert {row["post"] for row in table} == {post.code}
    hourly = pq.read_table(io.BytesIO(client.get("/data/en/air-hourly.parquet").getvalue()))
    assert sorted(hourly.column("mean").to_pylist()) == [30.0, 30.0, 30.0, 30.1, 30.1]
    assert client.get("/data/en/air-hourly.xlsx").status_code == 404


def test_city_indices_as_bulletins_count_them(client, station):
    from datetime import UTC, datetime

    from taza.air.querysets import city_indices

    post, _token = station
    post.sensors.filter(parameter="pm25").update(range_max=20000)  # an instrument that can
    mpc = 160.0  # PM2.5 one-time MPC, µg/m³
    start = datetime(2026, 2, 10, 3, 0, tzinfo=UTC)
    values = [10.0, 100.0, 200.0, 1700.0, 9000.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    ingest(
        post,
        [
            {"sensor": "pm25", "time": (start + timedelta(hours=i)).isoformat(), "value": v}
            for i, v in enumerate(values)
        ],
        now=start + timedelta(days=1),
    )
    found = city_indices(post.city, start.date().replace(day=1), start.date().replace(day=28))
    (pm,) = found.pollutants
    assert pm.highest == 9000.0 and pm.si == pytest.approx(9000 / mpc)
    assert pm.np == pytest.approx(30.0)  # 3 of 10 readings above 160
    assert pm.grade == "very_high"  # СИ 56 beats НП 30% (high)
    assert (pm.high_cases, pm.extreme_cases) == (1, 1)  # 1700 is over 10 MPC, 9000 over 50
    assert found.iza is not None
    page = client.get("/air/almaty/").content.decode()
    assert 'id="indices"' in page
