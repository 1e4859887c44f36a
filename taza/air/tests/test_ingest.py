"""Ingest as stations use it: idempotent, late, out of order, flagged, and bad input refused."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from taza.air.models import DailyValue, HourlyValue, Post, Reading, Sensor
from taza.air.services import MAX_BATCH, ingest
from taza.audit.models import AuditEntry

URL = "/api/v1/air/readings/"
T0 = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)


def _push(client: Any, token: str, body: Any, **extra: Any) -> Any:
    return client.post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}", **extra
    )


def _row(hours: float = 0, value: Any = 20.0, sensor: str = "pm25", **more: Any) -> dict[str, Any]:
    return {
        "sensor": sensor,
        "time": (T0 + timedelta(hours=hours)).isoformat(),
        "value": value,
        **more,
    }


def test_a_resent_batch_changes_nothing(client, station):
    _post, token = station
    batch = {"readings": [_row(h, 10.0 + h) for h in range(5)]}
    first = _push(client, token, batch)
    assert first.status_code == 200, first.json()
    assert first.json()["stored"] == 5
    again = _push(client, token, batch)
    assert again.json() == {"stored": 0, "duplicates": 5, "flagged": 0, "refused": []}
    assert Reading.objects.count() == 5
    assert HourlyValue.objects.count() == 5


def test_late_and_out_of_order_readings_update_the_means(client, station):
    post, token = station
    _push(client, token, [_row(0, 10.0), _row(2, 30.0)])
    _push(client, token, [_row(1, 20.0), _row(0.5, 30.0)])  # late, and inside hour 0
    hour0 = HourlyValue.objects.get(hour=T0)
    assert hour0.mean == pytest.approx(20.0) and hour0.readings == 2 and hour0.highest == 30.0
    day = DailyValue.objects.get(day=timezone.localdate(T0))
    assert day.hours == 3
    assert day.mean == pytest.approx((20 + 20 + 30) / 3)
    sensor = Sensor.objects.get(post=post, parameter="pm25")
    assert sensor.last_at == T0 + timedelta(hours=2)  # a late reading does not move "latest"


def test_units_are_converted_to_micrograms(client, station):
    _post, token = station
    answer = _push(client, token, [_row(0, 100, sensor="no2", unit="ppb")])
    assert answer.status_code == 200
    assert Reading.objects.get().value == pytest.approx(100 * 46.0055 / 24.45)


def test_bad_readings_are_refused_one_by_one_and_the_good_ones_kept(client, station):
    _post, token = station
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    rows = [
        _row(0),
        {"sensor": "so2", "time": T0.isoformat(), "value": 1},
        {"sensor": "pm25", "time": "2026-02-30T10:00:00+05:00", "value": 1},
        {"sensor": "pm25", "time": "2026-01-15T10:00:00", "value": 1},
        {"sensor": "pm25", "time": future, "value": 1},
        {"sensor": "pm25", "time": T0.isoformat(), "value": "twelve"},
        {"sensor": "pm25", "time": T0.isoformat(), "value": True},
        {"sensor": "pm25", "time": T0.isoformat(), "value": "NaN"},
        _row(1, unit="ppb"),
        "not an object",
        _row(2),
        {"sensor": "pm25", "time": "1970-01-01T00:00:00Z", "value": 1},
    ]
    answer = _push(client, token, rows, HTTP_ACCEPT_LANGUAGE="ru")
    assert answer.status_code == 422
    body = answer.json()
    assert body["stored"] == 2
    assert [(r["index"], r["field"]) for r in body["refused"]] == [
        (1, "sensor"),
        (2, "time"),
        (3, "time"),
        (4, "time"),
        (5, "value"),
        (6, "value"),
        (7, "value"),
        (8, "unit"),
        (9, ""),
        (11, "time"),
    ]
    assert Reading.objects.count() == 2


def test_refusals_speak_the_stations_language(client, station):
    _post, token = station
    answer = _push(
        client,
        token,
        [{"sensor": "xx", "time": T0.isoformat(), "value": 1}],
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    from django.utils import translation

    with translation.override("kk"):
        from django.utils.translation import gettext

        assert answer.json()["refused"][0]["reason"] == gettext("This post has no such sensor.")


def test_a_token_of_no_post_or_none_is_refused(client, station):
    assert _push(client, "wrong", [_row()]).status_code == 403
    assert client.post(URL, [_row()], content_type="application/json").status_code == 403
    post, token = station
    Post.objects.filter(pk=post.pk).update(active=False)
    assert _push(client, token, [_row()]).status_code == 403
    assert Reading.objects.count() == 0


def test_another_posts_sensor_cannot_be_written(client, station, db):
    post, token = station
    from taza.air.services import add_sensor, create_post
    from taza.core.actors import SYSTEM

    other = create_post(
        actor=SYSTEM,
        city=post.city,
        code="other",
        name_kk="o",
        name_ru="o",
        name_en="o",
        lat=43.25,
        lon=76.95,
        kind="automatic",
        owner_kind="akimat",
    )
    add_sensor(actor=SYSTEM, post=other, parameter="so2")
    answer = _push(client, token, [{"sensor": "so2", "time": T0.isoformat(), "value": 1}])
    assert answer.status_code == 422
    assert Reading.objects.count() == 0


def test_malformed_bodies_are_400(client, station):
    _post, token = station
    for body in ({"readings": "x"}, {"nothing": 1}, 5):
        assert _push(client, token, body).status_code == 400
    answer = client.post(
        URL, "{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answer.status_code == 400


def test_csv_batches(client, station):
    _post, token = station
    text = (
        "sensor,time,value,unit\n"
        'pm25,2026-01-15T08:00:00+05:00,"12,5",ug/m3\n'
        "no2,2026-01-15T08:00:00+05:00,40,ppb\n"
    )
    answer = client.post(URL, text, content_type="text/csv", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["stored"] == 2
    assert Reading.objects.get(sensor__parameter="pm25").value == 12.5
    bad = client.post(
        URL, "a,b\n1,2\n", content_type="text/csv", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert bad.status_code == 400


def test_flags_keep_faults_out_of_the_means(station):
    post, _token = station
    rows = [_row(h, 50.0) for h in range(8)] + [
        _row(8, -2.0),
        _row(9, 5000.0),
        _row(10, 10.0),
        _row(11, 900.0),
    ]
    result = ingest(post, rows, now=T0 + timedelta(days=1))
    flags = dict(Reading.objects.values_list("observed_at", "flags"))
    assert flags[T0 + timedelta(hours=6)] == ""
    assert flags[T0 + timedelta(hours=7)] == "stuck"
    assert flags[T0 + timedelta(hours=8)] == "negative,out_of_range"
    assert flags[T0 + timedelta(hours=9)] == "out_of_range,spike"
    assert flags[T0 + timedelta(hours=11)] == "spike"
    assert result.flagged == 4
    hours = set(HourlyValue.objects.values_list("hour", flat=True))
    assert T0 + timedelta(hours=7) not in hours and T0 + timedelta(hours=8) not in hours
    assert T0 + timedelta(hours=11) in hours  # a spike is kept, marked


def test_a_batch_over_the_limit_is_refused_whole(station):
    post, _token = station
    from taza.air.services import BatchTooLarge

    with pytest.raises(BatchTooLarge):
        ingest(post, [_row()] * (MAX_BATCH + 1))
    assert Reading.objects.count() == 0


def test_a_large_batch_is_stored_once(station):
    post, _token = station
    rows = [_row(h / 6, 20.0 + (h % 7)) for h in range(6 * 24 * 30)]  # 30 days every 10 minutes
    result = ingest(post, rows, now=T0 + timedelta(days=40))
    assert result.stored == len(rows)
    assert HourlyValue.objects.count() == 24 * 30
    assert ingest(post, rows, now=T0 + timedelta(days=40)).duplicates == len(rows)


def test_token_is_secret_in_the_audit_trail(station):
    post, token = station
    entry = AuditEntry.objects.filter(reason="API token issued").get()
    assert token not in str(entry.changes)
    assert Post.objects.get(pk=post.pk).token_hash not in str(entry.changes)
